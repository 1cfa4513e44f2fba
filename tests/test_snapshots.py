"""Snapshots of the key screens at 80x24 and 120x36: look at every diff before --snapshot-update."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.app import WorkshopApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]

# No time_box in these plans: the vote screen's countdown reads the wall clock.
CARDS_PLAN = """\
title: Westbury Partnership Health Check
date: 2026-11-12
place: Westbury Town Hall, Room 4
locality: Westbury
groups: [council, vcs]
anonymous: true
min_group_size: 3
scale:
  min: 1
  max: 5
  labels: {1: Not at all true, 2: Slightly true, 3: Partly true, 4: Mostly true, 5: Completely true}
  dont_know: true
principles:
  ids:
    - council-accepts-vcs-right-to-challenge
    - council-involves-vcs-in-budget-decisions
    - vcs-understands-council-pressures
    - council-sustains-grant-programmes
    - council-is-frank-with-vcs
    - vcs-bodies-show-they-speak-for-members
modes: [cards]
"""

# Not conftest.ROSTER_PLAN: six named seats, the roster the roster snapshots show.
SIX_SEAT_ROSTER = """\
title: Eastmoor Roster Check
date: 2026-10-08
locality: Eastmoor
groups: [council, vcs]
anonymous: false
scale: {min: 1, max: 5, dont_know: true}
principles: {ids: [council-sustains-grant-programmes, council-is-frank-with-vcs]}
modes: [roster]
roster:
  - {name: A. Patel, group: council}
  - {name: Cllr M. Jones, group: council}
  - {name: B. Khan, group: council}
  - {name: S. Okafor, group: vcs}
  - {name: T. Evans, group: vcs}
  - {name: R. Nowak, group: vcs}
"""

# Cards per principle: one dict per group (council, vcs) of score -> cards; None is don't know.
CARDS = [
    ({3: 2, 4: 3, 5: 1}, {1: 2, 2: 2, None: 1}),
    ({3: 2, 4: 2}, {1: 3, 2: 1}),
    ({2: 1, 3: 3}, {3: 2, 4: 3}),
    ({4: 2, 5: 3}, {3: 1, 4: 3, 5: 1}),
]


@pytest.fixture(autouse=True)
def _steady_screen(monkeypatch):
    """A blinking cursor is caught on or off at random: keep it steady. NO_COLOR would drop colours."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def plans_dir(tmp_path, monkeypatch):
    """Plans in a relative sessions/ under a temp dir, so Home shows "Plans in sessions/" on any machine."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "westbury.yaml").write_text(CARDS_PLAN, encoding="utf-8")
    (folder / "eastmoor-roster.yaml").write_text(SIX_SEAT_ROSTER, encoding="utf-8")
    return folder.relative_to(tmp_path)


def make_app(db_path, plans_dir, plan_text: str | None = None, session_id: str | None = None) -> WorkshopApp:
    plan = (parse_plan(plan_text), plan_text) if plan_text else None
    return WorkshopApp(Store(db_path), plan=plan, session_id=session_id, sessions_dir=plans_dir)


async def cards_entered(pilot) -> None:
    """The first principle's cards, typed as a facilitator does: arrows, and a count per cell,
    stored as the cursor leaves it (Enter stores the last one). Each key costs Pilot ~80 ms.
    """
    await pilot.press("enter")  # lobby -> vote screen; the grid's cursor is on Council, score 1
    await pilot.press("right", "right", "2", "right", "3", "right", "1")  # Council 3:2 4:3 5:1
    await pilot.press("down", "right", "1")                                # VCS don't know: 1
    await pilot.press(*["left"] * 4, "2", "left", "2", "enter")            # VCS 2:2 1:2
    assert pilot.app.screen.live.counts() == {"council": 6, "vcs": 5}


async def revealed(pilot) -> None:
    await cards_entered(pilot)
    await pilot.press("r")


async def help_on_vote(pilot) -> None:
    await cards_entered(pilot)
    await pilot.press("question_mark")


async def gap_view(pilot) -> None:
    await pilot.press("g")


def voted_session(db_path) -> str:
    """A cards session with CARDS stored and revealed for the first four principles; two still to vote."""
    with Store(db_path) as store:
        session = store.start_session(parse_plan(CARDS_PLAN), CARDS_PLAN, session_id="snapshot-gap")
        for principle, counts in zip(session.plan.principles, CARDS):
            for group, cells in zip(("council", "vcs"), counts):
                for score, count in cells.items():
                    store.set_card_count(session.id, principle.id, group, score, count)
            store.set_principle_state(session.id, principle.id, "closed")
        store.set_position(session.id, len(CARDS) - 1)
    return session.id


async def roster_voted(pilot) -> None:
    await pilot.press("enter")
    await pilot.press("4", "5", "d")  # A. Patel, Cllr M. Jones, B. Khan; the selection moves on
    pilot.app.clear_notifications()  # the ✓ toasts time out after 2 s: not stable


def dark(run_before):
    async def run(pilot) -> None:
        await run_before(pilot)
        await pilot.press("t")

    return run


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, db_path, plans_dir, size):
    with Store(db_path) as store:
        old = store.start_session(parse_plan(SIX_SEAT_ROSTER), SIX_SEAT_ROSTER, session_id="snapshot001")
        for group, score, count in (("council", 4, 2), ("vcs", 2, 3)):
            store.set_card_count(old.id, old.plan.principles[0].id, group, score, count)
        store.finish_session(old.id)
        store.start_session(parse_plan(CARDS_PLAN), CARDS_PLAN, session_id="snapshot002")
    assert snap_compare(make_app(db_path, plans_dir), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_lobby(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, CARDS_PLAN), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_vote_cards(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, CARDS_PLAN), terminal_size=size, run_before=cards_entered)


@pytest.mark.parametrize("size", SIZES)
def test_vote_cards_dark(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, CARDS_PLAN), terminal_size=size,
                        run_before=dark(cards_entered))


@pytest.mark.parametrize("size", SIZES)
def test_vote_roster(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, SIX_SEAT_ROSTER), terminal_size=size, run_before=roster_voted)


@pytest.mark.parametrize("size", SIZES)
def test_reveal(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, CARDS_PLAN), terminal_size=size, run_before=revealed)


@pytest.mark.parametrize("size", SIZES)
def test_reveal_dark(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, CARDS_PLAN), terminal_size=size, run_before=dark(revealed))


@pytest.mark.parametrize("size", SIZES)
def test_gap_view(snap_compare, db_path, plans_dir, size):
    app = make_app(db_path, plans_dir, session_id=voted_session(db_path))  # resumes on the vote screen
    assert snap_compare(app, terminal_size=size, run_before=gap_view)


@pytest.mark.parametrize("size", SIZES)
def test_help_on_vote(snap_compare, db_path, plans_dir, size):
    assert snap_compare(make_app(db_path, plans_dir, CARDS_PLAN), terminal_size=size, run_before=help_on_vote)


def two_years(db_path) -> None:
    """Westbury's check in 2025 and 2026 (ids fixed), the second with the gap closing on principle 1."""
    import dataclasses

    plan = parse_plan(CARDS_PLAN)
    later = [({3: 2, 4: 2}, {2: 1, 3: 3}), *CARDS[1:]]
    with Store(db_path) as store:
        for sid, dated, cards in (("snapshot-2025", dataclasses.replace(plan, date=plan.date.replace(year=2025)),
                                   CARDS), ("snapshot-2026", plan, later)):
            session = store.start_session(dated, CARDS_PLAN, session_id=sid)
            for principle, counts in zip(session.plan.principles, cards):
                for group, cells in zip(("council", "vcs"), counts):
                    for score, count in cells.items():
                        store.set_card_count(session.id, principle.id, group, score, count)
                store.set_principle_state(session.id, principle.id, "closed")
            store.finish_session(session.id)


async def history(pilot) -> None:
    await pilot.press("h")


async def compared(pilot) -> None:
    await pilot.press("h", "space", "down", "space", "c")


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare, db_path, plans_dir, size):
    two_years(db_path)
    assert snap_compare(make_app(db_path, plans_dir), terminal_size=size, run_before=history)


@pytest.mark.parametrize("size", SIZES)
def test_compare(snap_compare, db_path, plans_dir, size):
    two_years(db_path)
    assert snap_compare(make_app(db_path, plans_dir), terminal_size=size, run_before=compared)
