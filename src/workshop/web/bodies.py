"""Reading a request's body within a time limit: a body that trickles in is refused, not waited for."""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

BODY_SECONDS = 5  # a request body that trickles in slower than this is refused (slow clients)


async def json_body(request: web.Request):
    """The body as JSON, or None when it is not JSON."""
    if request.content.is_eof():
        raw = await request.read()  # all here already (a phone's small body): no timer, no task
    else:
        try:
            raw = await asyncio.wait_for(request.read(), BODY_SECONDS)
        except TimeoutError:
            raise too_slow() from None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON or encoding, or nested too deep
        return None


async def form(request: web.Request):
    try:
        return await asyncio.wait_for(request.post(), BODY_SECONDS)
    except TimeoutError:
        raise too_slow() from None


def too_slow() -> web.HTTPRequestTimeout:
    refused = web.HTTPRequestTimeout()
    refused.force_close()  # the rest of the body is not waited for
    return refused
