"""WorkshopApp: the facilitator's screens, keys and themes. Handlers stay thin; the running session
(session/running.py) does the work."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..inputs.problems import InputError
from ..session.running import LiveSession
from ..model import Plan, Session
from ..store import Store
from .commands import WorkshopCommands, workshop_commands
from .remote_control import RemoteControl
from .messages import ExportWritten, OpenPrinciple, ReadFailed
from .phone_room import PhoneRoom
from .screens.vote import VoteScreen
from .workers import read_and_post
from .themes import DEFAULT_THEME, PROJECTOR, PROJECTOR_DARK, THEMES, start_theme

log = logging.getLogger("workshop.tui")
log.addHandler(logging.NullHandler())  # kept in a file when the app has a log folder (on_mount)


LOCK_WAIT_MS = 50  # the longest a key press may wait for another program's write lock


def digest(text: str) -> str:
    """A plan file's fingerprint: whether the file is still the one a session was started from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class WorkshopApp(PhoneRoom, RemoteControl, App):
    CSS_PATH = "workshop.tcss"
    TITLE = "workshop"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {WorkshopCommands}
    # Screens get -short below 30 rows: the layout tightens so 80x24 shows everything.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # In the order the help lists them, each with its line there (the tooltip). ctrl+q keeps its place
    # on the key bar (first of the app's), which Textual's own binding of it decides.
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", id="app.help", tooltip="This help"),
        Binding("t", "toggle_theme", "Theme", show=False, id="app.theme", tooltip="Light / dark theme"),
        # No id: opening the palette from the palette is not a command.
        Binding("ctrl+p", "command_palette", "palette", show=False, priority=True,
                tooltip="Command palette: every action by name"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit", tooltip="Quit (everything is already saved)"),
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
        self.log_path = log_path
        self.init_phones(phones, host, port)
        self.start_with_plan = plan
        self.start_plan_path = plan_path
        self.start_with_session = session_id
        self.simulate = simulate
        self.sessions_dir = sessions_dir
        self.log_file = log_path.with_name("workshop.log") if log_path else None
        """Where failures are kept with their details; None keeps them only in the app's own log."""
        self._log_handler: logging.Handler | None = None
        for theme in THEMES:
            self.register_theme(theme)
        start_theme(self, store.setting("theme", DEFAULT_THEME) or DEFAULT_THEME)

    def push_screen(self, screen, *args, **kwargs):
        """Push a screen with the size classes (-narrow/-wide, -short/-tall) it would get on its first
        resize already set: given then, they restyle the whole screen a second time just after its
        first styling (a third of the work before a resumed session's first frame)."""
        if isinstance(screen, Screen):
            screen.update_classes(self.size_classes(screen), update=False)
        return super().push_screen(screen, *args, **kwargs)

    def size_classes(self, screen: Screen) -> dict[str, bool]:
        """The breakpoint classes Textual gives screen at the app's size: of each list, the class of the
        largest breakpoint the size reaches."""
        classes: dict[str, bool] = {}
        for size, own, app in ((self.size.width, screen.HORIZONTAL_BREAKPOINTS, self.HORIZONTAL_BREAKPOINTS),
                               (self.size.height, screen.VERTICAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS)):
            points = (app if own is None else own) or []
            classes.update((name, False) for _, name in points)
            reached = [(at, name) for at, name in points if size >= at]
            if reached:
                classes[max(reached)[1]] = True
        return classes

    def reading_store(self) -> Store:
        """A read-only connection of its own, for a worker thread (a connection belongs to one thread)."""
        return Store(self.store.path, readonly=True)

    def home(self) -> Screen:
        """Home, imported when it is first shown: a resumed session's first frame never needs it (nor
        the plan reader and YAML it brings)."""
        from .screens.home import HomeScreen

        return HomeScreen(self.sessions_dir)

    def watch_terminal(self) -> None:
        """Quit when the terminal window is closed under us.

        Started through a wrapper that stays in between (as 'make run' does), or in a session of its
        own (setsid), the app never gets the hang-up signal when the window closes, and the input
        thread then reads an endless end of file: a core busy, the phones' port held, for as long as
        nobody notices. A terminal that has gone answers no terminal call (EIO), so once a second
        the app asks whether its input is still a terminal. Every ballot is already committed, so
        leaving is safe.
        """
        try:
            fd = sys.__stdin__.fileno()
        except (AttributeError, ValueError, OSError):
            return
        if self.is_headless or not os.isatty(fd) or os.name != "posix":
            return  # tests, pipes, and Windows (whose console takes its programs with it)

        def check() -> None:
            if not os.isatty(fd):
                self.exit()

        self.set_interval(1.0, check)

    def on_mount(self) -> None:
        self.call_after_refresh(self.after_first_frame)
        self.open_log()
        self.watch_terminal()
        # Home is built only when it is the first thing shown, or when Escape goes back to it.
        if self.start_with_plan:
            self.begin(*self.start_with_plan, path=self.start_plan_path)
        elif self.start_with_session:
            self.resume_session(self.start_with_session)
        else:
            self.push_screen(self.home())

    def after_first_frame(self) -> None:
        """Started from the command line, the cycle collector is off until the first frame (cli/room.py):
        what start-up built is kept out of its later passes (gc.freeze), so none of them walks it
        again during a key press, and it is turned back on."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def back(self, *, leaving: str | None = None) -> None:
        """Escape from a screen: to the one below, or to Home when it is the first screen.

        leaving: the session the facilitator leaves; Home then has it under the cursor, so Enter
        goes back into it rather than starting or resuming another.
        """
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.switch_screen(self.home())
        from .screens.home import HomeScreen  # loaded already: Home is the screen now, or below it

        if leaving and isinstance(self.screen_stack[-1], HomeScreen):
            self.screen_stack[-1].came_from = leaving

    # --- starting and resuming -------------------------------------------------------------

    def start_plan(self, path: Path) -> None:
        from ..inputs.plan import load_plan  # plans are read from Home, which has imported it already

        try:
            plan, text = load_plan(path)
        except InputError as exc:
            from .screens.problems import ProblemsScreen

            self.push_screen(ProblemsScreen(path, exc.problems))
            return
        self.begin(plan, text, path=path)

    def begin(self, plan: Plan, text: str, path: Path | None = None) -> None:
        session = self.store.start_session(plan, text)
        if path is not None:
            self.store.set_plan_source(session.id, str(Path(path).resolve()), digest(text))
        # An anonymous session stores no roster names; for this run the screen still shows them.
        live = LiveSession(self.store, dataclasses.replace(session, plan=plan))
        from .screens.lobby import LobbyScreen  # a resumed session's first frame never needs it

        self.push_screen(LobbyScreen(live, simulate=self.simulate))
        self.start_phones(live)

    def resume_session(self, session_id: str) -> None:
        live = LiveSession(self.store, self.with_roster_names(self.store.session(session_id)))
        if live.session.status == "finished":
            from .screens.gap import GapScreen

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
        from ..inputs.plan import load_plan  # only a roster's names need the plan file again

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

    def on_open_principle(self, message: OpenPrinciple) -> None:
        """A gap view of its own (a finished or reviewed session) opens a principle on top of it."""
        message.live.go(message.position)
        self.push_screen(VoteScreen(message.live, from_gap=True))

    async def on_unmount(self) -> None:
        if self.phone_server is not None:
            await self.phone_server.stop()
        if self._log_handler is not None:
            log.removeHandler(self._log_handler)
            self._log_handler.close()

    def open_log(self) -> None:
        """Failures go to workshop.log beside the phones' log: the facilitator can send it on."""
        if self.log_file is None:
            return
        handler = logging.FileHandler(self.log_file, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        self._log_handler = handler

    async def action_quit(self) -> None:
        """Quit: a count still being typed is stored first; a lobby never begun leaves no session."""
        if isinstance(self.screen, VoteScreen) and not self.screen.settled():
            return  # it asks first: the answer decides, then quit again
        from .screens.lobby import LobbyScreen

        if isinstance(self.screen, LobbyScreen) and self.store.discard_if_empty(self.screen.live.id):
            pass  # opened and quit before anything happened: no empty session in the history
        self.exit()

    # --- exports ----------------------------------------------------------------------------

    @work(thread=True, group="export")
    def export_in_background(self, write: Callable[[Store], Path], what: str) -> None:
        """Run an export in a thread with its own database connection; report back by message."""
        read_and_post(self, what, lambda store: ExportWritten(write(store)))

    def on_export_written(self, message: ExportWritten) -> None:
        self.notify(f"Wrote {message.path}", timeout=8)

    def on_read_failed(self, message: ReadFailed) -> None:
        """A worker could not read or write what was asked: logged with its traceback, shown with its cause."""
        error = message.error
        log.error("%s failed", message.what, exc_info=error)
        from .screens.dialogs import ErrorScreen

        self.push_screen(ErrorScreen(message.what, error, self.log_file))

    # --- app-wide actions ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_address", "new_code", "remotes"):
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
        """Textual's hook for its system commands: here the same commands as the palette's provider."""
        return workshop_commands(screen)
