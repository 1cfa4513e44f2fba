"""A session being run: which principle is on screen, voting, reveal, notes. Screens call this, not SQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ..analytics import PrincipleResult, default_pair, pairs, principle_result, results_from_tallies
from ..model import Action, Group, Note, Plan, Principle, Session
from ..store import BallotError, Store, new_id
from ..wording import plural
from .capture import owner_named
from .comments import RoomComments
from .perception import PerceptionMixin
from .phone_writes import NOT_OPEN, PHONE_HINT, PhoneWritesMixin  # noqa: F401  (the phone server says them)
from .priorities import PrioritiesMixin
from .room import RoomMixin


@dataclass(frozen=True)
class SeatView:
    """One roster row as the screen shows it."""

    index: int
    label: str
    group: str
    voted: bool


def held_up(exc: sqlite3.OperationalError, phones_writing: bool = False) -> str:
    """Why a write must wait, in the room's words: the phones' own ballots being saved, another
    program's lock, or the disk itself. Either way the write is kept and tried again.
    """
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "the phones' ballots are being saved" if phones_writing else "another workshop command is writing"
    return f"the database cannot be written just now ({exc}); check the disk"


# Writes that change which principle is on screen or its state: the copy in memory is read back after them.
MOVES = frozenset({"move", "reveal", "reopen"})
RESUMED_HINT = ("; this session was resumed, and the ballots entered before are kept: "
                "don't enter them again")


class LiveSession(RoomMixin, PerceptionMixin, PrioritiesMixin, PhoneWritesMixin):
    """The running state of one session, persisted through the store at every step.

    One object per running session, with two faces: the screens call it from the keyboard and the
    phone server (web/voting.py) from HTTP. Which principle is open and whether it is revealed is
    kept here, as the store last committed it, so neither face reads it back from SQL per ballot.
    """

    def __init__(self, store: Store, session: Session, *, readonly: bool = False):
        self.store = store
        self.readonly = readonly  # reviewing a past session: nothing is opened, closed or voted
        self.on_change: Callable[[], None] | None = None  # told when phones must follow the facilitator
        self.pending: list[tuple[str, Callable[[], object]]] = []  # writes waiting for the lock, in order
        self.hold_up = ""  # why they wait
        # Whether this app's own phone writer holds the lock (or did a moment ago): set while phones vote.
        self.phones_writing: Callable[[], bool] = lambda: False
        self.session = session
        self.plan: Plan = session.plan
        self.id = session.id
        self.position = min(max(session.position, 0), len(self.plan.principles) - 1)
        self._read_state()
        self.pair: tuple[str, ...] = default_pair(self.plan)  # the groups the gap is between
        self._seat_ids: dict[int, str] = {}  # named sessions: seat -> participant id
        self._anonymous_ids: dict[tuple[int, str], str] = {}  # anonymous: (seat, principle) -> ballot id
        self.comments = RoomComments(self)  # comments from phones and the floor, and the one shown
        # Read once as the session opens: whether its roster seats start empty on entries kept (see resumed).
        self._entered_before = bool(self.plan.anonymous and self.plan.roster and store.roster_entered(self.id))
        self.room_sizes()  # kept in memory from now on: the phones' writer thread checks it
        if not self.plan.anonymous:
            # Named sessions keep who is who, so the roster's ticks survive a restart.
            by_name = {name: pid for pid, _, name in store.participants(self.id, "roster")}
            for i, label in enumerate(self.seat_labels()):
                if label in by_name:
                    self._seat_ids[i] = by_name[label]

    # --- where we are ----------------------------------------------------------------------

    @property
    def principles(self) -> tuple[Principle, ...]:
        return self.plan.principles

    @property
    def principle(self) -> Principle:
        return self.plan.principles[self.position]

    @property
    def total(self) -> int:
        return len(self.plan.principles)

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.plan.groups

    @property
    def is_last(self) -> bool:
        return self.position == self.total - 1

    def state(self, principle_id: str | None = None) -> str:
        return self._states[principle_id or self.principle.id]

    def _read_state(self) -> None:
        """The principles' states and the position as committed: what phones follow."""
        self._states = self.store.principle_states(self.id)
        self._stored_position = min(max(self.store.position(self.id)[0], 0), self.total - 1)

    @property
    def revealed(self) -> bool:
        """Whether results show: once closed, and always when reviewing."""
        return self.readonly or self.state() == "closed"

    # --- writing while another program holds the database -----------------------------------

    def _write(self, what: str, write: Callable[[], object]) -> bool:
        """Run a write now, committed; or, while another program holds the write lock, keep it
        to run later in order (retry_pending). True when it is committed now.

        Nothing waits on the lock: the screen counts only what is committed, and says what waits.
        """
        if not self.pending:
            try:
                with self.store.atomic():
                    write()
            except sqlite3.OperationalError as exc:
                self.hold_up = held_up(exc, self.phones_writing())
            else:
                self._committed(what)
                return True
        self.pending.append((what, write))
        return False

    def _committed(self, what: str) -> None:
        if what in MOVES:
            self._read_state()

    def retry_pending(self) -> int:
        """Run the writes that waited, oldest first, until one still finds the lock; how many ran."""
        done = 0
        while self.pending:
            what, write = self.pending[0]
            try:
                with self.store.atomic():
                    write()
            except sqlite3.OperationalError as exc:
                self.hold_up = held_up(exc, self.phones_writing())
                break
            self.pending.pop(0)
            self._committed(what)
            done += 1
        if done:
            self.changed()
        return done

    def waiting(self) -> str:
        """'3 ballots waiting' (and other writes), or '' when nothing waits."""
        ballots = sum(1 for what, _ in self.pending if what == "ballot")
        others = len(self.pending) - ballots
        parts = ([plural(ballots, "ballot")] if ballots else []) + ([plural(others, "other change")] if others else [])
        return " and ".join(parts) + " waiting" if parts else ""

    def go(self, position: int) -> None:
        """Show the principle at position; a principle not yet voted on opens for voting."""
        self.position = min(max(position, 0), self.total - 1)
        if self.readonly:
            return
        position, principle = self.position, self.principle.id

        def write() -> None:
            self.store.set_position(self.id, position)
            state = self.state(principle)
            if state == "pending":
                self.store.set_principle_state(self.id, principle, "open")
            if state != "closed":
                self._carry_on()

        self._write("move", write)
        self.changed()

    def _carry_on(self) -> None:
        """Voting again after the end: the session is not finished any more (resume comes back here)."""
        if self.store.status(self.id) == "finished":
            self.store.reopen_session(self.id)

    def changed(self) -> None:
        if self.on_change:
            self.on_change()

    def start(self) -> None:
        self.go(self.position)

    def time_left(self, now: dt.datetime | None = None) -> int | None:
        """Seconds left in the principle's time box (negative when over), or None without one."""
        box = self.plan.time_box_for(self.principle.id)
        opened = self.store.opened_at(self.id, self.principle.id)
        if box is None or opened is None:
            return None
        now = now or dt.datetime.now(dt.timezone.utc)
        return box - int((now - dt.datetime.fromisoformat(opened)).total_seconds())

    # --- the room --------------------------------------------------------------------------

    # --- the compared pair ------------------------------------------------------------------

    def next_pair(self) -> tuple[str, ...]:
        """The next pair of groups for the gap (only when the plan has more than two groups)."""
        options = pairs(self.plan)
        if len(options) > 1:
            self.pair = options[(options.index(tuple(self.pair)) + 1) % len(options)] \
                if tuple(self.pair) in options else options[0]
        return self.pair

    # --- voting ----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Ballots in per group, for the current principle. Never scores."""
        counts = self.store.ballot_counts(self.id, self.principle.id)
        return {g.id: counts.get(g.id, 0) for g in self.groups}

    def card_counts(self) -> dict[tuple[str, int | None], int]:
        return self.store.card_counts(self.id, self.principle.id)

    def set_cards(self, group: str, score: int | None, count: int, principle_id: str | None = None) -> bool:
        """Store how many cards were raised: committed before this returns True, or waiting (False)."""
        principle = principle_id or self.principle.id
        return self._write("ballot", lambda: self.store.set_card_count(self.id, principle, group, score, count))

    def seat_labels(self) -> list[str]:
        labels, seen = [], {}
        for seat in self.plan.roster:
            if seat.name:
                labels.append(seat.name)
            else:
                seen[seat.group] = seen.get(seat.group, 0) + 1
                labels.append(f"{self.plan.group(seat.group).name} seat {seen[seat.group]}")
        return labels

    def _ballot_id(self, seat_index: int) -> str | None:
        """An anonymous session's ballot id for a seat on the principle on screen, kept in memory
        only: nothing in the database ties it to the seat, to the seat's other ballots, or to a name."""
        if not self.plan.anonymous:
            return None
        return self._anonymous_ids.setdefault((seat_index, self.principle.id), new_id(16))

    def seats(self) -> list[SeatView]:
        voted = self.store.voters(self.id, self.principle.id)
        if self.plan.anonymous:
            mine = {i for (i, pid), bid in self._anonymous_ids.items() if pid == self.principle.id and bid in voted}
        else:
            mine = {i for i, pid in self._seat_ids.items() if pid in voted}
        return [SeatView(i, label, seat.group, i in mine)
                for i, (seat, label) in enumerate(zip(self.plan.roster, self.seat_labels()))]

    def vote(self, seat_index: int, score: int | None) -> bool:
        """Record a roster participant's ballot: committed before this returns True, or waiting (False)."""
        seat, principle = self.plan.roster[seat_index], self.principle.id
        self.check_room(principle, seat.group, self._ballot_id(seat_index) if self.plan.anonymous
                        else self._seat_ids.get(seat_index), words=RESUMED_HINT if self.resumed else "")
        if self.plan.anonymous:
            ballot_id = self._ballot_id(seat_index)
            return self._write("ballot", lambda: self.store.record_ballot(
                self.id, principle, seat.group, score, ballot_id=ballot_id, mode="roster"))

        def write() -> None:
            if seat_index not in self._seat_ids:
                label = self.seat_labels()[seat_index]
                self._seat_ids[seat_index] = self.store.add_participant(self.id, seat.group, name=label,
                                                                        mode="roster")
            self.store.record_ballot(self.id, principle, seat.group, score,
                                     participant=self._seat_ids[seat_index], mode="roster")

        return self._write("ballot", write)

    # --- reveal and results -----------------------------------------------------------------

    def reveal(self) -> PrincipleResult:
        principle = self.principle.id
        self._write("reveal", lambda: self.store.set_principle_state(self.id, principle, "closed"))
        self.changed()
        return self.result()

    def reopen(self) -> None:
        principle = self.principle.id

        def write() -> None:
            self.store.set_principle_state(self.id, principle, "open")
            self._carry_on()

        self._write("reopen", write)
        self.changed()

    def result(self, principle: Principle | None = None, pair: tuple[str, ...] | None = None) -> PrincipleResult:
        principle = principle or self.principle
        return self.perceived([principle_result(principle, self.store.ballots(self.id, principle.id), self.plan,
                                                pair=pair or self.pair)])[0]

    def results(self) -> list[PrincipleResult]:
        return self.perceived(results_from_tallies(self.plan, self.store.tallies(self.id), self.pair))

    def states(self) -> dict[str, str]:
        # A session under review may be run by another program meanwhile: read it as it is now.
        return self.store.principle_states(self.id) if self.readonly else dict(self._states)

    def finish(self) -> None:
        self._write("finish", lambda: self.store.finish_session(self.id))
        self.changed()

    # --- notes and actions -----------------------------------------------------------------

    def add_note(self, text: str, principle_id: str | None = None) -> bool:
        principle = principle_id or self.principle.id
        return self._write("note", lambda: self.store.add_note(self.id, text, principle))

    def add_action(self, text: str, owner: str = "", due: str = "", principle_id: str | None = None) -> bool:
        principle, owner = principle_id or self.principle.id, owner_named(owner, self.plan.group_names)
        return self._write("action", lambda: self.store.add_action(self.id, text, owner=owner, due=due,
                                                                   principle_id=principle))

    def update_action(self, action_id: int, *, text: str, owner: str, due: str) -> bool:
        owner = owner_named(owner, self.plan.group_names)
        return self._write("action", lambda: self.store.update_action(action_id, text=text, owner=owner, due=due))

    def delete_action(self, action_id: int) -> bool:
        return self._write("action", lambda: self.store.delete_action(action_id))

    def delete_note(self, note_id: int) -> bool:
        return self._write("note", lambda: self.store.delete_note(note_id))

    def notes(self, principle_id: str | None = None) -> list[Note]:
        return [n for n in self.store.notes(self.id) if n.principle_id == (principle_id or self.principle.id)]

    def actions(self, everywhere: bool = False, principle_id: str | None = None) -> list[Action]:
        actions = self.store.actions(self.id)
        return actions if everywhere else [a for a in actions if a.principle_id == (principle_id or self.principle.id)]

    # --- phones: what they see and what they send (web/voting.py calls these) ----------------

    def shown_to_phones(self) -> tuple[int, Principle | None, str]:
        """(position, the principle phones see or None before it opens, its state), as committed:
        while the facilitator's move waits for another program's lock, phones stay where they were."""
        principle = self.plan.principles[self._stored_position]
        state = self._states[principle.id]
        return self._stored_position, (None if state == "pending" else principle), state

    def open_to_phones(self, principle_id: object) -> bool:
        _, principle, state = self.shown_to_phones()
        return principle is not None and principle.id == principle_id and state == "open"

    def phones_joined(self) -> int:
        return len(self.store.participants(self.id, "phones"))

    def phone_group(self, participant_id: str) -> str | None:
        return self.store.participant_group(self.id, participant_id)

    def phone_answer(self, principle_id: str, ballot_id: str) -> int | None | str:
        """A phone's own answer: a score, None for don't know, "" for none yet."""
        ballot = self.store.current_ballot(self.id, principle_id, ballot_id)
        return "" if ballot is None else ballot.score
