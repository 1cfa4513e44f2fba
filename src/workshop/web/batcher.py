"""Group commit: the writes of many phones that arrive together share one transaction (one fsync).

Each write runs in its own savepoint, so one refused write leaves the others in the batch. All of it
happens on the event loop's thread with the app's one connection, as the screens' own writes do:
a batch waits at most LOCK_WAIT_MS for another program's lock and is then reported busy (the phone
sends again). Nothing here knows HTTP; the caller turns an outcome into an answer.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..store import BallotError, Store

log = logging.getLogger("workshop.web")

BATCH = 64  # writes per transaction at most
LOCK_WAIT_MS = 50  # how long a batch waits for another program's lock, on the event loop
BUSY_PAUSE_SECONDS = 0.2  # after a locked batch, writes in this window are reported busy without trying


@dataclass(frozen=True)
class Outcome:
    """What became of one write, known once its transaction has committed (or failed)."""

    value: object = None  # what the write returned, when it is committed
    refused: str = ""  # the write raised BallotError: nothing of it was kept
    busy: bool = False  # another program holds the write lock: nothing was kept, send again
    failed: bool = False  # something else went wrong (a full disk): nothing was kept

    @property
    def ok(self) -> bool:
        return not (self.refused or self.busy or self.failed)


BUSY = Outcome(busy=True)
FAILED = Outcome(failed=True)


def locked(exc: BaseException) -> bool:
    """Another program holds the database's write lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Batcher:
    """Runs writes in group commits on the running event loop.

    clock: seconds, for the pause after a locked batch (tests pass their own).
    """

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic):
        self.store = store
        self.clock = clock
        self._batch: list[tuple[Callable[[], object], asyncio.Future]] = []
        self._busy_until = float("-inf")  # until this time the database is taken as locked

    def submit(self, write: Callable[[], object]) -> asyncio.Future:
        """Run write in the next group commit; the future gives its Outcome once that is durable.

        The write runs whether or not anybody still awaits the future.
        """
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._batch.append((write, future))
        if len(self._batch) == 1:
            loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        # A bounded batch, so replies flow out while a big burst is still being written.
        batch, self._batch = self._batch[:BATCH], self._batch[BATCH:]
        if self._batch:
            asyncio.get_running_loop().call_soon(self._flush)
        if self.clock() < self._busy_until:
            outcomes = [BUSY] * len(batch)  # locked a moment ago: do not stall the loop again yet
        else:
            try:
                with self._brief_lock_wait(), self.store.atomic():
                    outcomes = [self._run(write) for write, _ in batch]
            except Exception as exc:
                if locked(exc):
                    # Another program holds the write lock: nothing in the batch was kept.
                    self._busy_until = self.clock() + BUSY_PAUSE_SECONDS
                    outcomes = [BUSY] * len(batch)
                else:
                    outcomes = self._one_by_one(batch)
        for (_, future), outcome in zip(batch, outcomes):
            if not future.done():
                future.set_result(outcome)

    def _one_by_one(self, batch) -> list[Outcome]:
        # Something other than a refused write failed, and the transaction with it: nothing in the
        # batch was kept. Each write again on its own, so only the failing one fails.
        log.exception("a group of %d writes failed; retrying one by one", len(batch))
        outcomes = []
        for write, _ in batch:
            try:
                with self._brief_lock_wait(), self.store.atomic():
                    outcomes.append(self._run(write))
            except Exception as exc:
                if locked(exc):
                    outcomes.append(BUSY)
                else:
                    log.exception("a write failed")
                    outcomes.append(FAILED)
        return outcomes

    def _run(self, write: Callable[[], object]) -> Outcome:
        try:
            with self.store.atomic():  # a savepoint: a refused write leaves the others in the batch
                return Outcome(value=write())
        except BallotError as exc:
            return Outcome(refused=str(exc))

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
