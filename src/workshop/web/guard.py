"""What keeps phone voting private and safe: ids from tokens, origin checks, limits, scrubbed logs."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import re
import secrets
import socket
import traceback
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the voting rules use this module too, and import no HTTP server
    from aiohttp import web

JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L look-alikes


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(6))


def participant_id(token: str) -> str:
    """The only thing stored about a phone: a hash of its token (to know its group)."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def ballot_id(token: str, session_id: str, principle_id: str) -> str:
    """A phone's ballot id on one principle: stable for re-voting, yet without the token (never
    stored) nothing links it to the phone's other ballots or to its participant row."""
    return hmac.new(token.encode(), f"{session_id}:{principle_id}".encode(), hashlib.sha256).hexdigest()[:32]


def prediction_id(token: str, session_id: str, principle_id: str) -> str:
    """A phone's prediction id on one principle (the perception round): like its ballot id, and drawn
    apart from it, so the stored prediction cannot be joined to the same phone's rating."""
    return hmac.new(token.encode(), f"predict:{session_id}:{principle_id}".encode(), hashlib.sha256).hexdigest()[:32]


def dots_id(token: str, session_id: str) -> str:
    """A phone's id for its dots in the priorities round (one per phone and session, as its dots are
    one placement): an HMAC under a key of its own, so the stored dots cannot be joined to the same
    phone's ballots, predictions or participant row."""
    return hmac.new(token.encode(), f"dots:{session_id}".encode(), hashlib.sha256).hexdigest()[:32]


def lan_addresses() -> list[str]:
    """Addresses phones on the room's network might reach, best guess first; sends no packet."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # picks the outgoing interface; nothing is sent
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    addresses = [a for a in dict.fromkeys(found) if not a.startswith("127.")]
    return addresses or ["127.0.0.1"]


def same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        try:
            return urlsplit(origin).netloc.lower() == request.host.lower()
        except ValueError:
            return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if origin == "null":
        # An opaque origin: a sandboxed frame or a no-referrer page, trusted only if the browser vouches.
        return fetch_site in ("same-origin", "none")
    # No Origin at all: not a browser (or a very old one); Sec-Fetch-Site decides when present.
    return fetch_site in (None, "same-origin", "none")


def clean_code(raw: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", raw.upper())[:12]


def parse_score(raw) -> int | None | str:
    if isinstance(raw, str):
        if raw.strip().lower() == "dk":
            return None
        if re.fullmatch(r"\s*[+-]?[0-9]{1,6}\s*", raw):
            return int(raw)
        return "bad"
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    return "bad"


def connection_limit(max_connections: int) -> int:
    """max_connections, or fewer when the process may not open that many files (raising the soft limit first)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to meet
        return max_connections
    spare = 200  # the database, the terminal, the app's own files
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max_connections + spare
    if soft != resource.RLIM_INFINITY and soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return max_connections
    return max(16, min(max_connections, soft - spare))


IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")
USER_AGENT = re.compile(r"(?i)user-agent[^\n]*")


def scrub(text: str) -> str:
    return USER_AGENT.sub("user-agent <removed>", IPV6.sub("<address>", IPV4.sub("<address>", text)))


class NoAddresses(logging.Filter):
    """aiohttp logs the client's address with some errors; the log file must never hold one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        if record.exc_info:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        return True


# --- limits per client address, kept in memory only ------------------------------------------------


def address_key(peer) -> str:
    """Whose connection this is, for the per-address limits: the IP address (an IPv6 address by its
    /64 network, which one device can fill with addresses of its own). Held in memory only."""
    host = peer[0] if isinstance(peer, (tuple, list)) and peer else peer
    if not isinstance(host, str):
        return "?"
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class Window:
    """At most `limit` events per key in any rolling `seconds`, by an injected clock.

    Memory stays bounded: keys whose events have all expired are forgotten, and beyond `max_keys`
    the key used longest ago is dropped first.
    """

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float], max_keys: int = 10_000):
        self.limit, self.seconds, self.clock, self.max_keys = limit, seconds, clock, max_keys
        self._times: OrderedDict[str, deque] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque | None:
        times = self._times.get(key)
        if times is not None:
            while times and now - times[0] >= self.seconds:
                times.popleft()
            if not times:
                del self._times[key]
                return None
        return times

    def wait(self, key: str) -> float:
        """Seconds until key may have another event; 0 when it may now."""
        now = self.clock()
        times = self._recent(key, now)
        if times is None or len(times) < self.limit:
            return 0.0
        return max(times[-self.limit] + self.seconds - now, 0.001)

    def add(self, key: str) -> None:
        now = self.clock()
        times = self._recent(key, now)
        if times is None:
            times = self._times[key] = deque()
            if len(self._times) > self.max_keys:
                self._forget(now)
        self._times.move_to_end(key)
        times.append(now)

    def take(self, key: str) -> float:
        """add() when allowed; returns what wait() said before."""
        wait = self.wait(key)
        if not wait:
            self.add(key)
        return wait

    def _forget(self, now: float) -> None:
        for key in list(self._times):
            self._recent(key, now)
        while len(self._times) > self.max_keys:
            self._times.popitem(last=False)


def retry_after(seconds: float) -> str:
    """A Retry-After value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


class Connections:
    """Open connections by client address, in memory only.

    One address holds at most `per_address` connections; beyond that its new ones are closed at
    once. At `max_total`, a new connection from another address takes the place of the connection
    that has waited longest without a request from the address holding the most: whoever hogs the
    server gives way first, and a phone with one or two connections is not pushed out by them.
    """

    def __init__(self, max_total: int, per_address: int):
        self.max_total, self.per_address = max_total, per_address
        self._address: dict[object, str] = {}  # connection -> address key
        self._count: Counter[str] = Counter()
        # Per address, the connections with no request in hand, the longest waiting first.
        self._waiting: dict[str, OrderedDict[object, None]] = {}

    def __len__(self) -> int:
        return len(self._address)

    def admits(self, address: str) -> bool:
        """Whether a new connection from address would be kept (opened() decides for real)."""
        if self._count[address] >= self.per_address:
            return False
        return len(self._address) < self.max_total or self._victim(address) is not None

    def opened(self, conn, address: str):
        """Register conn; returns (keep conn?, a connection to close to make room, or None)."""
        if self._count[address] >= self.per_address:
            return False, None
        evict = None
        if len(self._address) >= self.max_total:
            evict = self._victim(address)
            if evict is None:
                return False, None
            self.closed(evict)
        self._address[conn] = address
        self._count[address] += 1
        self._waiting.setdefault(address, OrderedDict())[conn] = None
        return True, evict

    def _victim(self, newcomer: str):
        for address, count in self._count.most_common():
            if count <= self._count[newcomer] + 1:
                return None  # nobody holds clearly more than the newcomer would
            waiting = self._waiting.get(address)
            if waiting:
                return next(iter(waiting))
        return None

    def busy(self, conn, busy: bool) -> None:
        """conn has a request in hand (busy) or is waiting for its next one again."""
        address = self._address.get(conn)
        if address is None:
            return
        waiting = self._waiting.setdefault(address, OrderedDict())
        if busy:
            waiting.pop(conn, None)
        else:
            waiting[conn] = None
            waiting.move_to_end(conn)

    def closed(self, conn) -> None:
        address = self._address.pop(conn, None)
        if address is None:
            return
        self._count[address] -= 1
        if self._count[address] <= 0:
            del self._count[address]
        waiting = self._waiting.get(address)
        if waiting is not None:
            waiting.pop(conn, None)
            if not waiting:
                del self._waiting[address]
