"""The listening socket in front of aiohttp: connection caps by client address, idle time limits,
and the log file (with addresses scrubbed). Runs inside the app's event loop: never web.run_app."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import web

from .guard import Connections, NoAddresses, address_key, connection_limit

CONNECTIONS_PER_ADDRESS = 100  # a browser opens about six; a few devices may share an address
MAX_CONNECTIONS = 3000  # TCP connections at once, lowered to fit the process's file limit
IDLE_SECONDS = 5  # a connection with no complete request for this long is closed (half-sent headers, idle keep-alive)
SHUTDOWN_SECONDS = 2
LOGGERS = ("workshop.web", "aiohttp.server", "aiohttp.web", "aiohttp.access")


class _Gate(asyncio.Protocol):
    """A new connection's first stop: one its address may not open (or one beyond the cap, with
    nobody to give way) is dropped before any HTTP work, so a device reconnecting as fast as it can
    costs the server little. Otherwise the connection goes on to aiohttp's handler."""

    def __init__(self, listener: Listener):
        self.listener = listener

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        runner = self.listener.runner
        address = address_key(transport.get_extra_info("peername"))
        if runner is None or runner.server is None or not self.listener.connections.admits(address):
            transport.abort()
            return
        handler = runner.server()
        transport.set_protocol(handler)
        handler.connection_made(transport)


class Listener:
    """Serves app on host:port (port 0 picks a free one; `port` is the real one once started)."""

    def __init__(self, app: web.Application, host: str, port: int, log_path: Path | None = None):
        self.app, self.host, self.port, self.log_path = app, host, port, log_path
        self.connections = Connections(MAX_CONNECTIONS, CONNECTIONS_PER_ADDRESS)
        self.runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._log_handler: logging.Handler | None = None

    async def start(self) -> None:
        self._open_log()
        self.connections.max_total = connection_limit(MAX_CONNECTIONS)
        self.runner = web.AppRunner(self.app, access_log=None, handle_signals=False,
                                    keepalive_timeout=IDLE_SECONDS, lingering_time=2,
                                    shutdown_timeout=SHUTDOWN_SECONDS)
        await self.runner.setup()
        self._limit_connections(self.runner.server)
        try:
            self._server = await asyncio.get_running_loop().create_server(
                lambda: _Gate(self), self.host, self.port, backlog=512)
        except OSError:
            await self.runner.cleanup()
            self.runner = None
            self._close_log()
            raise
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            self._server = None
        if self.runner:
            await self.runner.cleanup()
            self.runner = None
        self._close_log()

    def busy(self, protocol, busy: bool) -> None:
        """The connection has a request in hand (busy), or waits for its next one again."""
        self.connections.busy(protocol, busy)

    def _limit_connections(self, server) -> None:
        """Bound connections per address and in all, so hostile clients cannot use up every file
        handle; at the cap, the address holding the most gives way to a newcomer (see Connections)."""
        made, lost = server.connection_made, server.connection_lost

        def connection_made(handler, transport) -> None:
            made(handler, transport)
            keep, evict = self.connections.opened(handler, address_key(transport.get_extra_info("peername")))
            if evict is not None:
                evict.force_close()
            if not keep:  # once the handler has started: closing it before then upsets aiohttp
                asyncio.get_running_loop().call_soon(handler.force_close)

        def connection_lost(handler, exc=None) -> None:
            self.connections.closed(handler)
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
