"""The domain never imports Textual or an HTTP server: checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
# The faces: the terminal app, the command line that starts it, and the web modules that speak HTTP.
# Everything else is the domain, a module added later included.
FACES = ("workshop.tui", "workshop.cli")
HTTP = {"bodies", "events", "guard", "listener", "priorities_routes", "remote_events", "remote_floor",
        "remote_routes", "replies", "server"}
MODULES = sorted(".".join(f.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
                 for f in (SRC / "workshop").rglob("*.py"))
DOMAIN = [m for m in MODULES if not m.startswith(FACES) and m.removeprefix("workshop.web.") not in HTTP]
LONGEST = 400  # lines: past this a module is split (STYLE.md)


def test_domain_modules_do_not_import_textual_or_aiohttp():
    code = (f"import sys\nfor m in {DOMAIN!r}: __import__(m)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'aiohttp')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_domain_list_holds_the_domain():
    """The list above is worked out from the tree: it must hold the layers a ballot passes through."""
    for module in ("workshop.model.plan", "workshop.inputs.plan", "workshop.store.ballots",
                   "workshop.session.running", "workshop.analytics", "workshop.web.voting", "workshop.export.html"):
        assert module in DOMAIN
    assert "workshop.web.server" not in DOMAIN and "workshop.tui.app" not in DOMAIN


def test_no_module_is_too_long_to_read_at_a_glance():
    lines = {f.relative_to(SRC).as_posix(): len(f.read_text(encoding="utf-8").splitlines())
             for f in (SRC / "workshop").rglob("*.py")}
    assert len(lines) == len(MODULES)
    assert {name: n for name, n in lines.items() if n > LONGEST} == {}


def test_command_line_starts_without_loading_the_tui():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom workshop.cli import cli\n"
            "CliRunner().invoke(cli, ['principles', '--json'])\nprint('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def imported(db, *votes: str) -> list[str]:
    """The demo plan imported into db once per VOTES.csv named (from tests/data/votes): the session ids."""
    from click.testing import CliRunner

    from workshop.cli import cli

    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    return [CliRunner().invoke(cli, ["--db", str(db), "import", str(repo / "sessions" / "demo.yaml"),
                                     str(repo / "tests" / "data" / "votes" / name)]).stdout.strip() for name in votes]


def test_commands_that_only_read_do_not_load_sqlite_utils(tmp_path):
    """list, show, trend, a Markdown export, and writes to an up-to-date database go through the
    standard sqlite3 module: sqlite-utils (and its plugin loading) is for migrations, and cost every
    start a tenth of a second."""
    db = tmp_path / "w.db"
    (sid,) = imported(db, "demo-votes.csv")
    code = ("import sys\nfrom click.testing import CliRunner\nfrom workshop.cli import cli\n"
            f"db, sid, out = {str(db)!r}, {sid!r}, {str(tmp_path / 'r.md')!r}\n"
            "codes = [CliRunner().invoke(cli, ['--db', db, *a]).exit_code for a in "
            "(['list'], ['show', sid], ['show', sid, '--json'], ['trend', 'Northshire'], ['export', sid, '-o', out],"
            " ['delete', sid, '--yes'])]\n"
            "print(codes, 'sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # Writes to a database that is up to date (every start of the app, every key) do not need it either.
    assert out.strip() == "[0, 0, 0, 0, 0, 0] False"


def test_machine_readable_output_does_not_load_the_terminal_layouts(tmp_path):
    """--json is data for another program: Rich's console and the terminal layouts (about a third of
    such a command's time) are loaded only for output a person reads."""
    db = tmp_path / "w.db"
    sids = imported(db, "demo-votes.csv", "demo-votes-later.csv")
    code = ("import sys, json\nfrom click.testing import CliRunner\nfrom workshop.cli import cli\n"
            f"db, a, b = {str(db)!r}, {sids[0]!r}, {sids[1]!r}\n"
            "outs = [CliRunner().invoke(cli, ['--db', db, *args, '--json']) for args in "
            "(['show', a], ['list'], ['compare', a, b], ['trend', 'Northshire'], ['actions'])]\n"
            "print([o.exit_code for o in outs], all(json.loads(o.stdout) is not None for o in outs), "
            "'rich.console' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[0, 0, 0, 0, 0] True False"


def test_the_list_piped_does_not_load_rich_console(tmp_path):
    """`workshop list` into a pipe or a file is a line a session: Rich's console and tables (most of
    the command's time over 50 sessions) are loaded only for a terminal."""
    db = tmp_path / "w.db"
    (sid,) = imported(db, "demo-votes.csv")
    code = ("import sys\nfrom click.testing import CliRunner\nfrom workshop.cli import cli\n"
            f"out = CliRunner().invoke(cli, ['--db', {str(db)!r}, 'list'])\n"
            f"print(out.exit_code, {sid!r} in out.stdout, 'rich.console' in sys.modules, 'rich.table' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0 True False False"


def test_results_piped_do_not_load_rich_console(tmp_path):
    """show, compare and trend into a pipe or a file draw their blocks without Rich's console (the
    same lines: test_cli_layout); a terminal still gets Rich."""
    db = tmp_path / "w.db"
    a, b = imported(db, "demo-votes.csv", "demo-votes-later.csv")
    code = ("import sys\nfrom click.testing import CliRunner\nfrom workshop.cli import cli\n"
            f"outs = [CliRunner().invoke(cli, ['--db', {str(db)!r}, *args]) for args in "
            f"(['show', {a!r}], ['compare', {a!r}, {b!r}], ['trend', 'Northshire'])]\n"
            "print([o.exit_code for o in outs], all('Northshire' in o.stdout for o in outs), 'rich.console' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[0, 0, 0] True False"
