"""Reading in a worker thread: a database connection of the thread's own, and what was read (or why it
could not be) posted back as a message. Never touches a widget: the handler does, on the event loop."""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from ..store import Store
from .messages import ReadFailed


def read_and_post(to: MessagePump, what: str, read: Callable[[Store], Message]) -> None:
    """Call from a thread worker: read(store) with a read-only connection, post its message to `to`.

    A failure is posted as ReadFailed (the app shows its cause and logs it); the result of a worker
    that was cancelled (a newer one of its group started) is dropped.
    """
    try:
        with to.app.reading_store() as store:
            message = read(store)
    except Exception as exc:  # shown with its cause; the workshop carries on
        to.post_message(ReadFailed(what, exc))
        return
    if not get_current_worker().is_cancelled:
        to.post_message(message)
