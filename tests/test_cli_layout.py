"""show, compare and trend on the terminal: every statement whole at any width, piped or not; numbers as worded."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.inputs.catalogue import default_catalogue
from workshop.cli import cli
from workshop.wording import ARROW_LEGEND, GAP_LEGEND

WORKSHOP = str(Path(sys.executable).parent / "workshop")
LONGEST = sorted(default_catalogue().principles, key=lambda p: -len(p.statement))[:3]
PLAN = """
title: Eastbury Partnership Health Check {year}
date: {year}-11-20
locality: Eastbury
groups: [council, vcs, health]
anonymous: true
min_group_size: 3
scale: {{min: 1, max: 5, dont_know: true}}
principles: {{ids: [{ids}]}}
modes: [cards]
"""
# Per principle and group, the scores. The first principle's means are chosen so that the gap of
# the shown means (3.3 and 2.1: -1.2) is not the rounded gap (3.25 - 2.143 = -1.107: -1.1).
SCORES = {
    2025: [{"council": [3, 3, 3, 4], "vcs": [2, 2, 2, 2, 2, 2, 3], "health": [4, 4, 5]},
           {"council": [5, 5, 4], "vcs": [1, 2, 2, "dk"], "health": [1]},
           {"council": [2, 2, 2], "vcs": [2, 2, 2], "health": [3, 3, 3]}],
    2026: [{"council": [3, 3, 3], "vcs": [3, 3, 4], "health": [4, 4, 4]},
           {"council": [4, 4, 4], "vcs": [4, 4, 3], "health": [2, 2]},
           {"council": [1, 1, 2], "vcs": [5, 5, 5], "health": [3, 3, 3]}],
    2027: [{"council": [4, 4, 4], "vcs": [1, 1, 1], "health": [4, 4, 4]},
           {"council": [2, 2, 2], "vcs": [2, 2, 2], "health": []},
           {"council": [3, 3, 3], "vcs": [3, 3, 3], "health": [3, 3, 3]}],
}


def invoke(runner, db, *args, columns: str | None = "80"):
    env = {"COLUMNS": columns} if columns else {"COLUMNS": None}
    result = runner.invoke(cli, ["--db", str(db), *map(str, args)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def eastbury(runner, db_path, tmp_path) -> list[str]:
    """Three yearly sessions of the three longest statements in the catalogue, with three groups."""
    ids = []
    for year, principles in SCORES.items():
        plan = tmp_path / f"eastbury-{year}.yaml"
        plan.write_text(PLAN.format(year=year, ids=", ".join(p.id for p in LONGEST)))
        votes = tmp_path / f"votes-{year}.csv"
        votes.write_text("participant,group,principle,score\n" + "".join(
            f",{group},{p.id},{score}\n" for p, groups in zip(LONGEST, principles)
            for group, scores in groups.items() for score in scores))
        result = runner.invoke(cli, ["--db", str(db_path), "import", str(plan), str(votes)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        ids.append(result.stdout.strip())
    return ids


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_whole(out: str, width: int | None = 80) -> None:
    """Every word of every long statement, in order; nothing cut with '…'; no line wider than the screen."""
    assert "…" not in out
    for p in LONGEST:
        assert flat(p.statement) in flat(out), p.statement
    if width:
        assert max(len(line) for line in out.splitlines()) <= width


# --- every statement whole, stacked at 80 columns and whenever piped --------------------------------

@pytest.mark.parametrize("columns", ["80", None, "200"], ids=["80-columns", "piped-no-width", "piped-200"])
def test_show_is_stacked_and_whole_at_80_columns_and_piped(runner, db_path, eastbury, columns):
    out = invoke(runner, db_path, "show", eastbury[0], columns=columns)
    assert_whole(out, int(columns or 80))
    assert "┏" not in out and "┃" not in out  # blocks, not a table: pipes and narrow screens get blocks
    # One principle a block: the number, then the statement at the full width.
    assert re.search(r"^ +1\. " + re.escape(LONGEST[0].statement.split()[0]), out, re.M)


def test_compare_is_stacked_and_whole(runner, db_path, eastbury):
    out = invoke(runner, db_path, "compare", eastbury[0], eastbury[1])
    assert_whole(out)
    assert ARROW_LEGEND in flat(out) and GAP_LEGEND in flat(out)


def test_trend_is_stacked_and_whole(runner, db_path, eastbury):
    out = invoke(runner, db_path, "trend", "Eastbury")
    assert_whole(out)
    # Each session's gap under each statement, its date beside it.
    assert "2025-11-20" in out and "2027-11-20" in out


@pytest.mark.parametrize("command", ["show", "compare", "trend"])
@pytest.mark.parametrize("columns", [40, 80, 200])
def test_piped_output_is_the_lines_rich_prints_without_loading_it(runner, db_path, eastbury, command, columns):
    """Piped, the blocks are drawn without Rich's console (cli/plain.py): a file gets exactly the
    lines Rich's console writes there, at any width."""
    import io

    from rich.console import Console

    from workshop.cli.layout import comparison_view, gap_view, trend_view
    from workshop.session.records import load_comparison, load_record, load_trend
    from workshop.store import Store

    args = {"show": [eastbury[0]], "compare": eastbury[:2], "trend": ["Eastbury"]}[command]
    with Store(db_path, readonly=True) as store:
        view = {"show": lambda: gap_view(load_record(store, eastbury[0], ballots=False)),
                "compare": lambda: comparison_view(load_comparison(store, *eastbury[:2])),
                "trend": lambda: trend_view(load_trend(store, "Eastbury"))}[command]()
        rich = Console(file=io.StringIO(), width=columns, color_system=None, highlight=False, soft_wrap=False)
        rich.print(view)
    assert invoke(runner, db_path, command, *args, columns=str(columns)) == rich.file.getvalue()


@pytest.mark.parametrize("command", ["show", "compare", "trend"])
def test_a_very_narrow_screen_still_shows_every_statement_whole(runner, db_path, eastbury, command):
    args = {"show": [eastbury[0]], "compare": eastbury[:2], "trend": ["Eastbury"]}[command]
    assert_whole(invoke(runner, db_path, command, *args, columns="40"), 40)


@pytest.mark.parametrize("command", ["show", "compare", "trend"])
def test_installed_command_at_80_columns_piped(db_path, eastbury, command):
    args = {"show": [eastbury[0]], "compare": eastbury[:2], "trend": ["Eastbury"]}[command]
    proc = subprocess.run([WORKSHOP, "--db", str(db_path), command, *args], capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS="80"))
    assert proc.returncode == 0, proc.stderr
    assert_whole(proc.stdout)


# --- a wide terminal keeps a table, the statements wrapping in their column ------------------------

def on_a_terminal(*args: str, columns: int = 130, answer: str | None = None) -> tuple[int, str]:
    """Run workshop on a pseudo-terminal of the given width, typing answer to any question.

    Returns the exit code and what it printed, without colours.
    """
    import fcntl
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TTY_COMPATIBLE", "FORCE_COLOR")}
    proc = subprocess.Popen([WORKSHOP, *args], stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    if answer is not None:
        os.write(main, answer.encode() + b"\n")  # the terminal keeps it until the question reads it
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 20)
        if not ready:
            break
        try:
            data = os.read(main, 65536)
        except OSError:  # the other end closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=20)
    os.close(main)
    return code, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode()).replace("\r\n", "\n")


def column_text(out: str, column: int) -> str:
    """The words of one column of a table, top to bottom."""
    cells = [re.split("[│┃]", line)[column] for line in out.splitlines() if line.startswith(("│", "┃"))]
    return flat(" ".join(cells))


@pytest.mark.parametrize("command, principle_column", [("show", 2), ("compare", 2), ("trend", 1)])
def test_a_wide_terminal_gets_a_table_with_whole_statements(db_path, eastbury, command, principle_column):
    args = {"show": [eastbury[0]], "compare": eastbury[:2], "trend": ["Eastbury"]}[command]
    code, out = on_a_terminal("--db", str(db_path), command, *args)
    assert code == 0 and "┃" in out and "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 130
    for p in LONGEST:
        assert flat(p.statement) in column_text(out, principle_column)


def test_a_terminal_at_80_columns_gets_blocks(db_path, eastbury):
    code, out = on_a_terminal("--db", str(db_path), "show", eastbury[0], columns=80)
    assert code == 0 and "┃" not in out
    assert_whole(out)


# --- the numbers: wording.py's rules, three groups, the pair named ---------------------------------

def test_show_words_the_numbers_and_names_the_pair(runner, db_path, eastbury):
    out = invoke(runner, db_path, "show", eastbury[0])
    assert "Gap = VCS − Council: VCS's mean minus Council's" in flat(out)
    assert "Flags are about these two groups only" in flat(out)
    first = out[:out.index(" 2. ")]
    # Council 3.25 reads 3.3 (half away from zero), VCS 2.143 reads 2.1; the gap is 2.1 - 3.3.
    assert re.search(r"Council +3\.3 +n 4", first) and re.search(r"VCS +2\.1 +n 7", first)
    assert re.search(r"Health +4\.3 +n 3", first)  # every group's mean, not only the compared two
    assert re.search(r"Gap +−1\.2 ", first) and "VCS rates this 1.2 lower than Council" in first
    # Health's one score is too few to show, and makes no flag of the Council and VCS pair.
    second = out[out.index(" 2. "):out.index(" 3. ")]
    assert re.search(r"Health +too few to show", second)
    assert "1 dk" in second and "Flags" in second and "thin" not in second


def test_show_json_keeps_its_shape_and_full_precision(runner, db_path, eastbury):
    data = json.loads(invoke(runner, db_path, "show", eastbury[0], "--json"))
    assert data["groups"] == ["council", "vcs", "health"]
    first = data["principles"][0]
    assert (first["groups"]["council"]["mean"], first["groups"]["vcs"]["mean"], first["gap"]) == (3.25, 2.143, -1.107)
    assert set(first) >= {"id", "statement", "groups", "gap", "flags"}


def test_compare_words_each_move_and_the_gap(runner, db_path, eastbury):
    out = invoke(runner, db_path, "compare", eastbury[0], eastbury[1])
    first = flat(out[out.index(" 1. "):])
    # Council 3.3 -> 3.0, VCS 2.1 -> 3.3: the gap as shown, -1.2 -> +0.3, narrower by 0.9 and reversed.
    assert "Council 3.3 → 3.0 ↓ −0.3" in first and "VCS 2.1 → 3.3 ↑ +1.2" in first
    assert "Gap −1.2 → +0.3 narrower by 0.9, reversed" in first
    assert "Health 4.3 → 4.0 ↓ −0.3" in first


def test_trend_shows_the_gap_of_the_shown_means(runner, db_path, eastbury):
    out = invoke(runner, db_path, "trend", "Eastbury")
    first = flat(out[out.index(" 1. "):out.index(" 2. ")])
    assert re.search(r"2025-11-20 −1\.2 2026-11-20 \+0\.3 2027-11-20 −3\.0 trend \S{3}", first)


def test_a_wide_table_uses_the_same_words(db_path, eastbury):
    _, out = on_a_terminal("--db", str(db_path), "compare", eastbury[0], eastbury[1])
    assert ARROW_LEGEND in flat(out)
    assert "3.3 → 3.0 ↓ −0.3" in out and "−1.2 → +0.3" in out


# --- the gap in a block: the bar beside the number, the sentence on its own line ------------------

def gap_lines(out: str, number: int) -> tuple[str, str]:
    """The Gap line of principle `number`'s block, and the line under it."""
    block = out[out.index(f" {number}. "):]
    lines = block.splitlines()
    at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Gap"])
    return lines[at], lines[at + 1]


def test_show_at_80_columns_puts_the_gap_sentence_on_a_line_of_its_own(runner, db_path, eastbury):
    out = invoke(runner, db_path, "show", eastbury[0])
    gap, under = gap_lines(out, 1)
    # The number and the bar, no words beside the bar; then the whole sentence, on one line.
    assert re.fullmatch(r" +Gap +−1\.2 +[ ▐█]+│ +", gap)
    assert under.strip() == "VCS rates this 1.2 lower than Council"


def test_show_bar_grows_with_the_gap_over_the_whole_range(runner, db_path, eastbury):
    bars = {}
    for sid in eastbury:
        out = invoke(runner, db_path, "show", sid)
        gap, _ = gap_lines(out, 1)
        bars[gap.split()[1]] = gap[gap.index(gap.split()[1]) + len(gap.split()[1]):].strip(" ")
    # On 1..5 (a range of 4), eight cells a side at 80 columns, half a cell at a time:
    # −1.2 is 4.8 half cells (5), +0.3 is 1.2 (1), −3.0 is 12 (6 whole cells).
    assert bars == {"−1.2": "▐██│", "+0.3": "│▌", "−3.0": "██████│"}


@pytest.mark.parametrize(("gap", "half", "bar"), [
    (-4.0, 8, "████████│        "),  # the whole range fills a side
    (-2.0, 8, "    ████│        "),
    (-2.3, 8, "   ▐████│        "),
    (-2.5, 8, "   █████│        "),  # 10 half cells: 5 whole
    (2.5, 6, "      │████  "),  # 7.5 half cells of 12, rounded half away from zero: 8
    (2.3, 6, "      │███▌  "),
    (2.0, 6, "      │███   "),
    (0.0, 8, "        │        "),
    (None, 4, "    ┆    "),
])
def test_diverging_bar_over_the_whole_range(gap, half, bar):
    from workshop.renderables import diverging_bar

    assert diverging_bar(gap, 4, half, whole_range=True) == bar
