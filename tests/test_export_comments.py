"""Approved comments in every report, read back as their readers would: under their principle, with
their group only, never a pending or hidden one, and "too few to show" for a group too small to show."""

from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser

import openpyxl
import pytest
from conftest import DATA

from workshop.cli import cli
from workshop.export import export
from workshop.inputs.ballots_csv import read_votes
from workshop.session.records import load_record
from workshop.wording import TOO_FEW

CHALLENGE = "council-accepts-vcs-right-to-challenge"  # principle 1 of the demo
PRESSURES = "vcs-understands-council-pressures"  # principle 4: two council scores, too few to show
APPROVED = "Challenge is read as disloyalty <b>here</b> & everywhere"
SMALL = "Only two of us could answer this"
NEVER = ("Pending words nobody has read", "Hidden words the room never saw")


@pytest.fixture
def record(store, demo_plan):
    plan = dataclasses.replace(demo_plan, comments=True)
    session = store.import_ballots(plan, "", read_votes(DATA / "votes" / "demo-votes.csv", plan))
    for principle, group, text, status in ((CHALLENGE, "vcs", APPROVED, "approved"),
                                           (CHALLENGE, "council", "We welcome being challenged", "approved"),
                                           (PRESSURES, "council", SMALL, "approved"),
                                           (CHALLENGE, "vcs", NEVER[0], "pending"),
                                           (CHALLENGE, "council", NEVER[1], "hidden")):
        store.set_comment_status(store.add_comment(session.id, principle, group, text), status)
    return load_record(store, session.id)


def test_the_record_holds_only_approved_comments(record):
    assert sorted(c.text for c in record.comments) == sorted([APPROVED, "We welcome being challenged", SMALL])


def test_markdown_lists_comments_under_their_principle(record, tmp_path):
    text = export(record, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    section = text.split("## Comments from the room", 1)[1].split("## Notes", 1)[0]
    assert f"**1. {record.plan.principles[0].statement}**" in section
    assert f"- *Council:* We welcome being challenged\n- *VCS:* {APPROVED}" in section
    assert f"**4. {record.plan.principles[3].statement}**" in section and f"- *Council:* {TOO_FEW}" in section
    assert SMALL not in text and not any(words in text for words in NEVER)


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def test_html_lists_comments_in_each_principle_escaped(record, tmp_path):
    html = export(record, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;here&lt;/b&gt; &amp; everywhere" in html and "<b>here</b>" not in html
    first = html.split('id="p1"', 1)[1].split("</section>", 1)[0]
    fourth = html.split('id="p4"', 1)[1].split("</section>", 1)[0]
    parser = Text()
    parser.feed(first)
    said = " ".join(" ".join(parser.parts).split())
    assert "Comments from the room" in said and f"VCS: {APPROVED}" in said
    assert "Council: We welcome being challenged" in said
    assert TOO_FEW in fourth and SMALL not in html
    assert not any(words in html for words in NEVER)


def test_xlsx_has_a_comments_sheet(record, tmp_path):
    book = openpyxl.load_workbook(export(record, "xlsx", tmp_path / "r.xlsx"))
    rows = [tuple(c.value for c in row) for row in book["Comments"].iter_rows(min_row=2)]
    assert rows == [(1, CHALLENGE, "Council", "We welcome being challenged"), (1, CHALLENGE, "VCS", APPROVED),
                    (4, PRESSURES, "Council", TOO_FEW)]
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any(words in cell for words in NEVER + (SMALL,) for cell in cells)


def test_no_comments_sheet_when_none_were_approved(store, demo_plan, tmp_path):
    session = store.start_session(dataclasses.replace(demo_plan, comments=True))
    store.add_comment(session.id, CHALLENGE, "vcs", "Still pending")
    book = openpyxl.load_workbook(export(load_record(store, session.id), "xlsx", tmp_path / "r.xlsx"))
    assert "Comments" not in book.sheetnames


def test_show_json_gives_each_principle_its_comments(record, runner, db_path):
    result = runner.invoke(cli, ["--db", str(db_path), "show", record.session.id, "--json"])
    assert result.exit_code == 0, result.output
    principles = {p["id"]: p for p in json.loads(result.stdout)["principles"]}
    assert principles[CHALLENGE]["comments"] == [{"group": "council", "text": "We welcome being challenged"},
                                                 {"group": "vcs", "text": APPROVED}]
    assert principles[PRESSURES]["comments"] == [{"group": "council", "text": None, "suppressed": True}]
    assert all(p["comments"] == [] for pid, p in principles.items() if pid not in (CHALLENGE, PRESSURES))
    assert SMALL not in result.stdout and not any(words in result.stdout for words in NEVER)


def test_the_json_file_carries_the_same(record, tmp_path):
    data = json.loads(export(record, "json", tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["principles"][0]["comments"][1] == {"group": "vcs", "text": APPROVED}
    assert data["plan"]["comments"] is True


def test_a_session_without_comments_reports_as_before(store, demo_plan, runner, db_path, tmp_path):
    session = store.start_session(demo_plan)
    record = load_record(store, session.id)
    assert "Comments" not in export(record, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Comments from the room" not in export(record, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    shown = json.loads(runner.invoke(cli, ["--db", str(db_path), "show", session.id, "--json"]).stdout)
    assert all("comments" not in p for p in shown["principles"])
