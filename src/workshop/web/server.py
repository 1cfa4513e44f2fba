"""Phone voting: an aiohttp server run inside the facilitator app's event loop. Writes only through store.py.

Nothing about a device is kept but the hash of its random token (its participant id); no IP address,
user agent or name is stored or logged. The HTTP interface is described in docs/voting-api.md.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import random
import secrets
import socket
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from ..analytics import principle_result
from ..store import BallotError, Store
from .guard import (  # noqa: F401  (ids re-exported for tests and tools)
    Connections,
    NoAddresses,
    Window,
    address_key,
    ballot_id,
    clean_code,
    connection_limit,
    lan_addresses,
    new_join_code,
    parse_score,
    participant_id,
    retry_after,
    same_origin,
)
from .page import View, join_form, page, view_html

log = logging.getLogger("workshop.web")

COOKIE = "workshop_token"
MAX_BODY = 4096
BALLOTS_PER_SECOND = 3  # per device
# Limits per client address (held in memory only, never stored or logged). A phone on the room's
# network has an address of its own, so one device cannot use up what the others need.
FAILED_JOINS_PER_ADDRESS = 5  # wrong codes a minute; then that address waits, nobody else does
JOINS_PER_ADDRESS = 20  # joins a minute: a phone joins once, a few may share an address
CONNECTIONS_PER_ADDRESS = 100  # a browser opens about six; a few devices may share an address
STREAMS_PER_ADDRESS = 20
MAX_JOINS = 5000  # phones per session: far above any room, low enough that nobody can fill the disk
MAX_STREAMS = 1200  # open live-update connections at once
STREAMS_PER_DEVICE = 4  # a few tabs; more would let one token take every slot
MAX_CONNECTIONS = 3000  # TCP connections at once, lowered to fit the process's file limit
IDLE_SECONDS = 5  # a connection with no complete request for this long is closed (half-sent headers, idle keep-alive)
PING_SECONDS = 15
WRITE_SECONDS = 10  # a phone that stops reading its live updates is dropped
BODY_SECONDS = 5  # a request body that trickles in slower than this is refused (slow clients)
LOCK_WAIT_MS = 50  # how long a phone's write waits for another program's lock, on the event loop
BUSY_RETRY_SECONDS = 1  # Retry-After when the database is locked by another program
BUSY_PAUSE_SECONDS = 0.2  # after a locked write, writes in this window are answered 503 without trying
BUSY_MESSAGE = "the laptop is busy; your answer was not saved yet, send it again in a moment"
STREAM_RETRY_SECONDS = 5
SPREAD_SECONDS = 0.25  # phones are told of a change over this window, not all in the same instant
SHUTDOWN_SECONDS = 2
BATCH = 64  # writes per transaction at most
LOGGERS = ("workshop.web", "aiohttp.server", "aiohttp.web", "aiohttp.access")


class _Stream:
    """One phone's live-update connection."""

    __slots__ = ("closing", "pid", "wake")

    def __init__(self, pid: str):
        self.pid = pid
        self.wake = asyncio.Event()
        self.closing = False


class _Gate(asyncio.Protocol):
    """A new connection's first stop: one its address may not open (or one beyond the cap, with
    nobody to give way) is dropped before any HTTP work, so a device reconnecting as fast as it can
    costs the server little. Otherwise the connection goes on to aiohttp's handler."""

    def __init__(self, server: PhoneServer):
        self.server = server

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        runner = self.server._runner
        address = address_key(transport.get_extra_info("peername"))
        if runner is None or runner.server is None or not self.server._connections.admits(address):
            transport.abort()
            return
        handler = runner.server()
        transport.set_protocol(handler)
        handler.connection_made(transport)


class PhoneServer:
    """Serves the participant page and the voting API for one session."""

    def __init__(self, store: Store, session_id: str, *, host: str = "0.0.0.0", port: int = 8765,
                 on_ballot: Callable[[str], None] | None = None, log_path: Path | None = None,
                 clock: Callable[[], float] = time.monotonic):
        """clock: seconds, for the rate limits (tests pass their own)."""
        self.store = store
        self.session_id = session_id
        self.plan = store.session(session_id).plan
        self.host = host
        self.port = port
        self.on_ballot = on_ballot
        self.log_path = log_path
        self.join_code = new_join_code()
        self.version = 0
        self.streams: set[_Stream] = set()
        self._device_streams: Counter[str] = Counter()
        self._address_streams: Counter[str] = Counter()
        self._recent = Window(BALLOTS_PER_SECOND, 1.0, clock)  # by participant id
        self._failed_joins = Window(FAILED_JOINS_PER_ADDRESS, 60.0, clock)  # by address
        self._joined = Window(JOINS_PER_ADDRESS, 60.0, clock)  # by address
        self._connections = Connections(MAX_CONNECTIONS, CONNECTIONS_PER_ADDRESS)
        self._busy_until = 0.0  # loop time until which the database is taken as locked
        self.joins = len(store.participants(session_id, "phones"))
        self._batch: list[tuple[Callable[[], tuple[int, str]], asyncio.Future]] = []
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self._log_handler: logging.Handler | None = None
        self._result_cache: tuple[tuple[int, str], object] | None = None
        name = socket.gethostname().lower()
        self.host_names = {"localhost", name, f"{name}.local", host.lower()}
        self.app = self._make_app()

    @property
    def max_connections(self) -> int:
        return self._connections.max_total

    @max_connections.setter
    def max_connections(self, value: int) -> None:
        self._connections.max_total = value

    # --- lifecycle -------------------------------------------------------------------------

    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._guard])
        app.add_routes([
            web.get("/", self.index),
            web.get("/j/{code}", self.join_link),
            web.get("/J/{code}", self.join_link),
            web.post("/join", self.join_form),
            web.post("/vote", self.vote_form),
            web.post("/api/join", self.api_join),
            web.get("/api/state", self.api_state),
            web.post("/api/ballot", self.api_ballot),
            web.get("/api/events", self.api_events, allow_head=False),
            web.get("/static/{name}", self.static),
        ])
        app.on_response_prepare.append(_security_headers)
        return app

    async def start(self) -> None:
        self._open_log()
        self.max_connections = connection_limit(MAX_CONNECTIONS)
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False,
                                     keepalive_timeout=IDLE_SECONDS, lingering_time=2,
                                     shutdown_timeout=SHUTDOWN_SECONDS)
        await self._runner.setup()
        self._limit_connections(self._runner.server)
        try:
            self._listener = await asyncio.get_running_loop().create_server(
                lambda: _Gate(self), self.host, self.port, backlog=512)
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            self._close_log()
            raise
        self.port = self._listener.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for stream in list(self.streams):
            stream.closing = True
            stream.wake.set()
        if self._listener:
            self._listener.close()
            self._listener = None
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
        self._close_log()

    def _limit_connections(self, server) -> None:
        """Bound connections per address and in all, so hostile clients cannot use up every file
        handle; at the cap, the address holding the most gives way to a newcomer (see Connections)."""
        made, lost = server.connection_made, server.connection_lost

        def connection_made(handler, transport) -> None:
            made(handler, transport)
            keep, evict = self._connections.opened(handler, address_key(transport.get_extra_info("peername")))
            if evict is not None:
                evict.force_close()
            if not keep:  # once the handler has started: closing it before then upsets aiohttp
                asyncio.get_running_loop().call_soon(handler.force_close)

        def connection_lost(handler, exc=None) -> None:
            self._connections.closed(handler)
            lost(handler, exc)

        server.connection_made = connection_made
        server.connection_lost = connection_lost

    def _open_log(self) -> None:
        if not self.log_path or self._log_handler:
            return
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        handler = logging.FileHandler(self.log_path, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(NoAddresses())
        for name in LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.setLevel(logging.WARNING)
            logger.propagate = False
        self._log_handler = handler

    def _close_log(self) -> None:
        if self._log_handler:
            for name in LOGGERS:
                logging.getLogger(name).removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler = None

    def url(self, address: str) -> str:
        return f"http://{address}:{self.port}"

    def join_url(self, address: str) -> str:
        """The QR's target; upper case makes a smaller QR code, and the server takes any case."""
        return f"{self.url(address)}/J/{self.join_code}".upper()

    def new_code(self) -> str:
        """A fresh join code: old devices can no longer join, their ballots stay."""
        self.join_code = new_join_code()
        return self.join_code

    def state_changed(self) -> None:
        """The facilitator moved, revealed or reopened: every phone follows."""
        self.version += 1
        for stream in list(self.streams):
            stream.wake.set()

    # --- state -----------------------------------------------------------------------------

    def current(self) -> tuple[int, str | None, str]:
        """(position, principle id shown to phones or None, its state)."""
        position, state = self.store.position(self.session_id)
        principle = self.plan.principles[position]
        return position, (None if state == "pending" else principle.id), state

    def view(self, token: str | None) -> View:
        position, principle_id, state = self.current()
        principle = self.plan.principles[position] if principle_id else None
        my = ""
        if principle and token:
            ballot = self.store.current_ballot(self.session_id, principle.id,
                                               ballot_id(token, self.session_id, principle.id))
            my = "" if ballot is None else ballot.score
        result = None
        if principle and state == "closed":
            result = self._result(principle)
        return View(self.plan, principle, position + 1, state == "open", my, result)

    def _result(self, principle):
        key = (self.version, principle.id)
        if self._result_cache is None or self._result_cache[0] != key:
            ballots = self.store.ballots(self.session_id, principle.id)
            self._result_cache = (key, principle_result(principle, ballots, self.plan))
        return self._result_cache[1]

    def state_json(self, token: str | None) -> dict:
        return self._state_data(self.view(token))

    def _state_data(self, view: View) -> dict:
        p = view.principle
        data = {"principle": None, "open": False, "revealed": False, "my_ballot": None, "version": self.version}
        if p is not None:
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
            if view.result is not None:
                # The projector's aggregate: a group under min_group_size shows neither mean nor counts.
                data["results"] = {
                    g: {"n": s.n, "dont_know": s.dont_know, "suppressed": s.suppressed,
                        "mean": None if s.mean is None else round(s.mean, 3),
                        "counts": {str(k): v for k, v in s.counts.items()}}
                    for g, s in view.result.groups.items()}
                data["gap"] = None if view.result.gap is None else round(view.result.gap, 3)
        return data

    # --- who is asking ---------------------------------------------------------------------

    def device(self, request: web.Request) -> tuple[str, str] | None:
        """(token, group) of a joined phone, from its bearer token or cookie; the token is kept in
        memory for this request only, to derive ids from."""
        token = None
        auth = request.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            token = auth[7:].strip()
        token = token or request.cookies.get(COOKIE)
        if not token or len(token) > 200:
            return None
        group = self.store.participant_group(self.session_id, participant_id(token))
        return (token, group) if group else None

    def token(self, request: web.Request) -> str | None:
        found = self.device(request)
        return found[0] if found else None

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        if not self._known_host(request):
            # A page elsewhere that points its own name at this laptop (DNS rebinding) gets nothing.
            return _error(request, 403, "use the address shown on the screen at the front")
        if request.method == "POST":
            if not same_origin(request):
                return _error(request, 403, "requests from other sites are refused")
            if request.content_length is not None and request.content_length > MAX_BODY:
                return _error(request, 413, f"requests are limited to {MAX_BODY} bytes")
        self._connections.busy(request.protocol, True)
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status >= 400 and request.path.startswith("/api/"):
                response = _json_error(exc.status, exc.reason)
                if exc.keep_alive is False:
                    response.force_close()
                return response
            raise
        except Exception as exc:
            if _locked(exc):  # another program is writing: a read that needed the lock waits its turn
                return _error(request, 503, BUSY_MESSAGE, wait=BUSY_RETRY_SECONDS)
            log.exception("error serving %s %s", request.method, request.path)
            return _error(request, 500, "something went wrong; try again")
        finally:
            self._connections.busy(request.protocol, False)

    def _known_host(self, request: web.Request) -> bool:
        host = request.headers.get("Host")
        if host is None:
            return True  # not a browser: browsers always send Host
        try:
            name = urlsplit("//" + host).hostname
        except ValueError:
            return False
        if not name:
            return False
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            return name.rstrip(".") in self.host_names

    # --- writing: many phones, one commit ----------------------------------------------------

    def _write(self, op: Callable[[], tuple[int, str]]) -> asyncio.Future:
        """Run op in the next group commit; the future gives (status, value) once it is durable.

        Writes that arrive together share one transaction (one fsync), each in its own savepoint,
        so a burst of phones is not queued behind one disk flush each. All on the event loop's
        thread with the app's one connection, as the TUI's own writes are; so a write waits at most
        LOCK_WAIT_MS for another program's lock, and is then answered 503 (the phone sends again).
        """
        future = asyncio.get_running_loop().create_future()
        self._batch.append((op, future))
        if len(self._batch) == 1:
            asyncio.get_running_loop().call_soon(self._flush)
        return future

    def _flush(self) -> None:
        # A bounded batch, so replies flow out while a big burst is still being written.
        batch, self._batch = self._batch[:BATCH], self._batch[BATCH:]
        loop = asyncio.get_running_loop()
        if self._batch:
            loop.call_soon(self._flush)
        busy = (503, BUSY_MESSAGE)
        if loop.time() < self._busy_until:
            results = [busy] * len(batch)  # locked a moment ago: do not stall the loop again yet
        else:
            try:
                with self._brief_lock_wait(), self.store.atomic():
                    results = [self._run(op) for op, _ in batch]
            except Exception as exc:
                if _locked(exc):
                    # Another program holds the write lock: nothing in the batch was kept.
                    self._busy_until = loop.time() + BUSY_PAUSE_SECONDS
                    results = [busy] * len(batch)
                else:
                    results = self._one_by_one(batch)
        for (_, future), result in zip(batch, results):
            if not future.done():
                future.set_result(result)

    def _one_by_one(self, batch) -> list[tuple[int, str]]:
        # Something other than a refused ballot failed, and the transaction with it: nothing in
        # the batch was kept. Each write again on its own, so only the failing one fails.
        log.exception("a group of %d writes failed; retrying one by one", len(batch))
        results = []
        for op, _ in batch:
            try:
                with self._brief_lock_wait(), self.store.atomic():
                    results.append(self._run(op))
            except Exception as exc:
                if _locked(exc):
                    results.append((503, BUSY_MESSAGE))
                else:
                    log.exception("a write failed")
                    results.append((500, "your answer could not be saved; try again"))
        return results

    @contextmanager
    def _brief_lock_wait(self) -> Iterator[None]:
        """The app's connection may wait long for a lock; a phone's write, on the event loop, must not."""
        conn = self.store.conn
        before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        if before > LOCK_WAIT_MS:
            conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        try:
            yield
        finally:
            if before > LOCK_WAIT_MS:
                conn.execute(f"PRAGMA busy_timeout = {int(before)}")

    def _run(self, op: Callable[[], tuple[int, str]]) -> tuple[int, str]:
        try:
            with self.store.atomic():  # a savepoint: a refused write leaves the others in the batch
                return op()
        except BallotError as exc:
            return 409, str(exc)

    # --- joining ---------------------------------------------------------------------------

    async def _join(self, code: str, group: str, address: str) -> tuple[int, str, float]:
        """(status, token or message, seconds to wait before trying again or 0).

        address: the client's, for the limits only; it goes no further than this process's memory.
        """
        wait = self._failed_joins.wait(address)
        if wait:
            return 429, "too many wrong codes from this device; wait a minute", wait
        if not secrets.compare_digest(code.strip().upper().encode(), self.join_code.encode()):
            self._failed_joins.add(address)
            return 403, "that join code is not right; check the screen at the front", 0
        if group not in [g.id for g in self.plan.groups]:
            return 400, "choose your side", 0
        wait = self._joined.wait(address)
        if wait:
            return 429, "too many phones joined from this address just now; wait a minute", wait
        if self.joins >= MAX_JOINS:
            return 429, "this workshop has as many phones as it can take", 0
        self.joins += 1
        token = secrets.token_urlsafe(16)  # 128 random bits; only its hash is stored

        def join() -> tuple[int, str]:
            self.store.add_participant(self.session_id, group, mode="phones", participant_id=participant_id(token))
            return 200, token

        status, value = await self._write(join)
        if status != 200:
            self.joins -= 1
            return status, value, BUSY_RETRY_SECONDS if status == 503 else 0
        self._joined.add(address)
        if self.on_ballot:
            self.on_ballot("")  # the screen refreshes its counts, phones joined among them
        return status, value, 0

    async def api_join(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("code"), str) or not isinstance(
                body.get("group"), str):
            return _json_error(400, 'send {"code": "...", "group": "..."}')
        status, value, wait = await self._join(body["code"], body["group"], address_key(request.remote))
        if status != 200:
            return _json_error(status, value, wait)
        response = web.json_response({"token": value, "group": body["group"]})
        _set_cookie(response, value)
        return response

    async def join_form(self, request: web.Request) -> web.Response:
        form = await _form(request)
        code, group = str(form.get("code", ""))[:64], str(form.get("group", ""))[:64]
        status, value, wait = await self._join(code, group, address_key(request.remote))
        if status != 200:
            return self._page(join_form(self.plan, clean_code(code), value), status=status, code=clean_code(code),
                              wait=wait)
        response = web.HTTPSeeOther("/")
        _set_cookie(response, value)
        raise response

    async def join_link(self, request: web.Request) -> web.Response:
        # Only code characters go into the Location header: nothing from the path is echoed raw.
        raise web.HTTPSeeOther(f"/?code={clean_code(request.match_info['code'])}")

    # --- voting ----------------------------------------------------------------------------

    async def _vote(self, device: tuple[str, str], principle: object, raw: object) -> tuple[int, str, float]:
        """(status, message, seconds to wait before sending again or 0)."""
        token, group = device
        if not isinstance(principle, str):
            return 400, "say which principle", 0
        score = parse_score(raw)
        if score == "bad" or not self.plan.scale.accepts(score):
            return 400, f"a score must be {self.plan.scale.describe()}", 0
        _, open_id, state = self.current()
        if principle != open_id or state != "open":
            return 409, "voting on that principle is not open now", 0
        wait = self._recent.take(participant_id(token))
        if wait:
            return 429, "slow down: one answer at a time", wait

        def record() -> tuple[int, str]:
            # Checked again inside the transaction: the facilitator may have moved on meanwhile.
            _, open_now, state_now = self.current()
            if principle != open_now or state_now != "open":
                return 409, "voting on that principle is not open now"
            self.store.record_ballot(self.session_id, principle, group, score,
                                     ballot_id=ballot_id(token, self.session_id, principle), mode="phones")
            return 200, "saved"

        status, message = await self._write(record)
        if status == 200 and self.on_ballot:
            self.on_ballot(principle)
        return status, message, BUSY_RETRY_SECONDS if status == 503 else 0

    async def api_ballot(self, request: web.Request) -> web.Response:
        device = self.device(request)
        if device is None:
            return _json_error(401, "join first")
        body = await _json_body(request)
        if not isinstance(body, dict):
            return _json_error(400, 'send {"principle": "...", "score": 3}')
        status, message, wait = await self._vote(device, body.get("principle"), body.get("score"))
        if status != 200:
            return _json_error(status, message, wait)
        score = parse_score(body.get("score"))
        return web.json_response({"ok": True, "my_ballot": "dk" if score is None else score})

    async def vote_form(self, request: web.Request) -> web.Response:
        device = self.device(request)
        if device is None:
            raise web.HTTPSeeOther("/")
        form = await _form(request)
        status, message, wait = await self._vote(device, form.get("principle"), form.get("score"))
        if status != 200:
            return self._page(view_html(self.view(device[0])), status=status, error=message, wait=wait)
        raise web.HTTPSeeOther("/?saved=1")

    # --- reading ---------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        token = self.token(request)
        if token is None:
            code = clean_code(request.query.get("code", ""))
            return self._page(join_form(self.plan, code), code=code)
        message = "Your answer is saved." if request.query.get("saved") else ""
        return self._page(view_html(self.view(token)), message=message)

    async def api_state(self, request: web.Request) -> web.Response:
        token = self.token(request)
        if token is None:
            return _json_error(401, "join first")
        return web.json_response(self.state_json(token))

    async def api_events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: the new view whenever the facilitator moves on."""
        token = self.token(request)
        if token is None:
            return _json_error(401, "join first")
        address = address_key(request.remote)
        if (len(self.streams) >= MAX_STREAMS or self._device_streams[participant_id(token)] >= STREAMS_PER_DEVICE
                or self._address_streams[address] >= STREAMS_PER_ADDRESS):
            return _json_error(503, "too many connections; the page will check back", STREAM_RETRY_SECONDS)
        stream = _Stream(participant_id(token))
        self.streams.add(stream)
        self._device_streams[participant_id(token)] += 1
        self._address_streams[address] += 1
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        try:
            await response.prepare(request)
            await _send(response, self._event(token))
            while not stream.closing:
                try:
                    await asyncio.wait_for(stream.wake.wait(), PING_SECONDS)
                except TimeoutError:
                    await _send(response, b": ping\n\n")
                    continue
                # Coalesce quick changes and spread the phones out, so a reveal does not make every
                # phone's update (and the page work it triggers) land in the same instant.
                await asyncio.sleep(random.uniform(0, SPREAD_SECONDS))
                stream.wake.clear()
                if not stream.closing:
                    await _send(response, self._event(token))
        except (TimeoutError, ConnectionError):
            pass  # the phone went away, or stopped reading
        finally:
            self.streams.discard(stream)
            self._device_streams[participant_id(token)] -= 1
            if self._device_streams[participant_id(token)] <= 0:
                del self._device_streams[participant_id(token)]
            self._address_streams[address] -= 1
            if self._address_streams[address] <= 0:
                del self._address_streams[address]
        return response

    def _event(self, token: str) -> bytes:
        view = self.view(token)
        data = {"version": self.version, "html": view_html(view), "state": self._state_data(view)}
        return f"data: {json.dumps(data)}\n\n".encode()

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        types = {"app.css": "text/css", "app.js": "application/javascript"}
        if name not in types:
            raise web.HTTPNotFound()
        body = (resources.files("workshop.web") / "static" / name).read_bytes()
        return web.Response(body=body, content_type=types[name], headers={"Cache-Control": "max-age=3600"})

    def _page(self, body: str, *, status: int = 200, message: str = "", error: str = "",
              code: str = "", wait: float = 0) -> web.Response:
        response = web.Response(text=page(self.plan.title, body, message=message, error=error, code=code),
                                status=status, content_type="text/html")
        if wait:
            response.headers["Retry-After"] = retry_after(wait)
        return response


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response, errors, redirects and event streams included, before it is sent."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin (not no-referrer): the page's own POSTs then carry a real Origin header.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


async def _send(response: web.StreamResponse, data: bytes) -> None:
    await asyncio.wait_for(response.write(data), WRITE_SECONDS)


async def _json_body(request: web.Request):
    try:
        raw = await asyncio.wait_for(request.read(), BODY_SECONDS)
    except TimeoutError:
        raise _too_slow() from None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON or encoding, or nested too deep
        return None


async def _form(request: web.Request):
    try:
        return await asyncio.wait_for(request.post(), BODY_SECONDS)
    except TimeoutError:
        raise _too_slow() from None


def _too_slow() -> web.HTTPRequestTimeout:
    refused = web.HTTPRequestTimeout()
    refused.force_close()  # the rest of the body is not waited for
    return refused


def _set_cookie(response: web.StreamResponse, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/", max_age=60 * 60 * 24)


def _json_error(status: int, message: str, wait: float = 0) -> web.Response:
    """wait: seconds before trying again, sent as Retry-After (429 and 503)."""
    response = web.json_response({"error": message}, status=status)
    if wait:
        response.headers["Retry-After"] = retry_after(wait)
    return response


def _error(request: web.Request, status: int, message: str, wait: float = 0) -> web.Response:
    if request.path.startswith("/api/"):
        return _json_error(status, message, wait)
    response = web.Response(text=message, status=status)
    if wait:
        response.headers["Retry-After"] = retry_after(wait)
    return response


def _locked(exc: BaseException) -> bool:
    """Another program holds the database's write lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


