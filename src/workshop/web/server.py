"""Phone voting over HTTP: an aiohttp server run inside the facilitator app's event loop.

It only translates HTTP: routes, middleware, host and origin checks, caps on connections and event
streams, time limits and logs. What a phone may do and see is decided by voting.py, on the same
running session (LiveSession) the screens drive; writes reach the store through its batcher.

Nothing about a device is kept but the hash of its random token (its participant id); no IP address,
user agent or name is stored or logged. The HTTP interface is described in docs/voting-api.md.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from ..model import Plan
from ..session.running import LiveSession
from .batcher import locked
from .bodies import form as _form, json_body as _json_body
from .events import Streams
from .guard import (  # noqa: F401  (ids re-exported for tests and tools)
    address_key,
    ballot_id,
    clean_code,
    lan_addresses,
    parse_score,
    participant_id,
    retry_after,
    same_origin,
)
from .listener import Listener
from .remote import Remotes
from .remote_routes import RemoteRoutes
from .replies import COOKIE, error, json_answer, json_error, security_headers, set_cookie
from .page import join_form, page, view_html
from .commenting import Commenting
from .prioritising import Prioritising
from .priorities_routes import PriorityRoutes
from .shown import Shown
from .voting import BUSY_MESSAGE, BUSY_RETRY_SECONDS, Answer, Voting

log = logging.getLogger("workshop.web")

MAX_BODY = 4096
STREAM_RETRY_SECONDS = 5  # Retry-After for a phone refused an event stream (it polls meanwhile)
# The other limits: joins and ballots in voting.py, connections in listener.py, streams in events.py.


class PhoneServer:
    """Serves the participant page and the voting API for one session."""

    def __init__(self, live: LiveSession, *, host: str = "0.0.0.0", port: int = 8765,
                 on_ballot: Callable[[str], None] | None = None, log_path: Path | None = None,
                 clock: Callable[[], float] = time.monotonic):
        """live: the running session the screens drive; from now on it tells this server of every
        move. clock: seconds, for the rate limits (tests pass their own)."""
        self.voting = Voting(live, clock=clock, on_ballot=on_ballot)
        self.commenting = Commenting(self.voting, clock, on_comment=lambda: on_ballot and on_ballot(""))
        self.prioritising = Prioritising(self.voting, clock, on_dots=lambda: on_ballot and on_ballot(""))
        self.shown = Shown(self.voting, self.commenting.commented, self.prioritising)
        self.priority_routes = PriorityRoutes(self.prioritising, self.device, self._page, self.shown.html)
        self._join_pages: dict[str, str] = {}  # code in the link -> the join page
        self._hosts: dict[str, bool] = {}  # Host header -> whether it names this laptop
        live.on_change = self.state_changed
        self.streams = Streams()
        self.remote = RemoteRoutes(lambda: self.voting.live, Remotes(clock))  # the facilitator's remotes
        name = socket.gethostname().lower()
        self.host_names = {"localhost", name, f"{name}.local", host.lower()}
        self.app = self._make_app()
        self.listener = Listener(self.app, host, port, log_path)
        self._connections = self.listener.connections

    @property
    def session_id(self) -> str:
        return self.voting.session_id

    @property
    def plan(self) -> Plan:
        return self.voting.plan

    @property
    def join_code(self) -> str:
        return self.voting.join_code

    @join_code.setter
    def join_code(self, code: str) -> None:
        self.voting.join_code = code

    @property
    def joins(self) -> int:
        """Phones joined, committed."""
        return self.voting.joins

    @property
    def port(self) -> int:
        """The port phones connect to: the real one once started, also when 0 was asked for."""
        return self.listener.port

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
            web.post("/comment", self.comment_form),
            web.post("/api/join", self.api_join),
            web.get("/api/state", self.api_state),
            web.post("/api/ballot", self.api_ballot),
            web.post("/api/comment", self.api_comment),
            web.post("/api/prediction", self.api_ballot),  # the perception round: the same shape
            web.get("/api/events", self.api_events, allow_head=False),
            web.get("/static/{name}", self.static),
            *self.priority_routes.routes(),  # the priorities round: POST /api/dots, POST /dots
            *self.remote.routes(),
        ])
        app.on_response_prepare.append(security_headers)
        return app

    async def start(self) -> None:
        await self.listener.start()

    async def stop(self) -> None:
        self.streams.close()
        self.remote.events.close()
        await self.listener.stop()
        self.voting.close()

    def url(self, address: str) -> str:
        return f"http://{address}:{self.port}"

    def join_url(self, address: str) -> str:
        """The QR's target; upper case makes a smaller QR code, and the server takes any case."""
        return f"{self.url(address)}/J/{self.join_code}".upper()

    def new_code(self) -> str:
        """A fresh join code: old devices can no longer join, their ballots stay."""
        return self.voting.new_code()

    def follow(self, live: LiveSession) -> None:
        """The same session, resumed: its new running session object drives the phones from now on."""
        live.on_change = self.state_changed
        if live.id != self.voting.live.id:
            self.commenting.forget()
            self.prioritising.forget()
        self.voting.follow(live)
        self._join_pages.clear()
        self.streams.wake()

    def state_changed(self) -> None:
        """The facilitator moved, revealed or reopened: every phone follows."""
        self.voting.changed()
        self.prioritising.phase()  # notes where the room is when the priorities round closes
        self.streams.wake()
        self.remote.events.wake()

    # --- who is asking ---------------------------------------------------------------------

    def device(self, request: web.Request) -> tuple[str, str] | None:
        """(token, group) of a joined phone, from its bearer token or cookie; the token is kept in
        memory for this request only, to derive ids from."""
        token = None
        auth = request.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            token = auth[7:].strip()
        token = token or request.cookies.get(COOKIE)
        group = self.voting.group_of(token)
        return (token, group) if group else None

    def token(self, request: web.Request) -> str | None:
        found = self.device(request)
        return found[0] if found else None

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        if not self._known_host(request):
            # A page elsewhere that points its own name at this laptop (DNS rebinding) gets nothing.
            return error(request, 403, "use the address shown on the screen at the front")
        if request.method == "POST":
            if not same_origin(request):
                return error(request, 403, "requests from other sites are refused")
            if request.content_length is not None and request.content_length > MAX_BODY:
                return error(request, 413, f"requests are limited to {MAX_BODY} bytes")
        self.listener.busy(request.protocol, True)
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status >= 400 and request.path.startswith("/api/"):
                response = json_error(exc.status, exc.reason)
                if exc.keep_alive is False:
                    response.force_close()
                return response
            raise
        except Exception as exc:
            if locked(exc):  # another program is writing: a read that needed the lock waits its turn
                return error(request, 503, BUSY_MESSAGE, wait=BUSY_RETRY_SECONDS)
            log.exception("error serving %s %s", request.method, request.path)
            return error(request, 500, "something went wrong; try again")
        finally:
            self.listener.busy(request.protocol, False)

    def _known_host(self, request: web.Request) -> bool:
        host = request.headers.get("Host")
        if host is None:
            return True  # not a browser: browsers always send Host
        known = self._hosts.get(host)
        if known is None:
            if len(self._hosts) > 64:  # every phone sends the same few; a stranger's are not kept
                self._hosts.clear()
            known = self._hosts[host] = self._host_allowed(host)
        return known

    def _host_allowed(self, host: str) -> bool:
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

    # --- joining ---------------------------------------------------------------------------

    async def api_join(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("code"), str) or not isinstance(
                body.get("group"), str):
            return json_error(400, 'send {"code": "...", "group": "..."}')
        answer = await self.voting.join(body["code"], body["group"], address_key(request.remote))
        if not answer.ok:
            return json_answer(answer)
        response = web.json_response({"token": answer.text, "group": body["group"]})
        set_cookie(response, answer.text)
        return response

    async def join_form(self, request: web.Request) -> web.Response:
        form = await _form(request)
        code, group = str(form.get("code", ""))[:64], str(form.get("group", ""))[:64]
        answer = await self.voting.join(code, group, address_key(request.remote))
        if not answer.ok:
            return self._page(join_form(self.plan, clean_code(code), answer.text), status=answer.status,
                              code=clean_code(code), wait=answer.wait)
        response = web.HTTPSeeOther("/")
        set_cookie(response, answer.text)
        raise response

    async def join_link(self, request: web.Request) -> web.Response:
        # Only code characters go into the Location header: nothing from the path is echoed raw.
        raise web.HTTPSeeOther(f"/?code={clean_code(request.match_info['code'])}")

    # --- voting ----------------------------------------------------------------------------

    async def api_ballot(self, request: web.Request) -> web.Response:
        device = self.device(request)
        if device is None:
            return json_error(401, "join first")
        body = await _json_body(request)
        if not isinstance(body, dict):
            return json_error(400, 'send {"principle": "...", "score": 3}')
        predicting = request.path == "/api/prediction"
        send = self.voting.predict if predicting else self.voting.vote
        answer = await send(*device, body.get("principle"), body.get("score"))
        if not answer.ok:
            return json_answer(answer)
        score = parse_score(body.get("score"))
        key = "my_prediction" if predicting else "my_ballot"
        return web.json_response({"ok": True, key: "dk" if score is None else score})

    async def vote_form(self, request: web.Request) -> web.Response:
        device = self.device(request)
        if device is None:
            raise web.HTTPSeeOther("/")
        form = await _form(request)
        answer = await self.voting.answer_form(*device, form)
        if not answer.ok:
            return self._page(self.shown.html(device[0]), status=answer.status, error=answer.text,
                              wait=answer.wait)
        raise web.HTTPSeeOther("/?saved=1")

    # --- comments --------------------------------------------------------------------------

    async def api_comment(self, request: web.Request) -> web.Response:
        device = self.device(request)
        if device is None:
            return json_error(401, "join first")
        body = await _json_body(request)
        if not isinstance(body, dict):
            return json_error(400, 'send {"principle": "...", "text": "..."}')
        answer = await self.commenting.comment(*device, body.get("principle"), body.get("text"),
                                               address_key(request.remote))
        return web.json_response({"ok": True}) if answer.ok else json_answer(answer)

    async def comment_form(self, request: web.Request) -> web.Response:
        device = self.device(request)
        if device is None:
            raise web.HTTPSeeOther("/")
        form = await _form(request)
        text = form.get("text")
        answer = await self.commenting.comment(*device, form.get("principle"), text, address_key(request.remote))
        if not answer.ok:
            # The view again with what was typed still in the box, so nothing has to be written twice.
            draft = text if isinstance(text, str) else ""
            view = view_html(self.voting.shown_view(self.voting.view(device[0]).my_score), draft)
            return self._page(view, status=answer.status, error=answer.text, wait=answer.wait)
        raise web.HTTPSeeOther("/?commented=1")

    # --- reading ---------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        token = self.token(request)
        if token is None:
            code = clean_code(request.query.get("code", ""))
            return web.Response(text=self._join_page(code), content_type="text/html")
        message = "Your answer is saved." if request.query.get("saved") else \
            "Your comment is sent." if request.query.get("commented") else \
            "Your dots are saved." if request.query.get("placed") else ""
        return self._page(self.shown.html(token), message=message)

    def _join_page(self, code: str) -> str:
        """The join page, the same for every phone arriving with the code: rendered once."""
        if code not in self._join_pages:
            if len(self._join_pages) > 8:  # codes typed wrong, or old ones: never many kept
                self._join_pages.clear()
            self._join_pages[code] = page(self.plan.title, join_form(self.plan, code), code=code)
        return self._join_pages[code]

    async def api_state(self, request: web.Request) -> web.Response:
        token = self.token(request)
        if token is None:
            return json_error(401, "join first")
        return web.json_response(self.shown.state(token))

    async def api_events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: the new view whenever the facilitator moves on."""
        token = self.token(request)
        if token is None:
            return json_error(401, "join first")
        device, address = participant_id(token), address_key(request.remote)
        if self.streams.full(device, address):
            return json_error(503, "too many connections; the page will check back", STREAM_RETRY_SECONDS)
        return await self.streams.serve(request, device, address, lambda: self.shown.event(token))

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        types = {"app.css": "text/css", "app.js": "application/javascript", "remote.js": "application/javascript"}
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

