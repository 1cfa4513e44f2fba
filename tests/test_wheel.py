"""workshop installs from a built wheel into a fresh venv and works there with no checkout in sight."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# Its tests share an expensive module fixture: under xdist they run on one worker.
pytestmark = pytest.mark.xdist_group("wheel")

SOURCE = ("pyproject.toml", "README.md", "src")


def run(args: list, cwd: Path, env: dict | None = None, timeout: int = 120) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    """The workshop command of a venv made from a wheel built from a copy of the source."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in SOURCE:  # a copy, so the build leaves nothing in the checkout
        item = REPO / name
        if item.is_dir():
            shutil.copytree(item, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
        else:
            shutil.copy2(item, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
         "-w", root / "dist", source], cwd=root, timeout=300)
    wheel = next((root / "dist").glob("workshop-*.whl"))
    venv = root / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=root)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # This pip installs into the new venv (--python): seeding the venv with its own pip costs seconds.
    # The dependencies come from the package index, so one missing from pyproject.toml fails here.
    # --no-compile: byte-compiling every dependency took half the test's time; the few modules
    # the commands below import are compiled as they load.
    run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--quiet", "--no-compile",
         "--disable-pip-version-check", wheel], cwd=root, timeout=300)
    home = root / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(HOME=str(home), WORKSHOP_DB=str(home / "workshop.db"), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
    return bin_dir / "workshop", env


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    workshop, env = installed
    python = workshop.with_name("python")
    where = run([python, "-c", "import workshop; print(workshop.__file__)"], cwd=tmp_path, env=env).strip()
    assert Path(where).is_relative_to(workshop.parent.parent)
    assert not Path(where).is_relative_to(REPO)


def test_a_facilitator_can_plan_import_and_show_from_the_wheel(installed, tmp_path):
    workshop, env = installed
    catalogue = json.loads(run([workshop, "principles", "--json"], cwd=tmp_path, env=env))
    assert len(catalogue["principles"]) >= 45
    assert all(p["statement"] and p["sources"] for p in catalogue["principles"])

    assert "wrote plan.yaml" in run([workshop, "new", "plan.yaml"], cwd=tmp_path, env=env)
    checked = run([workshop, "validate", "plan.yaml"], cwd=tmp_path, env=env)
    assert "plan.yaml: ok" in checked and "Council and VCS" in checked

    # The scaffolded plan asks the independence-and-voice theme: score its first two principles.
    first, second = [p["id"] for p in catalogue["principles"] if p["theme"] == "independence-and-voice"][:2]
    with (tmp_path / "votes.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["participant", "group", "principle", "score"])
        for group, principle, score in [("council", first, 4), ("council", first, 4), ("council", first, 5),
                                        ("vcs", first, 2), ("vcs", first, 2), ("vcs", first, 3),
                                        ("council", second, 3), ("council", second, 4), ("council", second, 4),
                                        ("vcs", second, 1), ("vcs", second, "dk")]:
            writer.writerow(["", group, principle, score])
    imported = run([workshop, "import", "plan.yaml", "votes.csv"], cwd=tmp_path, env=env)
    session = imported.strip().splitlines()[0]

    shown = json.loads(run([workshop, "show", session, "--json"], cwd=tmp_path, env=env))
    results = {p["id"]: p for p in shown["principles"]}
    assert results[first]["groups"]["council"]["mean"] == 4.333
    assert results[first]["groups"]["vcs"]["mean"] == 2.333
    assert results[first]["gap"] == -2.0
    assert results[second]["groups"]["vcs"]["suppressed"] is True  # one score: too few to show
    assert results[second]["gap"] is None
    table = run([workshop, "show", session], cwd=tmp_path, env=env)
    assert "too few to show" in table
    assert (Path(env["HOME"]) / "workshop.db").is_file()  # WORKSHOP_DB, not the checkout, holds it
