"""Group commit: the writes of many phones that arrive together share one transaction (one fsync).

The transactions run in a writer thread with a connection of its own to the same file, so the
event loop (the screens, the other phones) goes on while SQLite writes and syncs. Each transaction
first reads what it needs to decide under the write lock (which principle is open to phones, as
committed), so a write can never slip past a move the facilitator has committed. Each write runs in
its own savepoint, so one refused write leaves the others in the batch; writes of a kind that share
one statement (phones' ballots, `Many`) go together, after the others, each refused on its own.
A batch waits at most LOCK_WAIT_MS for another program's lock and is then reported busy (the phone
sends again). A write's future is settled on the event loop once its transaction has committed (or
failed). Nothing here knows HTTP; the caller turns an outcome into an answer.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..store import BallotError, Store

log = logging.getLogger("workshop.web")

BATCH = 64  # writes per transaction at most
LOCK_WAIT_MS = 50  # how long a batch waits for another program's lock
RECENT_SECONDS = 0.25  # a lock let go this long ago still explains a keyboard write that found it taken
BUSY_PAUSE_SECONDS = 0.2  # after a locked batch, writes in this window are reported busy without trying

# A write gets the writer's store and what the batch's first step read under the lock.
Write = Callable[[Store, object], object]


@dataclass(frozen=True)
class Many:
    """A write that shares one call, and so one statement, with the others of its kind in a batch.

    kind(store, seen, items) returns, per item in order, what the write returns or the BallotError
    that refused it; anything it raises fails the batch (which is then written one by one)."""

    kind: Callable[[Store, object, list], list]
    item: object


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
    """Runs writes in group commits, one transaction at a time, in a writer thread.

    store: the app's store; the writer opens its file again (one connection per thread).
    snapshot: read in each transaction before its writes, under the write lock; handed to each write.
    clock: seconds, for the pause after a locked batch (tests pass their own).
    """

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic,
                 snapshot: Callable[[Store], object] = lambda store: None):
        self.store = store
        self.clock = clock
        self.snapshot = snapshot
        self._batch: list[tuple[Write | Many, asyncio.Future]] = []
        self._flushing = False  # a transaction is being written, or about to be
        self._busy_until = float("-inf")  # until this time the database is taken as locked
        self._writing = False  # a transaction is in the writer thread now
        self._wrote_at = float("-inf")  # when the last one ended
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="workshop-phone-writes")
        self._writer: Store | None = None  # opened and used in the writer thread only
        self._closed = False

    def submit(self, write: Write | Many) -> asyncio.Future:
        """Run write in a coming group commit; the future gives its Outcome once that is durable.

        The write runs whether or not anybody still awaits the future.
        """
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._batch.append((write, future))
        if not self._flushing:
            self._flushing = True
            loop.call_soon(self._flush)
        return future

    def writing(self) -> bool:
        """Whether a group commit holds the write lock now, or let it go a moment ago: a keyboard
        write that found the lock taken then was held up by the phones, not by another program."""
        return self._writing or self.clock() - self._wrote_at < RECENT_SECONDS

    def close(self) -> None:
        """After the writes already submitted, the writer's connection closes (once; again is a no-op)."""
        if not self._closed:
            self._closed = True
            self._thread.submit(self._close_writer)
            self._thread.shutdown(wait=False)

    def _flush(self) -> None:
        # A bounded batch, so replies flow out while a big burst is still being written; the writes
        # that come meanwhile make the next one.
        batch, self._batch = self._batch[:BATCH], self._batch[BATCH:]
        if not batch:
            self._flushing = False
            return
        if self.clock() < self._busy_until:
            self._settle(batch, [BUSY] * len(batch))  # locked a moment ago: do not try again yet
            return
        try:
            done = asyncio.get_running_loop().run_in_executor(self._thread, self._write, [w for w, _ in batch])
        except RuntimeError:  # closed: the app is stopping
            self._settle(batch, [FAILED] * len(batch))
            return
        self._writing = True
        done.add_done_callback(lambda written: self._written(batch, written))

    def _written(self, batch, written: asyncio.Future) -> None:
        self._writing, self._wrote_at = False, self.clock()
        try:
            outcomes, was_locked = written.result()
        except Exception:
            log.exception("a group of %d writes failed", len(batch))
            outcomes, was_locked = [FAILED] * len(batch), False
        if was_locked:
            # Another program holds the write lock: nothing in the batch was kept.
            self._busy_until = self.clock() + BUSY_PAUSE_SECONDS
        self._settle(batch, outcomes)

    def _settle(self, batch, outcomes: list[Outcome]) -> None:
        for (_, future), outcome in zip(batch, outcomes):
            if not future.done():
                future.set_result(outcome)
        asyncio.get_running_loop().call_soon(self._flush)

    # --- in the writer thread -------------------------------------------------------------

    def _write(self, batch: list[Write | Many]) -> tuple[list[Outcome], bool]:
        """One transaction for the batch: (outcomes, whether another program held the lock)."""
        store = self._open_writer()
        try:
            outcomes = self._transaction(store, batch)
        except Exception as exc:
            if locked(exc):
                return [BUSY] * len(batch), True
            # Something other than a refused write failed, and the transaction with it: nothing in
            # the batch was kept. Each write again on its own, so only the failing one fails.
            log.exception("a group of %d writes failed; retrying one by one", len(batch))
            return [self._alone(store, write) for write in batch], False
        return outcomes, False

    def _alone(self, store: Store, write: Write | Many) -> Outcome:
        try:
            return self._transaction(store, [write])[0]
        except Exception as exc:
            if locked(exc):
                return BUSY
            log.exception("a write failed")
            return FAILED

    def _transaction(self, store: Store, batch: list[Write | Many]) -> list[Outcome]:
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")  # the write lock first, so the snapshot holds till COMMIT
        try:
            seen = self.snapshot(store)
            outcomes: list = [None if isinstance(write, Many) else self._run(store, write, seen) for write in batch]
            kinds: dict[Callable, list[int]] = {}
            for i, write in enumerate(batch):
                if isinstance(write, Many):
                    kinds.setdefault(write.kind, []).append(i)
            for kind, places in kinds.items():
                for i, value in zip(places, kind(store, seen, [batch[i].item for i in places]), strict=True):
                    outcomes[i] = Outcome(refused=str(value)) if isinstance(value, BallotError) else Outcome(value=value)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return outcomes

    def _run(self, store: Store, write: Write, seen: object) -> Outcome:
        try:
            with store.atomic():  # a savepoint: a refused write leaves the others in the batch
                return Outcome(value=write(store, seen))
        except BallotError as exc:
            return Outcome(refused=str(exc))

    def _open_writer(self) -> Store:
        if self._writer is None:
            self._writer = Store(self.store.path)
            # Waiting for another program's lock holds up only phones, and not for long.
            self._writer.conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        return self._writer

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
