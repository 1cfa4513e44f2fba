"""Snapshots of the priorities round's screens at 80x24 and 120x36: the grid of dots by cards and by
roster, and the ranking with every statement whole."""

from __future__ import annotations

import pytest

from test_snapshots import SIZES, _steady_screen, make_app, plans_dir  # noqa: F401  (fixtures)

PLAN = """\
title: Westbury Priorities Check
date: 2026-11-12
place: Westbury Town Hall, Room 4
locality: Westbury
groups: [council, vcs]
anonymous: true
min_group_size: 3
priorities: {dots: 3}
principles:
  ids:
    - council-accepts-vcs-right-to-challenge
    - council-sustains-grant-programmes
    - council-and-vcs-reshape-funding-arrangements
modes: [cards, roster]
roster:
  - {group: council, count: 3}
  - {group: vcs, count: 4}
"""


async def on_the_round(pilot) -> None:
    """Wait for the round's screen to be up and drawn before typing on it."""
    from workshop.tui.screens.priorities import PrioritiesScreen

    for _ in range(250):
        if isinstance(pilot.app.screen, PrioritiesScreen):
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def wall(pilot) -> None:
    """After the last principle, the wall's dots: Council 4, 2 and 3; the VCS 5 on the third, 6 being typed."""
    await pilot.press("enter", "n", "n", "n")
    await on_the_round(pilot)
    await pilot.press("4", "enter", "2", "enter", "3", "tab", "5", "up", "up", "6")


async def seats(pilot) -> None:
    """The roster: Council seat 1 puts 2 dots on the first principle and 1 on the third."""
    await pilot.press("enter", "n", "n", "n")
    await on_the_round(pilot)
    await pilot.press("v")
    await pilot.press("2", "down", "down", "1", "enter")
    pilot.app.clear_notifications()


async def ranking(pilot) -> None:
    await wall(pilot)
    await pilot.press("enter", "r")


@pytest.mark.parametrize("size", SIZES)
def test_priorities_wall(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, PLAN), terminal_size=size, run_before=wall)


@pytest.mark.parametrize("size", SIZES)
def test_priorities_seats(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, PLAN), terminal_size=size, run_before=seats)


@pytest.mark.parametrize("size", SIZES)
def test_priorities_ranking(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, PLAN), terminal_size=size, run_before=ranking)
