"""Phone voting's rules, with no HTTP: who may join, which ballot is taken, what a phone sees.

The phone server (server.py) translates requests into calls here and answers with what comes back.
Everything goes through the running session (LiveSession), the same object the screens drive; its
writes go through the group-commit batcher, so a ballot is committed before any screen or phone
counts it. Statuses are HTTP's numbers, as plain data: they are what docs/voting-api.md promises.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..analytics import default_pair
from ..export.json import group_data, perception_data
from ..session.running import NOT_OPEN, LiveSession
from ..wording import for_data
from .batcher import Batcher, Many, Outcome
from .guard import Window, ballot_id, new_join_code, parse_score, participant_id, prediction_id
from .page import View

BALLOTS_PER_SECOND = 3  # per device
# Limits per client address (held in memory only, never stored or logged). A phone on the room's
# network has an address of its own, so one device cannot use up what the others need.
FAILED_JOINS_PER_ADDRESS = 5  # wrong codes a minute; then that address waits, nobody else does
JOINS_PER_ADDRESS = 20  # joins a minute: a phone joins once, a few may share an address
MAX_JOINS = 5000  # phones per session: far above any room, low enough that nobody can fill the disk
MAX_TOKEN = 200  # characters; a longer token is not one this server gave
BUSY_RETRY_SECONDS = 1  # Retry-After when the database is locked by another program
BUSY_MESSAGE = "the laptop is busy; your answer was not saved yet, send it again in a moment"
FAILED_MESSAGE = "your answer could not be saved; try again"


@dataclass(frozen=True)
class Answer:
    """What a phone is told: a status, a token or a message for a person, and the seconds to wait
    before trying again (0: no need to wait)."""

    status: int
    text: str
    wait: float = 0

    @property
    def ok(self) -> bool:
        return self.status == 200


def _written(outcome: Outcome, saved: str) -> Answer:
    if outcome.busy:
        return Answer(503, BUSY_MESSAGE, BUSY_RETRY_SECONDS)
    if outcome.failed:
        return Answer(500, FAILED_MESSAGE)
    if outcome.refused:
        return Answer(409, outcome.refused)
    return Answer(200, saved)


class Voting:
    """Phone voting on one running session.

    clock: seconds, for the rate limits and the pause after a locked write (tests pass their own).
    on_ballot: told a principle id when a phone's ballot is committed ("" for a join).
    """

    def __init__(self, live: LiveSession, *, clock: Callable[[], float] = time.monotonic,
                 on_ballot: Callable[[str], None] | None = None):
        self.live = live
        self.plan = live.plan
        self.on_ballot = on_ballot
        self.join_code = new_join_code()
        self.version = 0  # goes up each time the facilitator moves, reveals or reopens
        # Each group commit reads which principle is open as committed, under the write lock.
        self.batcher = Batcher(live.store, clock, snapshot=lambda store: self.live.open_to_phones_in(store))
        live.phones_writing = self.batcher.writing  # a key held up by the phones' writes says so
        self.recent = Window(BALLOTS_PER_SECOND, 1.0, clock)  # by participant id
        # The perception round's second answer has its own allowance: one form sends both at once.
        self.recent_predictions = Window(BALLOTS_PER_SECOND, 1.0, clock)
        self.failed_joins = Window(FAILED_JOINS_PER_ADDRESS, 60.0, clock)  # by address
        self.joined = Window(JOINS_PER_ADDRESS, 60.0, clock)  # by address
        self.joins = live.phones_joined()  # committed joins: what the screen shows
        self._joining = 0  # joins on their way to the disk, so a burst cannot pass MAX_JOINS
        self._result_cache: tuple[tuple[int, str], object] | None = None
        # Read from the store once, then kept as committed, so a request or an update costs no query.
        # Memory only: the participant id of each joined phone -> its group, and each phone's
        # answer by ballot id (a score, None for don't know, "" for none yet). Nothing here is
        # stored, and a ballot id says nothing about which phone or when.
        self._groups: dict[str, str] = {}
        self._answers: dict[str, int | None | str] = {}
        self._predictions: dict[str, int | None | str] = {}  # the same, by prediction id

    @property
    def session_id(self) -> str:
        return self.live.id

    def follow(self, live: LiveSession) -> None:
        """The facilitator's screens now drive this (same) session through another object."""
        if live.id != self.live.id:
            self._groups.clear()
            self._answers.clear()
            self._predictions.clear()
        self.live.phones_writing = lambda: False
        self.live = live
        live.phones_writing = self.batcher.writing
        self.plan = live.plan
        self.changed()

    def changed(self) -> None:
        self.version += 1

    def close(self) -> None:
        """No more writes: the writer's connection closes once those already sent are done."""
        self.live.phones_writing = lambda: False
        self.batcher.close()

    def new_code(self) -> str:
        """A fresh join code: old devices can no longer join, their ballots stay."""
        self.join_code = new_join_code()
        return self.join_code

    # --- who is asking ---------------------------------------------------------------------

    def group_of(self, token: str | None) -> str | None:
        """The group of the phone holding token, or None when it has not joined this session."""
        if not token or len(token) > MAX_TOKEN:
            return None
        device = participant_id(token)
        group = self._groups.get(device)
        if group is None:
            group = self.live.phone_group(device)  # joined before this server started
            if group is not None:
                self._groups[device] = group
        return group

    # --- joining ---------------------------------------------------------------------------

    async def join(self, code: str, group: str, address: str) -> Answer:
        """A token (the answer's text) for a phone joining group with code.

        address: the client's, for the limits only; it goes no further than this process's memory.
        """
        wait = self.failed_joins.wait(address)
        if wait:
            return Answer(429, "too many wrong codes from this device; wait a minute", wait)
        if not secrets.compare_digest(code.strip().upper().encode(), self.join_code.encode()):
            self.failed_joins.add(address)
            return Answer(403, "that join code is not right; check the screen at the front")
        if group not in [g.id for g in self.plan.groups]:
            return Answer(400, "choose your side")
        wait = self.joined.wait(address)
        if wait:
            return Answer(429, "too many phones joined from this address just now; wait a minute", wait)
        if self.joins + self._joining >= MAX_JOINS:
            return Answer(429, "this workshop has as many phones as it can take")
        token = secrets.token_urlsafe(16)  # 128 random bits; only its hash is stored
        live, device = self.live, participant_id(token)
        self._joining += 1
        written = self.batcher.submit(lambda store, _: live.add_phone(group, device, store))
        # Counted once committed, even if nobody waits for the answer any more.
        written.add_done_callback(lambda done: self._count_join(done, device, group))
        answer = _written(await asyncio.shield(written), token)
        if answer.ok:
            self.joined.add(address)
        return answer

    def _count_join(self, written: asyncio.Future, device: str, group: str) -> None:
        self._joining -= 1
        if not written.cancelled() and written.result().ok:
            self.joins += 1
            self._groups[device] = group
            if self.on_ballot:
                self.on_ballot("")  # the screen refreshes its counts, phones joined among them

    # --- voting ----------------------------------------------------------------------------

    async def vote(self, token: str, group: str, principle: object, raw: object) -> Answer:
        """Cast or change the ballot of a joined phone (token, group) on principle."""
        if not isinstance(principle, str):
            return Answer(400, "say which principle")
        score = parse_score(raw)
        if score == "bad" or not self.plan.scale.accepts(score):
            return Answer(400, f"a score must be {self.plan.scale.describe()}")
        live = self.live
        if not live.open_to_phones(principle):
            return Answer(409, NOT_OPEN)
        wait = self.recent.take(participant_id(token))
        if wait:
            return Answer(429, "slow down: one answer at a time", wait)
        ballot = ballot_id(token, live.id, principle)
        # Checked again as it is written (the facilitator may have moved on meanwhile), in one statement
        # with the other phones' ballots of the batch.
        written = self.batcher.submit(Many(live.record_phone_ballots, (principle, group, score, ballot)))
        written.add_done_callback(lambda done: self._keep_answer(done, ballot, score))
        answer = _written(await asyncio.shield(written), "saved")
        if answer.ok and self.on_ballot:
            self.on_ballot(principle)
        return answer

    def _keep_answer(self, written: asyncio.Future, ballot: str, score: int | None,
                     kept: dict | None = None) -> None:
        # Kept once committed, also when the phone stopped waiting for the answer: the copy in
        # memory never says more, or less, than the store.
        if not written.cancelled() and written.result().ok:
            (self._answers if kept is None else kept)[ballot] = score

    async def predict(self, token: str, group: str, principle: object, raw: object) -> Answer:
        """The perception round: a joined phone's prediction of how the other side rates principle."""
        if not self.plan.perception:
            return Answer(404, "this workshop has no perception round")
        if self.plan.predicts_about(group) is None:
            return Answer(403, "only the two compared sides predict each other's rating")
        if not isinstance(principle, str):
            return Answer(400, "say which principle")
        score = parse_score(raw)
        if score == "bad" or not self.plan.scale.accepts(score):
            return Answer(400, f"a prediction must be {self.plan.scale.describe()}")
        live = self.live
        if not live.open_to_phones(principle):
            return Answer(409, NOT_OPEN)
        wait = self.recent_predictions.take(participant_id(token))
        if wait:
            return Answer(429, "slow down: one answer at a time", wait)
        guess = prediction_id(token, live.id, principle)
        written = self.batcher.submit(
            lambda store, open_now: live.record_phone_prediction(principle, group, score, guess, store, open_now))
        written.add_done_callback(lambda done: self._keep_answer(done, guess, score, self._predictions))
        answer = _written(await asyncio.shield(written), "saved")
        if answer.ok and self.on_ballot:
            self.on_ballot(principle)
        return answer

    async def answer_form(self, token: str, group: str, form) -> Answer:
        """The page's form without JavaScript: the rating, then the prediction when one was chosen."""
        answer = await self.vote(token, group, form.get("principle"), form.get("score"))
        if answer.ok and self.plan.perception and form.get("predict"):
            answer = await self.predict(token, group, form.get("principle"), form.get("predict"))
        return answer

    # --- what a phone sees -----------------------------------------------------------------

    def answer(self, token: str, principle_id: str) -> int | None | str:
        """The phone's own answer on a principle: a score, None for don't know, "" for none yet."""
        ballot = ballot_id(token, self.live.id, principle_id)
        mine = self._answers.get(ballot, self)
        if mine is self:  # not asked since this server started: one query, then kept
            mine = self._answers[ballot] = self.live.phone_answer(principle_id, ballot)
        return mine

    def prediction(self, token: str, principle_id: str) -> int | None | str:
        """The phone's own prediction on a principle: a score, None for don't know, "" for none yet."""
        guess = prediction_id(token, self.live.id, principle_id)
        mine = self._predictions.get(guess, self)
        if mine is self:
            mine = self._predictions[guess] = self.live.phone_prediction(principle_id, guess)
        return mine

    def predicting(self, token: str | None, principle_id: str) -> tuple[str | None, int | None | str]:
        """(the side this phone predicts about, its prediction): (None, "") outside the perception round."""
        about = self.plan.predicts_about(self.group_of(token) or "") if token else None
        return about, (self.prediction(token, principle_id) if about is not None else "")

    def view(self, token: str | None) -> View:
        _, principle, _ = self.live.shown_to_phones()
        if principle is None or not token:
            return self.shown_view("")
        return self.shown_view(self.answer(token, principle.id), False, *self.predicting(token, principle.id))

    def shown_view(self, mine: int | None | str, commented: bool = False, about: str | None = None,
                   predicted: int | None | str = "") -> View:
        """What a phone whose answer is mine sees now: the same for every phone with that answer
        (and, where the plan takes comments, that has or has not commented; in the perception
        round, that predicts the same side and predicted the same)."""
        position, principle, state = self.live.shown_to_phones()
        result = self._result(principle) if principle is not None and state == "closed" else None
        box = ("sent" if commented else "box") if self.plan.comments and state == "open" and mine != "" else ""
        return View(self.plan, principle, position + 1, state == "open", mine if principle else "", result,
                    box if principle else "", about, predicted if principle else "")

    def _result(self, principle):
        key = (self.version, principle.id)
        if self._result_cache is None or self._result_cache[0] != key:
            # The plan's first two groups, as the phone page has always compared them.
            self._result_cache = (key, self.live.result(principle, pair=default_pair(self.plan)))
        return self._result_cache[1]

    def state(self, token: str | None) -> dict:
        return self.state_data(self.view(token))

    def state_data(self, view: View) -> dict:
        """The JSON of GET /api/state (docs/voting-api.md)."""
        p = view.principle
        data = {"principle": None, "open": False, "revealed": False, "my_ballot": None, "version": self.version}
        if p is None:
            return data
        scale = self.plan.scale
        data.update({
            "principle": {"id": p.id, "statement": p.statement, "number": view.number,
                          "total": len(self.plan.principles),
                          "scale": {"min": scale.min, "max": scale.max},
                          "labels": {str(k): v for k, v in scale.labels.items()},
                          "dont_know": scale.dont_know},
            "open": view.open,
            "revealed": view.result is not None,
            "my_ballot": None if view.my_score == "" else ("dk" if view.my_score is None else view.my_score),
        })
        if self.plan.comments:
            data.update({"can_comment": view.comment == "box", "commented": view.comment == "sent"})
        if view.about is not None:  # the perception round: whose rating this phone predicts, and its prediction
            data["predict"] = {"about": view.about, "my_prediction": None if view.my_prediction == "" else
                               ("dk" if view.my_prediction is None else view.my_prediction)}
        if view.result is not None:
            # The projector's aggregate, as the session's JSON export has it: a group under
            # min_group_size shows neither mean nor counts.
            data["results"] = {g: group_data(s) for g, s in view.result.groups.items()}
            data["gap"] = for_data(view.result.gap)
            if view.result.perceptions:
                data["perceptions"] = {g: perception_data(x) for g, x in view.result.perceptions.items()}
        return data
