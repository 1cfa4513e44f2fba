"""WorkshopApp: the facilitator's screens, keys and themes. Handlers stay thin; live.py does the work."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from ..session.running import LiveSession
from ..model import Plan, Session
from ..store import Store
from .themes import DEFAULT_THEME, PROJECTOR, PROJECTOR_DARK, THEMES


LOCK_WAIT_MS = 50  # the longest a key press may wait for another program's write lock


def digest(text: str) -> str:
    """A plan file's fingerprint: whether the file is still the one a session was started from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class WorkshopApp(App):
    CSS_PATH = "workshop.tcss"
    TITLE = "workshop"
    ENABLE_COMMAND_PALETTE = True
    # Screens get -short below 30 rows: the layout tightens so 80x24 shows everything.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, store: Store, *, plan: tuple[Plan, str] | None = None, plan_path: Path | None = None,
                 session_id: str | None = None,
                 simulate: bool = False, sessions_dir: Path = Path("sessions"), phones: bool = False,
                 host: str = "0.0.0.0", port: int = 8765, log_path: Path | None = None):
        super().__init__()
        self.store = store
        # The app never waits on the event loop for another program's write lock: a write that
        # finds it is kept and retried (LiveSession.pending), and phones get 503 with Retry-After.
        store.conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        self.phones = phones
        self.host = host
        self.port = port
        self.log_path = log_path
        self.phone_server = None
        self.addresses: list[str] = []
        self.address_index = 0
        self._refresh_pending = False
        self.start_with_plan = plan
        self.start_plan_path = plan_path
        self.start_with_session = session_id
        self.simulate = simulate
        self.sessions_dir = sessions_dir

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.store.setting("theme", DEFAULT_THEME) or DEFAULT_THEME
        from .screens.home import HomeScreen

        # Home is built only when it is the first thing shown, or when Escape goes back to it.
        if self.start_with_plan:
            self.begin(*self.start_with_plan, path=self.start_plan_path)
        elif self.start_with_session:
            self.resume_session(self.start_with_session)
        else:
            self.push_screen(HomeScreen(self.sessions_dir))

    def back(self) -> None:
        """Escape from a screen: to the one below, or to Home when it is the first screen."""
        from .screens.home import HomeScreen

        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen(self.sessions_dir))

    # --- starting and resuming -------------------------------------------------------------

    def start_plan(self, path: Path) -> None:
        from ..inputs.plan import load_plan
        from ..inputs.problems import InputError

        try:
            plan, text = load_plan(path)
        except InputError as exc:
            from .screens.problems import ProblemsScreen

            self.push_screen(ProblemsScreen(path, exc.problems))
            return
        self.begin(plan, text, path=path)

    def begin(self, plan: Plan, text: str, path: Path | None = None) -> None:
        from .screens.lobby import LobbyScreen

        session = self.store.start_session(plan, text)
        if path is not None:
            self.store.set_plan_source(session.id, str(Path(path).resolve()), digest(text))
        # An anonymous session stores no roster names; for this run the screen still shows them.
        live = LiveSession(self.store, dataclasses.replace(session, plan=plan))
        self.push_screen(LobbyScreen(live, simulate=self.simulate))
        self.start_phones(live)

    def resume_session(self, session_id: str) -> None:
        from .screens.gap import GapScreen
        from .screens.vote import VoteScreen

        live = LiveSession(self.store, self.with_roster_names(self.store.session(session_id)))
        if live.session.status == "finished":
            self.push_screen(GapScreen(live))  # Enter opens a principle to carry on
        else:
            self.push_screen(VoteScreen(live, simulate=self.simulate))
        self.start_phones(live)

    def with_roster_names(self, session: Session) -> Session:
        """An anonymous session stores no names: on a resume the roster shows the names from its plan
        file while that file is there unchanged, and seats otherwise."""
        path, kept = self.store.plan_source(session.id)
        if not (session.plan.anonymous and session.plan.roster and path):
            return session
        from ..inputs.plan import load_plan
        from ..inputs.problems import InputError

        try:
            plan, text = load_plan(path)
        except InputError:
            return session
        if digest(text) != kept or len(plan.roster) != len(session.plan.roster):
            return session
        return dataclasses.replace(session, plan=dataclasses.replace(session.plan, roster=plan.roster))

    def open_readonly(self, session_id: str) -> None:
        """A past session for review: its gap view; Enter shows a principle's results."""
        from .screens.gap import GapScreen

        self.push_screen(GapScreen(LiveSession(self.store, self.store.session(session_id), readonly=True)))

    # --- phones ----------------------------------------------------------------------------

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
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_join"):
                screen.refresh_join()

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
        self._refresh_pending = False
        if hasattr(self.screen, "refresh_entry"):
            self.screen.refresh_entry()
        if hasattr(self.screen, "refresh_join"):
            self.screen.refresh_join()

    async def on_unmount(self) -> None:
        if self.phone_server is not None:
            await self.phone_server.stop()

    async def action_quit(self) -> None:
        """Quit: a count still being typed is stored first; a lobby never begun leaves no session."""
        from .screens.lobby import LobbyScreen

        settled = getattr(self.screen, "settled", None)
        if settled is not None and not settled():
            return  # it asks first: the answer decides, then quit again
        if isinstance(self.screen, LobbyScreen) and self.store.discard_if_empty(self.screen.live.id):
            pass  # opened and quit before anything happened: no empty session in the history
        self.exit()

    # --- exports ----------------------------------------------------------------------------

    class ExportDone(Message):
        def __init__(self, result: Path | None, error: str | None):
            super().__init__()
            self.result = result
            self.error = error

    @work(thread=True, group="export")
    def export_in_background(self, write: Callable[[Store], Path]) -> None:
        """Run an export in a thread with its own database connection; report back by message."""
        try:
            with Store(self.store.path) as store:
                path = write(store)
        except Exception as exc:  # shown to the facilitator; the workshop carries on
            self.post_message(self.ExportDone(None, str(exc)))
        else:
            self.post_message(self.ExportDone(path, None))

    def on_workshop_app_export_done(self, message: ExportDone) -> None:
        if message.error:
            self.notify(f"Export failed: {message.error}", severity="error", timeout=10)
        else:
            self.notify(f"Wrote {message.result}", timeout=8)

    # --- app-wide actions ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_address", "new_code"):
            return self.phone_server is not None
        return True

    def action_toggle_theme(self) -> None:
        self.theme = PROJECTOR_DARK.name if self.theme == PROJECTOR.name else PROJECTOR.name
        self.store.set_setting("theme", self.theme)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the current screen is also a command in the palette (ctrl+p), and only those.

        Textual's own entries (its theme list, focus moves, copying) are left out: the app has its
        own light/dark toggle, and a facilitator needs the workshop's actions, by name.
        """
        from .widgets.cards_grid import CardsGrid

        seen = set()
        # The screen's and the grid's own bindings, not those they inherit from Textual.
        own = {b.action for b in [*type(screen).BINDINGS, *CardsGrid.BINDINGS] if isinstance(b, Binding)}
        for key, active in screen.active_bindings.items():
            binding, node = active.binding, active.node
            ours = (node is screen or isinstance(node, CardsGrid)) and binding.action in own or node is self
            if (not ours or not active.enabled or not binding.description or binding.description in seen
                    or binding.action.startswith(("score(", "type_digit(", "focus_", "app.focus_"))
                    or binding.action in ("command_palette", "erase")):
                continue
            if node is self and binding.action not in ("help", "toggle_theme", "quit", "next_address", "new_code"):
                continue
            seen.add(binding.description)
            label = binding.key_display or key
            yield SystemCommand(binding.description, f"key: {label}",
                                partial(self.run_action, binding.action, node))
