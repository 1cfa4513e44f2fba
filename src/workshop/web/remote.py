"""The facilitator's private remote, with no HTTP: pairing a device, who is paired, and the limits.

A device asks to pair and is shown a short code made for it here (random: nothing on the projector
leads to it). The laptop asks "Pair this device? (code)"; only once the facilitator says yes on the
keyboard can that device, and only that device (it holds the request's handle in a cookie, and
must send the code with it), claim a long random secret. Secrets and pairings are held in this
process's memory only: they end when the laptop unpairs them or the app stops. Statuses are HTTP's
numbers, as plain data, as in voting.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..model import Plan
from .guard import JOIN_ALPHABET, Window
from .voting import Answer

MAX_REMOTES = 2
CODE_LENGTH = 4
PAIRING_SECONDS = 120  # a request nobody answers on the laptop ends by itself
PAIRINGS_PER_ADDRESS = 3  # requests a minute: each one opens a dialog on the laptop
WRONG_CODES_PER_ADDRESS = 5  # a minute, as for wrong join codes
WRONG_CODES_PER_PAIRING = 3  # then the request ends and the device starts again
ACTIONS_PER_SECOND = 10  # per remote: faster than any thumb, so only a runaway script meets it
MAX_SECRET = 200  # characters; a longer one is not one this server gave
ACTIONS = ("next", "previous", "reveal", "reopen", "gap")  # gap opens the gap view, or closes it
# Presses that carry what they are about: handed to the app with their detail (see RemoteCommand).
DETAILED = ("jump", "cards", "predictions", "comment", "capture")
MODERATION = ("approved", "hidden")
MAX_CARDS = 999  # cards in one cell: more than any room holds


def _key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Pairing:
    """One device's request to pair: its code, and the laptop's answer (None while it asks)."""

    code: str
    handle: str  # the hash of the handle the device holds
    started: float
    answer: bool | None = None
    wrong: int = 0


@dataclass(frozen=True)
class Remote:
    """A paired device, as the laptop lists it: its number, the code it paired with, and when."""

    number: int
    code: str
    paired_at: str = field(compare=False)

    @property
    def name(self) -> str:
        return f"Remote {self.number}"


class Remotes:
    """The remotes of one running app.

    asked: told of each new pairing request, so the laptop can ask the facilitator.
    clock: seconds, for the limits and for a request's end (tests pass their own).
    """

    def __init__(self, clock: Callable[[], float], asked: Callable[[Pairing], None] | None = None):
        self.clock = clock
        self.asked = asked
        self._pairing: Pairing | None = None  # one request at a time: one question on the laptop
        self._remotes: dict[str, Remote] = {}  # hash of the secret -> the remote
        self.requests = Window(PAIRINGS_PER_ADDRESS, 60.0, clock)  # by address
        self.wrong_codes = Window(WRONG_CODES_PER_ADDRESS, 60.0, clock)  # by address
        self.actions = Window(ACTIONS_PER_SECOND, 1.0, clock)  # by remote number

    # --- pairing ---------------------------------------------------------------------------

    def full(self) -> bool:
        return len(self._remotes) >= MAX_REMOTES

    def ask(self, address: str) -> tuple[Answer, str]:
        """A new pairing request from address: (the answer, the device's handle or "")."""
        if self.full():
            return Answer(409, f"this laptop has {MAX_REMOTES} remotes already; unpair one on the laptop first"), ""
        waiting = self.waiting()
        if waiting is not None and waiting.answer is None:
            return Answer(409, "another device is waiting to pair; answer it on the laptop first"), ""
        wait = self.requests.take(address)
        if wait:
            return Answer(429, "too many pairing requests from this device; wait a minute", wait), ""
        handle = secrets.token_urlsafe(32)
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(CODE_LENGTH))
        self._pairing = Pairing(code, _key(handle), self.clock())
        if self.asked:
            self.asked(self._pairing)
        return Answer(200, code), handle

    def waiting(self) -> Pairing | None:
        """The request in hand, unless it has run out of time."""
        pairing = self._pairing
        if pairing is not None and self.clock() - pairing.started > PAIRING_SECONDS:
            self._pairing = pairing = None
        return pairing

    def pairing(self, handle: str | None) -> Pairing | None:
        """The request this device made, when it is still the one in hand."""
        pairing = self.waiting()
        if not handle or len(handle) > MAX_SECRET or pairing is None:
            return None
        return pairing if secrets.compare_digest(pairing.handle, _key(handle)) else None

    def decide(self, pairing: Pairing, yes: bool) -> None:
        """The facilitator's answer on the laptop; nothing when that request has ended meanwhile."""
        if pairing is self._pairing and pairing.answer is None:
            pairing.answer = bool(yes) and not self.full()

    def claim(self, handle: str | None, code: object, address: str) -> Answer:
        """The secret (the answer's text) for the device whose request the laptop confirmed."""
        wait = self.wrong_codes.wait(address)
        if wait:
            return Answer(429, "too many wrong pairing codes from this device; wait a minute", wait)
        pairing = self.pairing(handle)
        if pairing is None:
            return Answer(403, "this pairing request has ended; start again")
        if not isinstance(code, str) or not secrets.compare_digest(code.strip().upper().encode(), pairing.code.encode()):
            self.wrong_codes.add(address)
            pairing.wrong += 1
            if pairing.wrong >= WRONG_CODES_PER_PAIRING:
                self._pairing = None
            return Answer(403, "that pairing code is not this device's")
        if pairing.answer is None:
            return Answer(409, "not confirmed on the laptop yet")
        self._pairing = None  # used once: the same handle and code never pair again
        if not pairing.answer:
            return Answer(403, "the laptop did not pair this device")
        if self.full():
            return Answer(409, f"this laptop has {MAX_REMOTES} remotes already")
        secret = secrets.token_urlsafe(32)  # 256 random bits, in memory and in the device's cookie only
        taken = {r.number for r in self._remotes.values()}
        number = next(n for n in range(1, MAX_REMOTES + 2) if n not in taken)
        self._remotes[_key(secret)] = Remote(number, pairing.code, dt.datetime.now().strftime("%H:%M"))
        return Answer(200, secret)

    # --- paired devices --------------------------------------------------------------------

    def remote(self, secret: str | None) -> Remote | None:
        if not secret or len(secret) > MAX_SECRET:
            return None
        return self._remotes.get(_key(secret))

    def paired(self) -> list[Remote]:
        return sorted(self._remotes.values(), key=lambda r: r.number)

    def unpair(self, number: int) -> bool:
        """End a remote at once: its next request is refused."""
        for key, remote in list(self._remotes.items()):
            if remote.number == number:
                del self._remotes[key]
                return True
        return False

    def action_wait(self, remote: Remote) -> float:
        """Seconds before this remote may act again (0: now), counting this action when it may."""
        return self.actions.take(str(remote.number))


# --- counting cards from the floor --------------------------------------------------------------


def takes_cards(plan: Plan) -> bool:
    """Whether the vote screen counts cards for this plan (cards are its entry unless only a roster is)."""
    entries = [m for m in plan.modes if m in ("cards", "roster")]
    return "cards" in entries or not entries or (entries == ["roster"] and not plan.roster)


def cell_name(score: int | None) -> str:
    """A cell's field name on the remote's form: the score, or dk."""
    return "dk" if score is None else str(score)


def takes_predictions(plan: Plan) -> bool:
    """Whether the vote screen has the perception round's second card grid for this plan."""
    return plan.perception and takes_cards(plan)


def card_changes(plan: Plan, group: object, fields: Mapping[str, object],
                 groups: tuple[str, ...] | None = None) -> list[tuple[int | None, int]] | str:
    """The cells of one group's cards the remote changed, as (score, count); or what is wrong.

    groups: the groups that may raise these cards (the predicting pair for predictions; all by default).
    fields holds, per cell, its count now ("c-4") and the count the page showed ("was-4"): only a
    cell the facilitator changed is stored, so a count the laptop stored meanwhile in another cell
    is not written over with the page's old one.
    """
    if group not in (groups if groups is not None else [g.id for g in plan.groups]):
        return "say which group the cards are from"
    cells = list(plan.scale.points) + ([None] if plan.scale.dont_know else [])
    changes = []
    for score in cells:
        name = cell_name(score)
        now, was = fields.get(f"c-{name}"), fields.get(f"was-{name}", "")
        now = now.strip() if isinstance(now, str) else now
        if now is None or now == "" or (isinstance(was, str) and now == was.strip()):
            continue
        if isinstance(now, bool) or not (isinstance(now, int) or (isinstance(now, str) and now.isdigit())):
            return f"a count is a whole number from 0 to {MAX_CARDS}"
        count = int(now)
        if not 0 <= count <= MAX_CARDS:  # a negative count as JSON is a number too
            return f"a count is a whole number from 0 to {MAX_CARDS}"
        changes.append((score, count))
    return changes
