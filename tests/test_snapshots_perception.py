"""Snapshots of the perception round's screens at 80x24 and 120x36: the second raise of cards and the
reveal with each side's own mean, its prediction of the other and the other's real mean."""

from __future__ import annotations

import pytest

from test_snapshots import SIZES, _steady_screen, make_app, plans_dir  # noqa: F401  (fixtures)

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
def test_second_raise(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, PLAN), terminal_size=size, run_before=second_raise)


@pytest.mark.parametrize("size", SIZES)
def test_perception_reveal(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, PLAN), terminal_size=size, run_before=revealed)
