"""Phones' dots in the priorities round, with no HTTP: what a phone may place, and what it is shown.

The running session (LiveSession's priorities mixin) holds the round; this holds the phones' side of
it. A phone's dots are stored under an id derived from its token for this session (guard.dots_id),
never its participant id nor any ballot or prediction id, so nothing stored ties its dots to its
answers or its device. Each phone's placement is kept in memory once committed (the store is the
truth: it is read once per phone, then kept as written), so a tap or an update costs no query.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping

from ..priorities import Priority, placed
from ..store import BallotError
from ..store.priorities import NO_ROUND, NOT_OPEN
from ..wording import plural
from .guard import Window, dots_id, participant_id
from .voting import Answer, Voting, _written

DOTS_PER_SECOND = 5  # per device: a tap each, as fast as a thumb goes
NOT_TAKEN = "the priorities round is not open now: dots are taken only while the facilitator has it open"
SAY_WHICH = 'send {"principle": "...", "dots": 2}'


def parse_count(raw: object) -> int | None:
    """A number of dots as sent (a whole number, or its digits as text); None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, str) and re.fullmatch(r"\s*[0-9]{1,4}\s*", raw):
        return int(raw)
    return None


def over_allowance(allowance: int, others: int) -> str:
    """What a phone is told when dots on one principle would pass its allowance (others: its dots
    on the other principles)."""
    if others >= allowance:
        return f"you have placed all {plural(allowance, 'dot')}: take one off another principle first"
    return (f"each participant places {plural(allowance, 'dot')}: "
            f"you can put at most {allowance - others} on this principle")


class Prioritising:
    """The phones' dots of one running session, through the same Voting (and batcher) as ballots.

    on_dots: told when a phone's dots are committed (the round's screen shows how far the room is).
    """

    def __init__(self, voting: Voting, clock: Callable[[], float], on_dots: Callable[[], None] | None = None):
        self.voting = voting
        self.on_dots = on_dots
        self.recent = Window(DOTS_PER_SECOND, 1.0, clock)  # by participant id, memory only
        self._placements: dict[str, dict[str, int]] = {}  # dots id -> principle id -> dots, as committed
        self._closed_on: tuple[int, str] | None = None  # (position, its state) phones saw as the round closed
        self._ranking: tuple[int, list[Priority]] | None = None  # (Voting.version, the ranking then)

    @property
    def live(self):
        return self.voting.live

    def forget(self) -> None:
        """Another session: its phones' placements are read afresh."""
        self._placements.clear()
        self._closed_on = self._ranking = None

    # --- what a phone sees -----------------------------------------------------------------

    def phase(self) -> str:
        """'dots' while the round is open (every phone's page is the round), 'ranking' once it is
        closed (the room's ranking, as the projector shows it) until the facilitator moves to, opens
        or reveals a principle, else '' (the principle on screen). Called on every change too
        (server.state_changed), so where the room was when the round closed is known."""
        live = self.live
        if not live.plan.priorities:
            return ""
        state = live.priorities_state()
        if state != "closed":
            self._closed_on = None
            return "dots" if state == "open" else ""
        position, _, shown = live.shown_to_phones()
        if self._closed_on is None:
            self._closed_on = (position, shown)
        # Once the facilitator moves or opens a principle again, the phones follow the principle.
        return "ranking" if self._closed_on == (position, shown) else ""

    def placement(self, token: str) -> dict[str, int]:
        """This phone's dots: principle id -> dots (only principles with some), as committed."""
        mine = dots_id(token, self.live.id)
        if mine not in self._placements:  # not asked since this server started: one query, then kept
            self._placements[mine] = self.live.phone_dots(mine)
        return self._placements[mine]

    def ranking(self) -> list[Priority]:
        """The principles that got dots, most first, as the ranking screen lists them: read once per
        change (no dots are taken while it is shown), however many phones ask."""
        if self._ranking is None or self._ranking[0] != self.voting.version:
            self._ranking = (self.voting.version, placed(self.live.priorities()))
        return self._ranking[1]

    def state_data(self, phase: str, placement: Mapping[str, int]) -> dict:
        """The "priorities" part of GET /api/state (docs/voting-api.md)."""
        live = self.live
        data = {"state": "open" if phase == "dots" else "closed", "allowance": live.dots_allowance,
                "my_dots": dict(placement), "left": live.dots_left(placement)}
        if phase == "ranking":
            data["ranking"] = [{"id": p.id, "rank": p.rank, "dots": dict(p.dots), "total": p.total}
                               for p in self.ranking()]
        return data

    # --- placing dots ----------------------------------------------------------------------

    async def place(self, token: str, group: str, principle: object, raw: object) -> Answer:
        """Set this phone's dots on one principle to raw (0 takes them off); committed before 200.

        Checks in order: the plan has the round (404), which principle (400), the count (400), the
        round open (409), the allowance (409), the device's rate (429).
        """
        live = self.live
        if not live.plan.priorities:
            return Answer(404, NO_ROUND)
        if not isinstance(principle, str):
            return Answer(400, SAY_WHICH)
        if principle not in {p.id for p in live.plan.principles}:
            return Answer(400, "that principle is not one of this workshop's")
        count = parse_count(raw)
        if count is None:
            return Answer(400, "a number of dots is a whole number, 0 or more")
        if not live.priorities_open:
            return Answer(409, NOT_TAKEN)
        mine = dots_id(token, live.id)
        placement = {p: n for p, n in {**self.placement(token), principle: count}.items() if n}
        if live.dots_left(placement) < 0:
            return Answer(409, over_allowance(live.dots_allowance, sum(placement.values()) - count))
        wait = self.recent.take(participant_id(token))
        if wait:
            return Answer(429, "slow down: one tap at a time", wait)
        # Checked again as it is written (the round open, the allowance), as committed in that transaction.
        written = self.voting.batcher.submit(
            lambda store, _: self._write(store, mine, group, principle, count))
        written.add_done_callback(lambda done: self._keep(done, mine, placement))
        answer = _written(await asyncio.shield(written), "saved")
        if answer.status == 409 and answer.text == NOT_OPEN:
            return Answer(409, NOT_TAKEN)
        return answer

    def _write(self, store, mine: str, group: str, principle: str, count: int) -> None:
        if not self.live.priorities_open_in(store):
            raise BallotError(NOT_OPEN)
        self.live.place_phone_dots(mine, group, principle, count, store)

    def _keep(self, written: asyncio.Future, mine: str, placement: dict[str, int]) -> None:
        # Kept once committed, also when the phone stopped waiting: memory never says more than the store.
        if not written.cancelled() and written.result().ok:
            self._placements[mine] = placement
            if self.on_dots:
                self.on_dots()
