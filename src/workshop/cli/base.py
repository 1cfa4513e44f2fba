"""What every command shares: the group, the database it works on, one way to fail, and asking first."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from .. import __version__


def fail(message: str) -> NoReturn:
    """Print one clear error to stderr and exit 2."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def fail_problems(problems) -> NoReturn:
    for p in problems:
        click.echo(str(p), err=True)
    sys.exit(2)


class Context:
    """The database a command works on: --db, then WORKSHOP_DB, then the user's data folder."""

    def __init__(self, db: str | None):
        self.db_option = db

    @property
    def db_path(self) -> Path:
        """The database path; one the user typed must be in a folder that exists (a typo creates nothing)."""
        from ..store import ENV_VAR, resolve_db_path

        path = resolve_db_path(self.db_option)
        typed = bool(self.db_option or os.environ.get(ENV_VAR))
        if typed and not path.parent.is_dir():
            fail(f"{path}: folder does not exist; check --db or {ENV_VAR}")
        return path

    def store(self, *, create: bool = False, readonly: bool = False):
        """The open store; create=False (commands that only read, or change what exists) refuses a
        missing database rather than make an empty one; readonly=True (commands that only read)
        opens it read-only, never migrated or written."""
        from ..store import NoDatabase, Store, StoreError

        path = self.db_path
        try:
            return Store(path, create=create, readonly=readonly)
        except NoDatabase:
            fail(f"no database at {path}; check --db or WORKSHOP_DB ('workshop where' shows the one in use)")
        except StoreError as exc:
            fail(str(exc))

    def has_database(self) -> bool:
        """Something other than nothing or an empty file is there: a non-file is refused when opened."""
        path = self.db_path
        return os.path.lexists(path) and not (path.is_file() and path.stat().st_size == 0)


def console():
    from rich.console import Console  # not needed to start the facilitator screens

    return Console(highlight=False, soft_wrap=False)


def to_terminal() -> bool:
    """Whether standard output is a terminal, by the rule Rich's console uses (TTY_COMPATIBLE, then
    FORCE_COLOR, then the stream), decided without loading Rich: piped output that needs no
    layout can skip it."""
    forced = os.environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    if os.environ.get("FORCE_COLOR") is not None:
        return os.environ["FORCE_COLOR"] != ""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


def print_layout(layout) -> None:
    """Results for a person (cli/layout.py): through Rich on a terminal; piped or redirected, the
    same lines from cli/plain.py, without loading Rich's console."""
    if not to_terminal():
        from .plain import NeedsConsole, blocks_text, output_width

        try:
            text = blocks_text(layout.items(), output_width())
        except NeedsConsole:
            pass
        else:
            click.echo(text, nl=False)
            return
    console().print(layout)


def confirm(question: str, yes: bool) -> bool:
    """Ask on a terminal; --yes answers for scripts. Without a terminal and without --yes: refuse."""
    if yes:
        return True
    if not sys.stdin.isatty():
        fail(f"{question.rstrip('?')}: this needs a yes; not a terminal, so add --yes to go ahead")
    return click.confirm(question, default=False, err=True)


def load_plan_or_fail(path: str):
    from ..inputs.catalogue import default_catalogue
    from ..inputs.plan import load_plan
    from ..inputs.problems import InputError

    try:
        return load_plan(path, default_catalogue())
    except InputError as exc:
        fail_problems(exc.problems)


def load_record_or_fail(ctx: Context, ref: str, *, ballots: bool = True):
    from ..session.records import load_record
    from ..store import StoreError

    store = ctx.store(readonly=True)
    try:
        return load_record(store, ref, ballots=ballots)
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()


def write_report(writer, record, fmt: str, output: str) -> None:
    from ..export import ExportError

    if output == "-":  # the usual name for standard output, which would become a file or folder named "-"
        fail("-: exports are written to files, not to standard output; give a file name, such as report.md")
    try:
        path = writer(record, fmt, output)
    except ExportError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{output}: cannot write ({exc.strerror})")
    click.echo(f"wrote {path}")


def unknown_locality(locality: str, known: list[str]) -> str:
    """'no sessions for locality ...' with the localities there are, as a hint."""
    import difflib

    close = difflib.get_close_matches(locality, known, n=1, cutoff=0.6)
    hint = (f" (did you mean '{close[0]}'?)" if close else f"; sessions are for: {', '.join(known)}" if known
            else "; no session has a locality yet")
    return f"no sessions for locality '{locality}'{hint}"


db_option = click.option(
    "--db", "db", metavar="PATH",
    help="The database file (default: WORKSHOP_DB, then your data folder; see 'workshop where').")


class Group(click.Group):
    """The command group: a store error, or damage SQLite finds only once a command reads on, is one
    line and exit 2, never a traceback. A command's module is imported when the command is first
    wanted (cli/commands.py names them): `workshop run` loads no other command's module."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from .commands import COMMANDS

        return sorted(COMMANDS.keys() | self.commands.keys())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        from .commands import COMMANDS

        if name not in self.commands and name in COMMANDS:
            import importlib

            importlib.import_module(f"{__package__}.{COMMANDS[name][0]}")  # its commands join the group
        return self.commands.get(name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # suggest from every command, not the loaded ones
            raise click.exceptions.NoSuchCommand(exc.command_name, possibilities=self.list_commands(ctx),
                                                 ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands in the help, with each one's line from cli/commands.py: the commands
        are not loaded for it. Laid out as click.Group lays it out."""
        from .commands import COMMANDS

        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            command = self.commands.get(name) or click.Command(name, help=COMMANDS[name][1])
            if not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        import sqlite3

        from ..store import StoreError, resolve_db_path
        from ..store.connect import damaged

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            fail(str(exc))
        except sqlite3.DatabaseError as exc:
            fail(str(damaged(resolve_db_path(ctx.obj.db_option if ctx.obj else None), exc)))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(__version__, prog_name="workshop")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Run council and voluntary-sector partnership workshops: vote, reveal, see the gap."""
    utf8_output()
    ctx.obj = Context(db)


def utf8_output() -> None:
    """Redirected output in UTF-8. Windows gives a redirected stream the locale's code page (cp1252),
    which has no − or ↑, so `workshop show S > gap.txt` would stop with a traceback; a terminal that
    cannot show a character gets a stand-in for it instead."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding == "utf8" or not hasattr(stream, "reconfigure"):
            continue
        try:
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8")
        except (ValueError, OSError):  # closed, or not a stream that can change
            pass


def with_db(f):
    """Accept --db after the subcommand too (workshop show X --db file.db)."""

    @db_option
    @click.pass_context
    def wrapper(ctx: click.Context, db: str | None, **kwargs):
        if db:
            ctx.obj.db_option = db
        return ctx.invoke(f, ctx.obj, **kwargs)

    wrapper.__name__ = f.__name__
    wrapper.__doc__ = f.__doc__
    return wrapper
