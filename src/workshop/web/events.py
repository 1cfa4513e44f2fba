"""Server-sent events: each joined phone's live-update stream, woken when the facilitator moves on.

Streams are capped in all, per device and per client address (in memory only), so one device cannot
take every slot; a phone refused a stream polls instead. An update is bytes rendered once per change
(shown.py), so a reveal is written to every phone at once, with no work per phone to spread out.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from aiohttp import web

MAX_STREAMS = 2000  # open live-update connections at once: more phones than any room holds
STREAMS_PER_DEVICE = 4  # a few tabs; more would let one token take every slot
STREAMS_PER_ADDRESS = 20
PING_SECONDS = 15
WRITE_SECONDS = 10  # a phone that stops reading its live updates is dropped
ROOM_BYTES = 2 ** 15  # below aiohttp's 64 KiB before it waits for the socket: a write that cannot block


class _Stream:
    """One phone's live-update connection.

    A change is written straight to the socket from wake(), in the call that made it (a reveal
    reaches the phones before the projector has redrawn): the update is ready bytes, so that is one
    write per phone. When it cannot be (the phone is not reading, or the stream has not sent its
    first update yet) the stream's task is woken to send it, through a plain future: waking costs
    one step of the task (asyncio.wait_for would add a task and several loop turns each).
    """

    __slots__ = ("changed", "closing", "event", "ready", "transport", "waiting")

    def __init__(self, transport: asyncio.Transport | None, event: Callable[[], bytes]) -> None:
        self.transport, self.event = transport, event
        self.ready = False  # the response's head and first update are out: later writes may go direct
        self.changed = False  # something changed that the stream's task is to send
        self.closing = False
        self.waiting: asyncio.Future | None = None

    def push(self) -> bool:
        """Write the current view now, as one HTTP chunk; False if the task must send it instead."""
        transport = self.transport
        if not self.ready or self.closing or transport is None or transport.is_closing():
            return False
        data = self.event()
        if transport.get_write_buffer_size() + len(data) >= ROOM_BYTES:
            return False
        # The chunk framing aiohttp gives the stream's other writes (Transfer-Encoding: chunked).
        transport.write(b"%x\r\n%s\r\n" % (len(data), data))
        return True

    def wake(self) -> None:
        self.changed = True
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_result(None)

    async def wait(self, seconds: float) -> bool:
        """Until woken (True) or seconds pass (False)."""
        if self.changed or self.closing:
            return True
        loop = asyncio.get_running_loop()
        self.waiting = loop.create_future()
        timer = loop.call_later(seconds, _settle, self.waiting)
        try:
            await self.waiting
        finally:
            timer.cancel()
            self.waiting = None
        return self.changed or self.closing


def _settle(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


class Streams:
    """The open event streams."""

    def __init__(self) -> None:
        self._open: set[_Stream] = set()
        self._device: Counter[str] = Counter()  # by participant id
        self._address: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._open)

    def full(self, device: str, address: str) -> bool:
        """Whether a new stream for this device from this address is over a cap."""
        return (len(self._open) >= MAX_STREAMS or self._device[device] >= STREAMS_PER_DEVICE
                or self._address[address] >= STREAMS_PER_ADDRESS)

    def wake(self) -> None:
        """Every stream sends the phone its new view: written now where it can be."""
        for stream in list(self._open):
            if not stream.push():
                stream.wake()

    def close(self) -> None:
        """Every stream ends (the app is stopping)."""
        for stream in list(self._open):
            stream.closing = True
            stream.wake()

    async def serve(self, request: web.Request, device: str, address: str,
                    event: Callable[[], bytes]) -> web.StreamResponse:
        """Stream event() now and after every wake, with a ping when quiet, until the phone goes."""
        stream = _Stream(request.transport, event)
        self._open.add(stream)
        self._device[device] += 1
        self._address[address] += 1
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        try:
            await response.prepare(request)
            await _send(request, response, event())
            stream.ready = not stream.changed  # a change meanwhile is sent by the loop below first
            while not stream.closing:
                woken = await stream.wait(PING_SECONDS)
                stream.ready = False  # while this task writes, nothing may overtake it
                if not woken:
                    await _send(request, response, b": ping\n\n")
                elif not stream.closing:
                    stream.changed = False  # changes that came together make one update: the latest view
                    await _send(request, response, event())
                stream.ready = not stream.changed
        except (TimeoutError, ConnectionError):
            pass  # the phone went away, or stopped reading
        finally:
            self._open.discard(stream)
            _less(self._device, device)
            _less(self._address, address)
        return response


def _less(counts: Counter[str], key: str) -> None:
    counts[key] -= 1
    if counts[key] <= 0:
        del counts[key]


async def _send(request: web.Request, response: web.StreamResponse, data: bytes) -> None:
    transport = request.transport
    if transport is not None and transport.get_write_buffer_size() + len(data) < ROOM_BYTES:
        await response.write(data)  # goes straight to the socket: nothing to wait for, no timer
    else:
        # The phone is not reading what it was sent: it gets WRITE_SECONDS, then is dropped.
        await asyncio.wait_for(response.write(data), WRITE_SECONDS)
