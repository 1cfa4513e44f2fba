"""The remote's live updates: a server-sent event whenever what the remote shows has changed.

At most two remotes exist, so each stream simply looks at the private view once a second (and at
once when the facilitator moves, reveals or reopens) and sends its version when it differs: ballots
from phones, counts typed on the laptop, comments and notes all show without each path telling it.
The clock ticking down is an event of its own each second, in the projector's words. An unpaired remote's
stream says so and ends, and its page goes back to pairing.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from ..wording import time_left_words
from .remote_page import state_version
from .replies import json_error

CHECK_SECONDS = 1.0
PING_SECONDS = 15
WRITE_SECONDS = 10  # a remote that stops reading is dropped
STREAMS_PER_REMOTE = 3  # a couple of tabs; a newer page's stream ends the oldest (most likely a page left)


class _Stream:
    __slots__ = ("ended",)

    def __init__(self) -> None:
        self.ended = False


class RemoteEvents:
    """routes: the RemoteRoutes serving the remotes (who is asking, their private view)."""

    def __init__(self, routes):
        self.routes = routes
        self._open: dict[int, list[_Stream]] = {}  # remote number -> its streams, oldest first
        self._waiting: set[asyncio.Future] = set()
        self.closing = False

    def wake(self) -> None:
        """Something moved: every stream looks now rather than within the second."""
        for future in list(self._waiting):
            if not future.done():
                future.set_result(None)

    def close(self) -> None:
        self.closing = True
        self.wake()

    async def _wait(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.add(future)
        timer = loop.call_later(seconds, lambda: future.done() or future.set_result(None))
        try:
            await future
        finally:
            timer.cancel()
            self._waiting.discard(future)

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """GET /api/remote/events: `data: {"version", "state", "time_left"}` on each change."""
        remote = self.routes.who(request)
        if remote is None:
            return json_error(401, "pair this device first")
        streams = self._open.setdefault(remote.number, [])
        stream = _Stream()
        streams.append(stream)
        for old in streams[:-STREAMS_PER_REMOTE]:
            old.ended = True  # a page reloaded or left: the server may not have noticed yet
        self.wake()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        sent, quiet = None, 0.0
        try:
            await response.prepare(request)
            while not self.closing and not stream.ended:
                transport = request.transport
                if transport is None or transport.is_closing():
                    break  # the page was left or reloaded: its slot is free within the second
                if self.routes.who(request) != remote:  # unpaired on the laptop: the page starts again
                    await _send(response, b"event: unpaired\ndata: {}\n\n")
                    break
                state = self.routes.state(remote)
                left = state["time_left"]
                now = (state_version(state), time_left_words(left) if left is not None else "")
                if now != sent:
                    data = {"version": now[0], "state": state["state"], "view": state["view"],
                            "time_left": left, "timer": now[1]}
                    await _send(response, b"data: %s\n\n" % json.dumps(data).encode())
                    sent, quiet = now, 0.0
                elif quiet >= PING_SECONDS:
                    await _send(response, b": ping\n\n")
                    quiet = 0.0
                await self._wait(CHECK_SECONDS)
                quiet += CHECK_SECONDS
        except (ConnectionError, TimeoutError):
            pass  # the remote went away, or stopped reading
        finally:
            streams.remove(stream)
            if not streams:
                self._open.pop(remote.number, None)
        return response


async def _send(response: web.StreamResponse, data: bytes) -> None:
    await asyncio.wait_for(response.write(data), WRITE_SECONDS)
