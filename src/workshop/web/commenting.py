"""Phones' comments, with no HTTP: who may comment, on what, how often. server.py answers with these.

A phone may send one comment on a principle once it has voted on it, while that principle is open.
Its fair share is kept in memory by the running phone server: the per-principle ballot id of each
phone that has commented (the same id its ballot has, derived from a token that is never stored).
The comment row itself holds only the principle, the author's group and the text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ..session.comments import NOT_TAKEN, CommentError, clean_comment
from ..session.running import NOT_OPEN
from .guard import Window, ballot_id
from .voting import Answer, Voting, _written

COMMENTS_PER_ADDRESS = 10  # a minute: a phone comments once per principle, a few may share an address
MAX_COMMENTS = 2000  # per session while the server runs: far above any room, low enough to keep the list usable
VOTE_FIRST = "vote on this principle first, then add your comment"
ALREADY = "you have sent your comment on this principle; the facilitator chooses what the room sees"


class Commenting:
    """Comments from the phones of one running session (the same Voting the ballots go through).

    on_comment: told when a phone's comment is committed (the vote screen shows how many wait).
    """

    def __init__(self, voting: Voting, clock: Callable[[], float], on_comment: Callable[[], None] | None = None):
        self.voting = voting
        self.on_comment = on_comment
        self.per_address = Window(COMMENTS_PER_ADDRESS, 60.0, clock)
        self._sent: set[str] = set()  # ballot ids of phones that have commented: memory only
        self._taken = 0  # comments committed, or on their way, since the server started

    def commented(self, token: str | None, principle_id: str) -> bool:
        return bool(token) and ballot_id(token, self.voting.live.id, principle_id) in self._sent

    def forget(self) -> None:
        """Another session: its phones start afresh."""
        self._sent.clear()
        self._taken = 0

    async def comment(self, token: str, group: str, principle: object, raw: object, address: str) -> Answer:
        """Take a joined phone's comment on principle; committed before the answer is 200.

        address: the client's, for the limit only; it goes no further than this process's memory.
        Checks in order: principle (400), text (400), open (409), voted (409), once (409), limits (429).
        """
        live = self.voting.live
        if not isinstance(principle, str):
            return Answer(400, "say which principle")
        try:
            text = clean_comment(raw)
        except CommentError as exc:
            return Answer(400, str(exc))
        if not live.plan.comments:
            return Answer(409, NOT_TAKEN)
        if not live.open_to_phones(principle):
            return Answer(409, NOT_OPEN)
        if self.voting.answer(token, principle) == "":
            return Answer(409, VOTE_FIRST)
        mine = ballot_id(token, live.id, principle)
        if mine in self._sent:
            return Answer(409, ALREADY)
        wait = self.per_address.wait(address)
        if wait:
            return Answer(429, "too many comments from this address just now; wait a minute", wait)
        if self._taken >= MAX_COMMENTS:
            return Answer(429, "this workshop has as many comments as it can take")
        self._sent.add(mine)  # held before the write, so a second send cannot pass while it is on its way
        self._taken += 1
        self.per_address.add(address)
        written = self.voting.batcher.submit(
            lambda store, open_now: live.comments.record_phone_comment(principle, group, text, store, open_now))
        written.add_done_callback(lambda done: self._settled(done, mine))
        return _written(await asyncio.shield(written), "sent")

    def _settled(self, written: asyncio.Future, mine: str) -> None:
        if not written.cancelled() and written.result().ok:
            if self.on_comment:
                self.on_comment()
            return
        self._sent.discard(mine)  # nothing was kept: the phone may send it again
        self._taken -= 1
