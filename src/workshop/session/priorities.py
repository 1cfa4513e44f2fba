"""The priorities round in a running session: dots on the principles to act on first, and the ranking.

Part of LiveSession. Dots go through the same write path as ballots (committed before any screen
counts them, kept and retried while another program holds the database). Each participant places
at most the plan's `dots` (priorities: {dots: 3}); the session checks it before writing, the store
again as it writes, and the database's triggers whatever writes to it.

The round, for every face (keyboard, roster, phones):
- `priorities_state()` is 'pending' until the facilitator first opens it, then 'open' while dots
  are taken, 'closed' once the ranking is shown (`open_priorities()` / `close_priorities()`).
  `priorities_open` says whether dots are taken now, as committed.
- `dots_allowance` is how many dots each participant places; `dots_left(placement)` how many a
  participant with that placement (principle id -> dots) still has.
- Cards (a wall of dots): `wall_dots()`, `set_wall_dots(principle_id, group, count)`.
- Roster: `seat_dots(seat)`, `set_seat_dots(seat, principle_id, count)`, `dotted_seats()`.
- Phones: see `record_phone_dots`, `place_phone_dots` and `phone_dots`.
- How far the room has got: `dots_placed()` (per group, no principle named), `phones_dotted()`.
- The result: `priorities()`, every principle ranked by its dots (priorities.ranking).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from ..priorities import Priority, ranking
from ..store import BallotError, Store, new_id
from ..store.priorities import NO_ROUND
from ..wording import plural


class PrioritiesMixin:
    """Uses LiveSession's store, plan, id, _write, changed, _seat_ids, seat_labels and room_sizes."""

    # --- the round -----------------------------------------------------------------------------

    @property
    def dots_allowance(self) -> int:
        """How many dots each participant places (0: the plan has no priorities round)."""
        return self.plan.dots

    @cached_property
    def _round(self) -> dict[str, str]:
        """The round's state as last committed, kept in memory so phones never read it back per request."""
        return {"state": self.store.priorities_state(self.id) if self.plan.priorities else "pending"}

    def priorities_state(self) -> str:
        """'pending' (not started), 'open' (dots are taken) or 'closed' (the ranking is shown)."""
        return self._round["state"]

    @property
    def priorities_open(self) -> bool:
        """Whether dots are taken now: what a phone asks before it shows the priorities page."""
        return self.priorities_state() == "open"

    def open_priorities(self) -> bool:
        """Start the round, or take dots again after the ranking was shown. True once committed."""
        return self._set_round("open")

    def close_priorities(self) -> bool:
        """No more dots: the ranking can be shown. True once committed."""
        return self._set_round("closed")

    def _set_round(self, state: str) -> bool:
        if not self.plan.priorities:
            raise BallotError(NO_ROUND)

        def write() -> None:
            self.store.set_priorities_state(self.id, state)
            self._round["state"] = state

        done = self._write("priorities round", write)
        self.changed()
        return done

    def dots_left(self, placement: Mapping[str, int]) -> int:
        """How many dots a participant with this placement (principle id -> dots) has still to place."""
        return self.dots_allowance - sum(placement.values())

    def _check_allowance(self, placement: Mapping[str, int]) -> None:
        if not self.plan.priorities:
            raise BallotError(NO_ROUND)
        if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in placement.values()):
            raise BallotError("a number of dots is a whole number, 0 or more")
        if self.dots_left(placement) < 0:
            raise BallotError(f"each participant places {self.dots_allowance} dots, not {sum(placement.values())}")

    # --- cards: the dots a group stuck on the wall ----------------------------------------------

    def wall_dots(self) -> dict[tuple[str, str], int]:
        """(principle id, group) -> the dots the group put on the wall for it, as typed in."""
        return self.store.wall_dots(self.id) if self.plan.priorities else {}

    def set_wall_dots(self, principle_id: str, group: str, count: int) -> bool:
        """Store a group's dots on one principle, counted on the wall: committed before this returns
        True, or waiting (False)."""
        if not self.plan.priorities:
            raise BallotError(NO_ROUND)
        return self._write("dots", lambda: self.store.set_wall_dots(self.id, principle_id, group, count))

    def over_wall(self, principle_id: str, group: str, count: int) -> tuple[int, int] | None:
        """(the group's dots on the wall, the most its people in the room have) when a count would
        give it more dots than that; None when it fits or the room's size is not known."""
        size = self.room_sizes().get(group)
        if size is None:
            return None
        wall = self.wall_dots()
        total = sum(n for (p, g), n in wall.items() if g == group and p != principle_id) + count
        most = size * self.dots_allowance
        return (total, most) if total > most else None

    # --- the roster: each seat places its own dots ------------------------------------------------

    @cached_property
    def _dots_ids(self) -> dict[int, str]:
        """Anonymous sessions: seat -> the id its dots are stored under, in memory only, drawn apart
        from the seat's ballot and prediction ids: nothing stored ties the dots to the seat or its ratings."""
        return {}

    def _seat_dots_id(self, seat_index: int) -> str | None:
        if self.plan.anonymous:
            return self._dots_ids.setdefault(seat_index, new_id(16))
        return self._seat_ids.get(seat_index)

    def seat_dots(self, seat_index: int) -> dict[str, int]:
        """A roster seat's dots: principle id -> dots (only principles with some)."""
        pid = self._dots_ids.get(seat_index) if self.plan.anonymous else self._seat_ids.get(seat_index)
        return self.store.dots_of(self.id, pid) if pid and self.plan.priorities else {}

    def dotted_seats(self) -> set[int]:
        """The roster seats that have placed at least one dot."""
        if not self.plan.priorities:
            return set()
        done = self.store.dotted(self.id)
        ids = self._dots_ids if self.plan.anonymous else self._seat_ids
        return {i for i, pid in ids.items() if pid in done}

    def set_seat_dots(self, seat_index: int, principle_id: str, count: int) -> bool:
        """A roster seat's dots on one principle (0 takes them off): committed before this returns
        True, or waiting (False). BallotError when the seat would pass the allowance."""
        seat = self.plan.roster[seat_index]
        placement = dict(self.seat_dots(seat_index), **{principle_id: count})
        self._check_allowance(placement)
        self._check_room_dots(seat.group, count - self.seat_dots(seat_index).get(principle_id, 0))

        def write() -> None:
            if not self.plan.anonymous and seat_index not in self._seat_ids:
                self._seat_ids[seat_index] = self.store.add_participant(
                    self.id, seat.group, name=self.seat_labels()[seat_index], mode="roster")
            self.store.set_dots(self.id, self._seat_dots_id(seat_index), seat.group, principle_id, count,
                                mode="roster")

        return self._write("dots", write)

    def _check_room_dots(self, group: str, added: int) -> None:
        """BallotError when a seat's added dots would give its group more than its people in the room
        can place (after a resume, the seats start empty but the dots entered before are kept)."""
        size = self.room_sizes().get(group)
        if added <= 0 or size is None:
            return
        placed, most = self.dots_placed()[group], size * self.dots_allowance
        if placed + added > most:
            from .running import RESUMED_HINT

            raise BallotError(f"{self.plan.group(group).name} already has {placed} of the {most} dots its "
                              f"{plural(size, 'person', 'people')} in the room can place ({self.dots_allowance} each)"
                              + (RESUMED_HINT if self.resumed else ""))

    # --- phones (web/) -----------------------------------------------------------------------

    def record_phone_dots(self, dots_id: str, group: str, placement: Mapping[str, int],
                          store: Store | None = None) -> None:
        """A phone places (or replaces) all its dots at once: placement is principle id -> dots,
        at most dots_allowance in all; principles left out have none. Within the caller's transaction.

        dots_id: the phone's id for its dots, derived by the phone server from the phone's token and
        the session (like its ballot ids: stable while the token is, never stored with it, never the
        participant id nor any ballot or prediction id). group: the phone's group. store: the
        connection to write with (the phone server's writer thread has its own); without it, the
        app's own. BallotError when the round is not open (as that store has it committed), the
        placement passes the allowance, or a principle is not in the session.
        """
        self._check_allowance(placement)
        (store or self.store).place_dots(self.id, dots_id, group, placement, mode="phones")

    def place_phone_dots(self, dots_id: str, group: str, principle_id: str, count: int,
                         store: Store | None = None) -> None:
        """A phone sets its dots on one principle (0 takes them off; a tap adds one to what
        phone_dots says), keeping its others; under record_phone_dots's rules."""
        (store or self.store).set_dots(self.id, dots_id, group, principle_id, count, mode="phones")

    def phone_dots(self, dots_id: str, store: Store | None = None) -> dict[str, int]:
        """A phone's own dots: principle id -> dots (only principles with some); the dots it has left
        are dots_left(phone_dots(dots_id))."""
        return (store or self.store).dots_of(self.id, dots_id) if self.plan.priorities else {}

    def priorities_open_in(self, store: Store) -> bool:
        """Whether the round is open as store has it committed (read within a writer's transaction)."""
        return store.priorities_state(self.id) == "open"

    def dots_placed(self) -> dict[str, int]:
        """Group -> all the dots its people have placed so far, on every principle together: safe to
        show while the round is open (it says how far the room has got, not where the dots went)."""
        tally = self.store.dot_tally(self.id) if self.plan.priorities else None
        return {g.id: sum(n for (_, grp), n in tally.dots.items() if grp == g.id) if tally else 0
                for g in self.groups}

    def phones_dotted(self) -> int:
        """How many phones have placed dots so far (any number of them, anywhere)."""
        return sum(self.store.dotted_phones(self.id).values()) if self.plan.priorities else 0

    # --- the result ------------------------------------------------------------------------

    def priorities(self) -> list[Priority]:
        """Every principle ranked by its dots, most first (equal totals in plan order), each group's
        dots beside the total ("too few to show" as None); [] without the round."""
        return ranking(self.plan, self.store.dot_tally(self.id)) if self.plan.priorities else []
