"""Snapshots of the perception round's screens at 80x24 and 120x36: the second raise of cards and the
reveal with each side's own mean, its prediction of the other and the other's real mean."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.app import WorkshopApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]

# No time_box: the vote screen's countdown reads the wall clock.
PLAN = """\
title: Westbury Perception Check
date: 2026-11-12
place: Westbury Town Hall, Room 4
locality: Westbury
groups: [council, vcs]
anonymous: true
min_group_size: 3
perception: true
scale:
  min: 1
  max: 5
  labels: {1: Not at all true, 2: Slightly true, 3: Partly true, 4: Mostly true, 5: Completely true}
  dont_know: true
principles:
  ids:
    - council-accepts-vcs-right-to-challenge
    - council-sustains-grant-programmes
modes: [cards]
"""


@pytest.fixture(autouse=True)
def _steady_screen(monkeypatch):
    """A blinking cursor is caught on or off at random: keep it steady. NO_COLOR would drop colours."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def make_app(db_path, tmp_path, monkeypatch) -> WorkshopApp:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sessions").mkdir()
    return WorkshopApp(Store(db_path), plan=(parse_plan(PLAN), PLAN), sessions_dir=tmp_path.joinpath("sessions")
                       .relative_to(tmp_path))


async def second_raise(pilot) -> None:
    """The rating's cards, then the second raise typed into its own grid (w switches to it)."""
    await pilot.press("enter")
    await pilot.press("right", "right", "2", "right", "3", "right", "1")  # Council 3:2 4:3 5:1
    await pilot.press("down", *["left"] * 3, "2", "left", "3", "enter")   # VCS 2:2 1:3
    await pilot.press("w")
    await pilot.press("right", "right", "right", "4", "down", "3", "enter")  # Council expects 4; so does the VCS
    await pilot.press("down", "left", "left", "2")  # the VCS: two at 3, still being typed
    assert pilot.app.screen.live.prediction_counts() == {"council": 4, "vcs": 3}


async def revealed(pilot) -> None:
    await second_raise(pilot)
    await pilot.press("enter", "r")


@pytest.mark.parametrize("size", SIZES)
def test_second_raise(snap_compare, db_path, tmp_path, monkeypatch, size):
    assert snap_compare(make_app(db_path, tmp_path, monkeypatch), terminal_size=size, run_before=second_raise)


@pytest.mark.parametrize("size", SIZES)
def test_perception_reveal(snap_compare, db_path, tmp_path, monkeypatch, size):
    assert snap_compare(make_app(db_path, tmp_path, monkeypatch), terminal_size=size, run_before=revealed)
