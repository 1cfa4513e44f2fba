"""Exports are safe to open: text a spreadsheet would run as a formula is neutralised in every CSV,
numbers stay numbers, and the workbook holds no formula at all."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from workshop.cli import cli
from workshop.export.csv import cell
from workshop.store import Store

EVIL = '=HYPERLINK("http://evil.example/","x")'
PID = "council-sustains-grant-programmes"

PLAN = f"""title: Eastbury Partnership Check
date: 2026-11-18
anonymous: false
groups: [{{id: council, name: "@Council"}}, {{id: vcs, name: "+VCS!A1"}}]
principles: {{ids: [{PID}, local-1]}}
extra_principles:
  - {{id: local-1, statement: "=1+1 is what the forum says", theme: local, addressed_to: both}}
"""

# Council rates both principles 5, VCS 1: the gap is -4, a negative number that must stay one.
VOTES = "participant,group,principle,score\n" + "".join(
    f'"{name}",{group},{pid},{score}\n'
    for pid in (PID, "local-1")
    for name, group, score in [(EVIL.replace('"', '""'), "council", 5), ("-Bob", "council", 5), ("@Ann", "council", 5),
                               ("Cy", "vcs", 1), ("Dee", "vcs", 1), ("Eve", "vcs", 1)])

# Notes and actions typed in the room, each starting the way a formula does.
NOTES = ["+44 7700 900123 is the forum's phone", "\rcarriage return first", "\tindented", "-", "ordinary note"]
ACTIONS = [("@channel: send the minutes", "-the clerk", "2027-01-31")]


@pytest.fixture
def session(tmp_path):
    """A named session with hostile names, statements, notes and actions, stored for real."""
    plan, votes, db = tmp_path / "plan.yaml", tmp_path / "votes.csv", tmp_path / "w.db"
    plan.write_text(PLAN, encoding="utf-8")
    votes.write_text(VOTES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(plan), str(votes)])
    assert result.exit_code == 0, result.output
    sid = result.stdout.strip()
    with Store(db) as store:
        for text in NOTES:
            store.add_note(sid, text, PID)
        for text, owner, due in ACTIONS:
            store.add_action(sid, text, owner=owner, due=due, principle_id=PID)
    return db, sid


def export(db, sid, out) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), "export", sid, "-o", str(out)])
    assert result.exit_code == 0, result.output


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def dangerous(value: str) -> bool:
    return value.startswith(("=", "+", "-", "@", "\t", "\r"))


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def check_csv_files(files: dict[str, str]) -> None:
    assert sorted(files) == ["actions.csv", "ballots.csv", "notes.csv", "summary.csv"]
    for name, text in files.items():
        for row in rows(text):
            for key, value in row.items():
                # Every cell a spreadsheet would run is either a number written as one, or neutralised.
                assert not dangerous(value) or is_number(value), (name, key, value)

    ballots = rows(files["ballots.csv"])
    assert {b["participant"] for b in ballots} == {"'" + EVIL, "'-Bob", "'@Ann", "Cy", "Dee", "Eve"}
    summary = rows(files["summary.csv"])
    assert {r["statement"] for r in summary if r["principle"] == "local-1"} == {"'=1+1 is what the forum says"}
    assert {r["gap"] for r in summary} == {"-4.0"}  # a number, left as it is: it still sorts and sums
    assert [n["text"] for n in rows(files["notes.csv"])] == [
        "'+44 7700 900123 is the forum's phone", "'\rcarriage return first", "'\tindented", "'-", "ordinary note"]
    action = rows(files["actions.csv"])[0]
    assert (action["text"], action["owner"], action["due"]) == ("'@channel: send the minutes", "'-the clerk", "2027-01-31")


def test_a_folder_of_csv_files_neutralises_formulas_and_keeps_numbers(session, tmp_path):
    db, sid = session
    out = tmp_path / "csv"
    export(db, sid, out)
    check_csv_files({p.name: p.read_bytes().decode("utf-8") for p in out.iterdir()})


def test_a_zip_of_csv_files_neutralises_formulas_too(session, tmp_path):
    db, sid = session
    out = tmp_path / "data.zip"
    export(db, sid, out)
    with zipfile.ZipFile(out) as zf:
        check_csv_files({name: zf.read(name).decode("utf-8") for name in zf.namelist()})


def test_the_workbook_holds_text_where_a_formula_would_be(session, tmp_path):
    db, sid = session
    out = tmp_path / "data.xlsx"
    export(db, sid, out)
    book = openpyxl.load_workbook(out)
    formulas = [(ws.title, c.coordinate, c.value) for ws in book for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []  # the exporter writes no formula of its own, so none may appear
    ballots = book["Ballots"]
    header = [c.value for c in ballots[1]]
    names = {row[header.index("participant")] for row in ballots.iter_rows(min_row=2, values_only=True)}
    assert EVIL in names and "-Bob" in names  # kept as typed: in a workbook a text cell is never run
    scores = [row[header.index("score")] for row in ballots.iter_rows(min_row=2, values_only=True)]
    assert sorted(set(scores)) == [1, 5]  # numbers, not text
    notes = [row[2] for row in book["Notes"].iter_rows(min_row=2, values_only=True)]
    assert "+44 7700 900123 is the forum's phone" in notes
    summary = book["Summary"]
    gap = next(i for i, c in enumerate(summary[1]) if str(c.value).startswith("gap"))
    gaps = [row[gap] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert gaps == [-4, -4] and all(isinstance(g, (int, float)) for g in gaps)
    statements = [row[3] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert "=1+1 is what the forum says" in statements


def test_the_chart_names_a_group_in_words_even_when_it_looks_like_a_cell(session, tmp_path):
    """A group called '+VCS!A1' stays words in the chart, never a reference to a cell."""
    db, sid = session
    out = tmp_path / "data.xlsx"
    export(db, sid, out)
    with zipfile.ZipFile(out) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode("utf-8")
    assert "<c:strRef>" not in chart  # a title or name taken from a cell
    assert "Gap per principle: +VCS!\u2060A1 − @Council" in chart


@pytest.mark.parametrize(("value", "written"), [
    (EVIL, "'" + EVIL), ("+1", "'+1"), ("-1.3", "'-1.3"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), (" =x", " =x"), ("", ""), (None, ""),
    (-1.3, -1.3), (-4, -4), (0, 0), (5, 5),
])
def test_only_text_is_neutralised(value, written):
    """A negative gap written as a number stays a number; the same characters as text do not run."""
    assert cell(value) == written
    assert type(cell(value)) is type(written)
