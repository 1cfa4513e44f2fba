"""What a session records: ballots, predictions, notes, comments, actions, and the session itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .plan import Plan

ACTION_STATUSES = ("open", "in progress", "done", "dropped")
COMMENT_STATUSES = ("pending", "approved", "hidden")


@dataclass(frozen=True)
class Ballot:
    """One participant's answer on one principle; score None means don't know."""

    principle_id: str
    group: str
    score: int | None
    participant: str | None = None
    mode: str = "cards"
    cast_at: str = ""

    @property
    def dont_know(self) -> bool:
        return self.score is None


@dataclass(frozen=True)
class Prediction:
    """One participant's guess at how the other group rates a principle; score None means don't know.

    Kept apart from ballots: a prediction never counts towards its own group's rating."""

    principle_id: str
    group: str  # who predicts
    about: str  # the group whose rating is predicted
    score: int | None
    participant: str | None = None
    mode: str = "cards"


@dataclass(frozen=True)
class Note:
    id: int
    principle_id: str | None
    text: str
    created_at: str


@dataclass(frozen=True)
class Comment:
    """A short comment on a principle: its text and the author's group, nothing else about who or when.

    id is random (never in the order comments arrived); status is pending, approved or hidden.
    """

    id: str
    principle_id: str
    group: str
    text: str
    status: str = "pending"


@dataclass(frozen=True)
class Action:
    id: int
    session_id: str
    principle_id: str | None
    text: str
    owner: str = ""
    due: str = ""
    status: str = "open"
    status_note: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Session:
    """A plan being run or already run, with its frozen plan and principle wording."""

    id: str
    plan: Plan
    status: str  # "open" or "finished"
    position: int  # index of the principle on screen
    created_at: str
    updated_at: str
    plan_text: str = ""

    @property
    def title(self) -> str:
        return self.plan.title


class SessionSummary(NamedTuple):
    """One row of the session list: enough to pick a session without loading it.

    A named tuple, not a dataclass: years of history make thousands of these at once.
    """

    id: str
    title: str
    date: str
    locality: str
    groups: tuple[str, ...]
    status: str
    principles: int
    ballots: int
    created_at: str
