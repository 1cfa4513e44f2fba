"""The app's side of phone voting: the phone server started beside the running session, the address
and join code the screens show, and the counts redrawn as phones' ballots are committed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .messages import BallotsCounted, JoinChanged

if TYPE_CHECKING:
    from ..session.running import LiveSession


class PhoneRoom:
    """Mixed into WorkshopApp (self is the app; self.store its store)."""

    def init_phones(self, phones: bool, host: str, port: int) -> None:
        self.phones = phones
        self.host = host
        self.port = port
        self.phone_server = None
        self.addresses: list[str] = []
        self.address_index = 0
        self._refresh_pending = False
        self._phones_counted: tuple = ()  # (session, position, ballots per group) last redrawn for phones
        self._phones_joined = -1  # phones joined, last redrawn

    def start_phones(self, live: LiveSession) -> None:
        # A session that had phones voting gets them back on a resume, with or without --phones.
        if self.phones or "phones" in live.plan.modes or self.store.join_details(live.id)[0]:
            self.run_worker(self._start_phones(live), exclusive=True, group="phones")

    async def _start_phones(self, live: LiveSession) -> None:
        from ..web.server import PhoneServer, lan_addresses

        if self.phone_server is not None:
            if self.phone_server.session_id == live.id:
                self.phone_server.follow(live)
                return
            await self.phone_server.stop()
            self.phone_server = None
        # A resumed session keeps its join code and, when it is free, its port and address:
        # phones that joined before carry on and the QR code on the wall still works.
        code, address = self.store.join_details(live.id)
        kept_host, _, kept_port = (address or "").rpartition(":")
        ports = [int(kept_port)] if kept_port.isdigit() and int(kept_port) != self.port else []
        server = None
        for port in ports + [self.port]:
            server = PhoneServer(live, host=self.host, port=port, on_ballot=self.phone_ballot,
                                 log_path=self.log_path)
            if code:
                server.join_code = code
            try:
                await server.start()
                break
            except OSError as exc:
                error, server = exc, None
        if server is None:
            self.notify(f"Phone voting could not start on port {self.port}: {error.strerror}. "
                        "Run again with --port 0 to pick a free port.", severity="error", timeout=15)
            return
        self.phone_server = server
        self.connect_remotes(server)
        self.addresses = [self.host] if self.host not in ("0.0.0.0", "") else lan_addresses()
        if kept_host in self.addresses:
            self.address_index = self.addresses.index(kept_host)
        live.on_change = server.state_changed
        self.keep_join_details()
        self.refresh_join()

    def keep_join_details(self) -> None:
        server = self.phone_server
        if server is not None and self.addresses:
            address = self.addresses[self.address_index % len(self.addresses)]
            self.store.set_join_details(server.session_id, server.join_code, f"{address}:{server.port}")

    def join_details(self) -> tuple[str, str, str, int] | None:
        """(address, code, QR target, phones joined) for the screens, or None without phone voting."""
        server = self.phone_server
        if server is None:
            return None
        address = self.addresses[self.address_index % len(self.addresses)]
        return server.url(address), server.join_code, server.join_url(address), server.joins

    def refresh_join(self) -> None:
        """Every screen that shows how phones join redraws it, those under a dialog too."""
        for screen in self.screen_stack:
            screen.post_message(JoinChanged())

    def action_next_address(self) -> None:
        if self.addresses:
            self.address_index = (self.address_index + 1) % len(self.addresses)
            self.keep_join_details()
            self.refresh_join()
            self.notify(f"Phones join at {self.join_details()[0]}")

    def action_new_code(self) -> None:
        if self.phone_server:
            self.phone_server.new_code()
            self.keep_join_details()
            self.refresh_join()
            self.notify("New join code: phones that have not joined need it; those in keep voting")

    def phone_ballot(self, principle_id: str) -> None:
        """A phone's ballot is committed: refresh the counts, at most five times a second."""
        if not self._refresh_pending:
            self._refresh_pending = True
            self.set_timer(0.2, self._refresh_counts)

    def _refresh_counts(self) -> None:
        # Only what moved is redrawn: while a room re-votes, counts and joins stay put and the
        # screen does no layout for them (each one blocks the keys and the phones for a frame).
        self._refresh_pending = False
        server = self.phone_server
        if server is None:
            return
        live = server.voting.live
        waiting = tuple(live.comments.waiting().items()) if live.plan.comments else ()  # comments sent
        # The priorities round: how far the room has got with its dots (never where they went).
        dots = (tuple(live.dots_placed().items()), live.phones_dotted()) if live.priorities_open else ()
        counted = (live.id, live.position, tuple(live.counts().items()), waiting, dots)
        if counted != self._phones_counted:
            self._phones_counted = counted
            self.screen.post_message(BallotsCounted())
        if server.joins != self._phones_joined:
            self._phones_joined = server.joins
            self.screen.post_message(JoinChanged())  # how many phones have joined
