"""What every phone is shown, rendered once per change: the view's HTML, its state JSON and its update.

Phones differ only in their own answer (a score, don't know, or none yet), where the plan takes
comments in whether they have commented, in the perception round in their side and their
prediction, and in the priorities round in their own dots, so after a move, a reveal or a reopen there are at most a handful of different views,
however many phones follow:
each is rendered the first time a phone needs it and kept until the next change. A reveal then
costs each phone's stream a dictionary look-up and a write of ready bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .dots_page import dots_html, ranking_html
from .page import view_html
from .prioritising import Prioritising
from .voting import Voting

ROUND = ("dots", "ranking")  # what a phone's view starts with in the priorities round (Prioritising.phase)


class Shown:
    """The rendered views of the current change (Voting.version), by the phone's own answer."""

    def __init__(self, voting: Voting, commented: Callable[[str | None, str], bool] = lambda token, principle: False,
                 prioritising: Prioritising | None = None):
        self.voting = voting
        self.prioritising = prioritising or Prioritising(voting, voting.recent.clock)
        self.commented = commented  # whether this phone has commented on that principle
        self._version = -1
        self._html: dict[object, str] = {}
        self._state: dict[object, dict] = {}
        self._event: dict[object, bytes] = {}

    def _current(self) -> None:
        if self._version != self.voting.version:
            self._version = self.voting.version
            self._html.clear()
            self._state.clear()
            self._event.clear()

    def _mine(self, token: str | None) -> tuple:
        """What sets this phone's view apart: (answer, commented, side predicted about, prediction),
        and in the priorities round (its phase, its own dots) before them: two phones with the same
        dots may have answered the principle differently, and each state carries its own answer."""
        _, principle, _ = self.voting.live.shown_to_phones()
        if principle is None or not token:
            answers = ("", False, None, "")
        else:
            answers = (self.voting.answer(token, principle.id), self.commented(token, principle.id),
                       *self.voting.predicting(token, principle.id))
        phase = self.prioritising.phase()
        if phase and token:  # the state JSON still carries the phone's own answer on the principle
            return phase, tuple(sorted(self.prioritising.placement(token).items())), *answers
        return answers

    def _view(self, mine: tuple):
        return self.voting.shown_view(*mine)

    def html(self, token: str | None) -> str:
        """The changing part of the page for this phone (page.view_html)."""
        self._current()
        mine = self._mine(token)
        if mine not in self._html:
            if mine[0] in ROUND:
                plan, placement = self.voting.plan, dict(mine[1])
                self._html[mine] = (dots_html(plan, placement) if mine[0] == "dots" else
                                    ranking_html(plan, placement, self.prioritising.ranking(), self.voting.version))
            else:
                self._html[mine] = view_html(self._view(mine))
        return self._html[mine]

    def state(self, token: str | None) -> dict:
        """GET /api/state for this phone. The same dict is handed to every phone with the same
        answer: callers only serialise it."""
        self._current()
        mine = self._mine(token)
        if mine not in self._state:
            if mine[0] in ROUND:  # the principle on screen as ever, and the round beside it
                data = dict(self.voting.state_data(self._view(mine[2:])))
                data["priorities"] = self.prioritising.state_data(mine[0], dict(mine[1]))
                self._state[mine] = data
            else:
                self._state[mine] = self.voting.state_data(self._view(mine))
        return self._state[mine]

    def event(self, token: str | None) -> bytes:
        """The server-sent event that brings this phone up to date, as bytes ready to write."""
        self._current()
        mine = self._mine(token)
        if mine not in self._event:
            data = {"version": self.voting.version, "html": self.html(token), "state": self.state(token)}
            self._event[mine] = f"data: {json.dumps(data)}\n\n".encode()
        return self._event[mine]
