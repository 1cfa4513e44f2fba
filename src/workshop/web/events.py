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


class _Stream:
    """One phone's live-update connection."""

    __slots__ = ("closing", "wake")

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.closing = False


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
        """Every stream sends the phone its new view."""
        for stream in list(self._open):
            stream.wake.set()

    def close(self) -> None:
        """Every stream ends (the app is stopping)."""
        for stream in list(self._open):
            stream.closing = True
            stream.wake.set()

    async def serve(self, request: web.Request, device: str, address: str,
                    event: Callable[[], bytes]) -> web.StreamResponse:
        """Stream event() now and after every wake, with a ping when quiet, until the phone goes."""
        stream = _Stream()
        self._open.add(stream)
        self._device[device] += 1
        self._address[address] += 1
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        try:
            await response.prepare(request)
            await _send(response, event())
            while not stream.closing:
                try:
                    await asyncio.wait_for(stream.wake.wait(), PING_SECONDS)
                except TimeoutError:
                    await _send(response, b": ping\n\n")
                    continue
                stream.wake.clear()  # changes that came together make one update: the latest view
                if not stream.closing:
                    await _send(response, event())
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


async def _send(response: web.StreamResponse, data: bytes) -> None:
    await asyncio.wait_for(response.write(data), WRITE_SECONDS)
