"""Shared fixtures: a real database file in a temp dir, the demo plan, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop.inputs.plan import load_plan
from workshop.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _no_user_database(monkeypatch, tmp_path):
    """Tests never touch the real user's database: the default is redirected to a temp dir."""
    monkeypatch.setenv("WORKSHOP_DB", str(tmp_path / "default.db"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture
def store(db_path):
    with Store(db_path) as s:
        yield s


@pytest.fixture
def demo_plan():
    plan, _ = load_plan(REPO / "sessions" / "demo.yaml")
    return plan


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
