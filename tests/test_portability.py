"""What keeps workshop running on a facilitator's Windows or macOS laptop, checked from Linux."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from conftest import DATA, REPO

from workshop.store import Store

WORKSHOP = str(Path(sys.executable).with_name("workshop"))
SRC = REPO / "src" / "workshop"
# Modules and names Windows lacks: each use must sit in a try that catches ImportError/AttributeError,
# or under a check of os.name / sys.platform.
POSIX_MODULES = {"fcntl", "resource", "pwd", "grp", "termios", "tty", "pty", "posix"}
POSIX_NAMES = {("os", n) for n in ("getuid", "geteuid", "getgid", "getegid", "sync", "fork", "setsid", "killpg",
                                   "getpgid", "statvfs", "mkfifo", "getloadavg")} | {
    ("signal", n) for n in ("SIGKILL", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGPIPE",
                            "SIGTSTP", "SIGCONT", "SIGWINCH", "alarm", "pause", "setitimer")}


def _guarded(parents: list[ast.AST]) -> bool:
    for node in parents:
        if isinstance(node, ast.Try) and any(
                h.type is not None and any(n in ast.unparse(h.type) for n in ("ImportError", "AttributeError"))
                for h in node.handlers):
            return True
        if isinstance(node, ast.If) and any(n in ast.unparse(node.test) for n in ("os.name", "sys.platform")):
            return True
    return False


def _posix_only_uses(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, parents: list[ast.AST]) -> None:
        name = None
        if isinstance(node, ast.Import):
            name = next((a.name for a in node.names if a.name.split(".")[0] in POSIX_MODULES), None)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_MODULES and not node.level:
            name = node.module
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and (node.value.id, node.attr) in POSIX_NAMES:
            name = f"{node.value.id}.{node.attr}"
        if name and not _guarded(parents):
            found.append((node.lineno, name))
        for child in ast.iter_child_nodes(node):
            visit(child, [*parents, node])

    visit(tree, [])
    return found


def test_nothing_posix_only_runs_unguarded():
    found = [f"{path.relative_to(REPO)}:{line}: {name}"
             for path in sorted(SRC.rglob("*.py"))
             for line, name in _posix_only_uses(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_the_check_finds_an_unguarded_call_and_passes_a_guarded_one():
    bare = "import os, fcntl\nos.getuid()\n"
    guarded = ("try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
               "if os.name == 'posix':\n    os.getuid()\n")
    assert _posix_only_uses(ast.parse(bare)) == [(1, "fcntl"), (2, "os.getuid")]
    assert _posix_only_uses(ast.parse(guarded)) == []


def test_redirected_output_is_utf8_whatever_the_code_page(tmp_path):
    """Windows writes a redirected stream in cp1252, which has no minus sign: the gap view still prints."""
    db = tmp_path / "w.db"
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    imported = subprocess.run([WORKSHOP, "--db", str(db), "import", str(REPO / "sessions" / "demo.yaml"),
                               str(DATA / "votes" / "demo-votes.csv")], capture_output=True, env=env, timeout=60)
    session = imported.stdout.decode("utf-8").strip()
    for args in (["show", session], ["trend", "Northshire"], ["show", session, "--json"]):
        done = subprocess.run([WORKSHOP, "--db", str(db), *args], capture_output=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        text = done.stdout.decode("utf-8")  # raises if it was written in another encoding
        assert "Traceback" not in done.stderr.decode("utf-8")
        if args[0] == "show" and "--json" not in args:
            assert "\u22122.3" in text  # the gap on the right to challenge, with a real minus sign


def test_commits_are_flushed_past_the_drive_cache_on_macos(tmp_path):
    with Store(tmp_path / "w.db") as store:
        assert store.conn.execute("PRAGMA fullfsync").fetchone()[0] == 1
