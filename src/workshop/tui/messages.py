"""App-wide messages: what one part of the app tells another, instead of probing screens for methods."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from ..session.running import LiveSession


@dataclass
class JoinChanged(Message, bubble=False):
    """The phones' join details changed (address, code, how many joined): screens that show them redraw.

    Posted to every screen on the stack: one under a dialog shows the new details when it is uncovered.
    """

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JoinChanged)


@dataclass
class BallotsCounted(Message, bubble=False):
    """Ballots from phones are committed: the screen on top redraws its counts."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BallotsCounted)


@dataclass
class OpenPrinciple(Message):
    """The gap view asks for a principle's vote screen, on top of it (the app knows the screens)."""

    live: LiveSession
    position: int


@dataclass
class ExportWritten(Message):
    """An export finished: the file (or .zip) written."""

    path: Path


@dataclass
class ReadFailed(Message):
    """A read or an export in a worker failed; the app shows the cause in a dialog and logs it."""

    what: str  # what could not be done, as the facilitator asked for it: "Export to …", "The trend"
    error: Exception


@dataclass
class RemoteAsked(Message):
    """A device asks to pair as the facilitator's remote: the laptop asks whether to pair it."""

    pairing: object  # web.remote.Pairing: its code, and where the answer goes


@dataclass
class RemoteCommand(Message):
    """A paired remote pressed a button: the app runs the same key, then says why not ("" when done)."""

    action: str  # next, previous, reveal, reopen; cards
    done: asyncio.Future
    detail: tuple = ()  # cards: (principle id, group, ((score, count), ...))
