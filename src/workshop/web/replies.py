"""How the phone server answers: the headers on every response, the device cookie, and problems as
JSON for the API or as text for forms."""

from __future__ import annotations

from aiohttp import web

from .guard import retry_after
from .voting import Answer

COOKIE = "workshop_token"


def set_cookie(response: web.StreamResponse, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/", max_age=60 * 60 * 24)


def json_answer(answer: Answer) -> web.Response:
    return json_error(answer.status, answer.text, answer.wait)


def json_error(status: int, message: str, wait: float = 0) -> web.Response:
    """wait: seconds before trying again, sent as Retry-After (429 and 503)."""
    response = web.json_response({"error": message}, status=status)
    if wait:
        response.headers["Retry-After"] = retry_after(wait)
    return response


def error(request: web.Request, status: int, message: str, wait: float = 0) -> web.Response:
    if request.path.startswith("/api/"):
        return json_error(status, message, wait)
    response = web.Response(text=message, status=status)
    if wait:
        response.headers["Retry-After"] = retry_after(wait)
    return response


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response, errors, redirects and event streams included, before it is sent."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin (not no-referrer): the page's own POSTs then carry a real Origin header.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
