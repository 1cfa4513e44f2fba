"""Exports on real files, each opened the way its reader would: Excel, a browser, a Markdown reader, JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import DATA

from workshop.export import ExportError, export, export_comparison, export_trend
from workshop.export.json import comparison_data, trend_data
from workshop.model import Ballot, Seat
from workshop.session.records import load_comparison, load_record, load_trend
from workshop.inputs.ballots_csv import read_votes
from workshop.wording import ARROW_LEGEND

VOTES = DATA / "votes" / "demo-votes.csv"
CHALLENGE = "council-accepts-vcs-right-to-challenge"  # principle 1 of the demo
GRANTS = "council-sustains-grant-programmes"  # principle 5
PRESSURES = "vcs-understands-council-pressures"  # principle 4: two council scores, suppressed
ROSTER_NAMES = ("A. Patel", "B. Khan", "S. Okafor")
OLD_WORDING = "The council accepts that the VCS may challenge its decisions."


# --- sessions built through the real store --------------------------------------------------

@pytest.fixture
def anonymous(store, demo_plan):
    """The demo's paper ballots, with a named roster that an anonymous session must never show."""
    plan = dataclasses.replace(demo_plan, roster=tuple(Seat(g, n) for g, n in zip(
        ("council", "council", "vcs"), ROSTER_NAMES)), modes=("cards", "roster"))
    session = store.import_ballots(plan, "", read_votes(VOTES, plan))
    store.add_note(session.id, "VCS members said challenge is read as disloyalty.", CHALLENGE)
    store.add_note(session.id, "=SUM(A1) | a note that looks like a formula and has a pipe")
    store.add_action(session.id, "Draft a protocol on challenge", owner="Council", due="2027-03-31",
                     principle_id=CHALLENGE)
    done = store.add_action(session.id, "Share the grants timetable", owner="VCS forum", due="spring")
    store.set_action_status(done.id, "done", "sent in January")
    return load_record(store, session.id)


@pytest.fixture
def named(store, demo_plan):
    """A named roster session: everyone's ballot is on the record with their name."""
    plan = dataclasses.replace(demo_plan, anonymous=False, min_group_size=1, modes=("roster",),
                               roster=tuple(Seat(g, n) for g, n in zip(("council", "council", "vcs"), ROSTER_NAMES)))
    session = store.start_session(plan)
    ids = {n: store.add_participant(session.id, g, name=n) for g, n in zip(("council", "council", "vcs"), ROSTER_NAMES)}
    for name, score in zip(ROSTER_NAMES, (4, None, 2)):
        group = "vcs" if name == "S. Okafor" else "council"
        store.record_ballot(session.id, CHALLENGE, group, score, participant=ids[name], mode="roster")
    return load_record(store, session.id)


@pytest.fixture
def earlier(store, demo_plan):
    """A year before the demo, with principle 1 worded differently.

    Principle 1: council 5 5 4 (4.667), VCS 1 1 2 (1.333), gap -3.333.
    Principle 5: council 3 3 3 (3.0), VCS 2 2 2 (2.0), gap -1.0.
    """
    principles = tuple(dataclasses.replace(p, statement=OLD_WORDING) if p.id == CHALLENGE else p
                       for p in demo_plan.principles)
    plan = dataclasses.replace(demo_plan, title="Northshire Health Check 2025", date=dt.date(2025, 12, 3),
                               principles=principles)
    votes = {(CHALLENGE, "council"): [5, 5, 4], (CHALLENGE, "vcs"): [1, 1, 2],
             (GRANTS, "council"): [3, 3, 3], (GRANTS, "vcs"): [2, 2, 2]}
    ballots = [Ballot(p, g, s) for (p, g), scores in votes.items() for s in scores]
    return load_record(store, store.import_ballots(plan, "", ballots).id)


# --- reading the files back -----------------------------------------------------------------

class Page(HTMLParser):
    """What a browser would see: visible text, tags, and every attribute that loads or links."""

    def __init__(self, html: str):
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.links: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        self.links += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action", "srcset", "data")]

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def xlsx_text(path: Path) -> str:
    """Every XML part of a workbook as one string: names hide nowhere in it."""
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


def export_all(record, tmp_path: Path) -> dict[str, str]:
    """Every format, as the text a person or program would read."""
    out = {}
    for fmt, name in (("csv", "data.zip"), ("json", "data.json"), ("xlsx", "data.xlsx"), ("md", "report.md"),
                      ("html", "report.html")):
        path = export(record, fmt, tmp_path / name)
        if fmt == "csv":
            with zipfile.ZipFile(path) as zf:
                out[fmt] = "\n".join(zf.read(n).decode() for n in zf.namelist())
        elif fmt == "xlsx":
            out[fmt] = xlsx_text(path)
        else:
            out[fmt] = path.read_text(encoding="utf-8")
    return out


# --- xlsx -------------------------------------------------------------------------------------

def test_xlsx_has_its_sheets_typed_numbers_and_a_chart(anonymous, tmp_path):
    path = export(anonymous, "xlsx", tmp_path / "demo.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Chart", "Ballots", "Notes", "Actions", "Sources", "Session"]

    summary = book["Summary"]
    header = [c.value for c in summary[1]]
    assert header == ["number", "id", "theme", "statement", "Council mean", "Council n", "Council don't know",
                      "VCS mean", "VCS n", "VCS don't know", "gap (VCS − Council)", "flags", "note"]
    assert summary.freeze_panes == "A2"
    assert summary.column_dimensions["D"].width >= 40
    rows = {r[1]: r for r in summary.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 10
    # Council 4, 5, 4 and a don't know; VCS 2, 1, 2, 3 and two don't knows: means as the reports show them.
    assert rows[CHALLENGE][:1] + rows[CHALLENGE][4:12] == (1, 4.3, 3, 1, 2.0, 4, 2, -2.3, "blind spot")
    assert all(isinstance(v, (int, float)) for v in rows[CHALLENGE][4:11])
    # Two council scores on principle 4: the mean is empty, with a note, and so is the gap.
    suppressed = summary.cell(row=5, column=5)
    assert summary.cell(row=5, column=2).value == PRESSURES
    assert suppressed.value is None and suppressed.comment.text.strip() == "too few to show"
    assert rows[PRESSURES][7:13] == (1.7, 3, 0, None, "thin", "Council: too few to show")
    # The chart has a sheet of its own, so it prints on a page of its own.
    assert not summary._charts and len(book["Chart"]._charts) == 1

    ballots = book["Ballots"]
    # Anonymous: no time or mode (they could point to a person), ballots in score order.
    assert [c.value for c in ballots[1]] == ["number", "principle", "group", "score"]
    cells = list(ballots.iter_rows(min_row=2, values_only=True))
    assert len(cells) == 20
    scores = [r[3] for r in cells]
    assert scores.count("dk") == 3 and all(isinstance(s, int) or s == "dk" for s in scores)
    assert [r[3] for r in cells if r[1] == CHALLENGE and r[2] == "VCS"] == [1, 2, 2, 3, "dk", "dk"]
    # The suppressed group's single scores are left out, as in every export: they would give its mean away.
    assert not [r for r in cells if r[1] == PRESSURES and r[2] == "Council"]
    assert ballots.freeze_panes == "A2"

    notes = book["Notes"]
    assert [c.value for c in notes[1]][:3] == ["number", "principle", "note"]
    formula_like = notes.cell(row=3, column=3)
    assert formula_like.data_type == "s" and formula_like.value.startswith("=SUM(A1)")
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert actions[0][:6] == ("number", "principle", "action", "owner", "due", "status")
    assert actions[1][:6] == (1, CHALLENGE, "Draft a protocol on challenge", "Council", dt.datetime(2027, 3, 31),
                              "open")
    assert actions[2][2:7] == ("Share the grants timetable", "VCS forum", "spring", "done", "sent in January")

    sources = list(book["Sources"].iter_rows(values_only=True))
    assert sources[0] == ("number", "principle", "source", "quote", "file")
    assert sources[1] == (1, CHALLENGE, "They must find common cause and not fall out",
                          "accepting the right of the VCS to challenge and sometimes oppose their decisions",
                          "000_ae2313d723949e10.txt")
    assert len(sources) - 1 == sum(len(r.principle.sources) for r in anonymous.results)


# --- privacy ----------------------------------------------------------------------------------

def test_anonymous_session_exports_hold_no_names_or_participant_ids(anonymous, store, tmp_path):
    ids = {b.participant for b in anonymous.ballots} | {p for p, _, _ in store.participants(anonymous.session.id)}
    assert len(ids) > 20
    for fmt, content in export_all(anonymous, tmp_path).items():
        for name in ROSTER_NAMES:
            assert name not in content, (fmt, name)
        assert not [i for i in ids if i in content], fmt
        assert "participant" not in content.lower() or fmt in ("md", "html"), fmt


def test_named_session_keeps_names_in_ballot_exports(named, store, tmp_path):
    content = export_all(named, tmp_path)
    for fmt in ("csv", "json", "xlsx"):
        assert all(n in content[fmt] for n in ROSTER_NAMES), fmt
    ballots = json.loads(content["json"])["ballots"]
    assert sorted((b["participant"], b["score"]) for b in ballots) == [("A. Patel", 4), ("B. Khan", "dk"),
                                                                        ("S. Okafor", 2)]
    sheet = openpyxl.load_workbook(tmp_path / "data.xlsx")["Ballots"]
    assert sheet.cell(row=1, column=7).value == "participant"
    assert sorted(r[6] for r in sheet.iter_rows(min_row=2, values_only=True)) == sorted(ROSTER_NAMES)
    # Participant ids stay internal even when names are shown.
    ids = {p for p, _, _ in store.participants(named.session.id)}
    assert not [i for fmt in content for i in ids if i in content[fmt]]


# --- html -------------------------------------------------------------------------------------

def test_html_report_is_self_contained_and_holds_every_principle(anonymous, tmp_path):
    html = export(anonymous, "html", tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    words = page.words
    assert "script" not in page.tags and "<script" not in html.lower()
    assert not [link for link in page.links if not link.startswith("#")], page.links
    assert not re.search(r"https?:|//[a-z]|url\(|@import", html, re.I)
    # The gap chart (in blocks that each fit a printed page), then one distribution per group it may show.
    shown = sum(1 for r in anonymous.results for s in r.groups.values() if s.ballots and not s.suppressed)
    blocks = html.count('aria-label="Gap per principle: VCS − Council"')
    assert blocks in (1, 2) and page.tags.count("svg") == blocks + shown and shown == 5
    css = "".join(page.styles)
    assert "@page" in css and "size: A4" in css and "break-inside: avoid" in css

    for r in anonymous.results:
        assert r.principle.statement in words
        for s in r.principle.sources:
            assert f"{' '.join(s.quote.split())} — {s.title}" in words  # the quote, then the text's title
    assert ".txt" not in words  # file names only where a text has no title
    assert "Northshire Partnership Health Check (demo)" in words
    assert "VCS rates this 2.3 lower than Council" in words
    assert "Council: mean 4.3" in words and "VCS: mean 2.0" in words and "n 4 · 2 don't know" in words
    assert "−2.3" in words and "+0.2" in words  # gap values written as text in the chart
    # Principle 1's council distribution: score, words and count as text (two 4s, one 5, one dk).
    block = words[words.index("1. The council accepts"):words.index("2. The council respects")]
    assert "4 Mostly true 2" in block and "5 Completely true 1" in block and "dk Don't know 1" in block
    assert "Council: too few to show" in words  # principle 4
    for heading in ("Who took part", "Summary", "Shared strengths", "Shared concerns", "Blind spots", "Notes",
                    "Actions", "Source"):
        assert heading in words
    assert "Draft a protocol on challenge Council 2027-03-31 open" in words
    assert "Council 9 4" in words and "VCS 13 6" in words  # ballots per group, most on one principle


def test_html_escapes_what_people_typed(store, demo_plan, tmp_path):
    session = store.import_ballots(demo_plan, "", read_votes(VOTES, demo_plan))
    store.add_note(session.id, '<img src="http://x.test/a.png"> & <script>alert(1)</script>')
    html = export(load_record(store, session.id), "html", tmp_path / "r.html").read_text()
    page = Page(html)
    assert "img" not in page.tags and "script" not in page.tags
    assert '<img src="http://x.test/a.png"> & <script>alert(1)</script>' in page.words


# --- markdown ---------------------------------------------------------------------------------

def test_markdown_report_has_summary_table_actions_and_sources(anonymous, tmp_path):
    md = export(anonymous, "md", tmp_path / "report.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    assert lines[0] == "# Northshire Partnership Health Check (demo)"
    assert "- **Date:** 3 December 2026" in lines and "- **Locality:** Northshire" in lines
    assert "- Council: 9 ballots, up to 4 on one principle" in lines
    for heading in ("## Who took part", "## Summary", "### Shared strengths", "### Shared concerns",
                    "### Blind spots", "## Every principle", "## Notes", "## Actions", "## Sources"):
        assert heading in lines, heading
    blind = lines[lines.index("### Blind spots"):lines.index("## Every principle")]
    assert any("VCS rates this 2.3 lower than Council" in line and line.startswith("- **1. ") for line in blind)
    strengths = lines[lines.index("### Shared strengths"):lines.index("### Shared concerns")]
    assert any(line.startswith("- **5. The council keeps giving grants to the VCS") for line in strengths)

    table = [line for line in lines if line.startswith("| ")]
    assert table[0] == "| # | Principle | Council | VCS | Gap (VCS − Council) | Flags |"
    rows = [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in table[1:11]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 11)]
    assert rows[0][2:] == ["4.3 (n 3, 1 dk)", "2.0 (n 4, 2 dk)", "−2.3", "blind spot"]
    assert rows[3][2:4] == ["too few to show", "1.7 (n 3)"]
    assert rows[4][4] == "+0.2"
    assert "| Draft a protocol on challenge | Council | 2027-03-31 | open | 1 |" in lines
    assert "| Share the grants timetable | VCS forum | spring | done (sent in January) | – |" in lines
    assert "- (on 1) VCS members said challenge is read as disloyalty." in lines
    assert "- =SUM(A1) | a note that looks like a formula and has a pipe" in lines
    quote = lines.index("> accepting the right of the VCS to challenge and sometimes oppose their decisions  ")
    assert lines[quote + 1] == "> — *They must find common cause and not fall out*"
    assert ".txt" not in md


# --- comparisons and trends -------------------------------------------------------------------

def test_comparison_in_every_report_format(store, earlier, anonymous, tmp_path):
    # Named later-first: the record still runs earlier -> later.
    comparison = load_comparison(store, anonymous.session.id, earlier.session.id)
    data = json.loads(export_comparison(comparison, "json", tmp_path / "c.json").read_text())
    assert (data["before"]["date"], data["after"]["date"]) == ("2025-12-03", "2026-12-03")
    first, second = data["principles"][:2]
    # Grants: gap -1.0 -> +0.167 moves 1.167; challenge: -3.333 -> -2.333 moves 1.0 (JSON: full precision).
    assert (first["id"], first["gap_before"], first["gap_after"], first["gap_change"]) == (GRANTS, -1.0, 0.167, 1.167)
    assert first["groups"]["council"] == {"before": 3.0, "after": 4.333, "change": 1.333}
    assert (second["id"], second["number"], second["wording_changed"], second["statement_before"]) == (
        CHALLENGE, 1, True, OLD_WORDING)
    assert second["groups"]["vcs"] == {"before": 1.333, "after": 2.0, "change": 0.667}
    assert (second["gap_before"], second["gap_after"]) == (-3.333, -2.333)
    assert not first["wording_changed"]
    # The file holds everything `workshop compare --json` prints, and a little more.
    shown = comparison_data(comparison)
    assert all(data["principles"][i] | p == data["principles"][i] for i, p in enumerate(shown["principles"]))
    assert data["before"] | shown["before"] == data["before"]

    md = export_comparison(comparison, "md", tmp_path / "c.md").read_text()
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert table[0] == "| # | Principle | Council | VCS | Gap |"
    assert table[1].startswith("| 5 | The council keeps giving grants to the VCS")
    # The reports show the means at one decimal, and every move and gap from the means as shown:
    # then 4.7 and 1.3 make a gap of −3.4 (not the −3.3 of −3.333), and 4.7 → 4.3 moved −0.4.
    assert table[1].endswith("| 3.0 → 4.3 ↑ +1.3 | 2.0 → 4.5 ↑ +2.5 | −1.0 → +0.2 narrower by 0.8, reversed |")
    assert table[2].endswith("| 4.7 → 4.3 ↓ −0.4 | 1.3 → 2.0 ↑ +0.7 | −3.4 → −2.3 narrower by 1.1 |")
    assert "† |" in table[2] and OLD_WORDING in md

    words = Page(export_comparison(comparison, "html", tmp_path / "c.html").read_text()).words
    assert "3.0 → 4.3 ↑ +1.3" in words and "−3.4 → −2.3 narrower by 1.1" in words
    assert ARROW_LEGEND in words and ARROW_LEGEND in md
    assert "wording changed then: “" + OLD_WORDING in words
    assert words.index("The council keeps giving grants") < words.index("The council accepts the right")


@pytest.fixture
def spring(store, demo_plan):
    """Between the two, a session that asked only about grants: council 4 4 4, VCS 2 2 2, gap -2.0."""
    plan = dataclasses.replace(demo_plan, title="Grants check", date=dt.date(2026, 6, 1),
                               principles=tuple(p for p in demo_plan.principles if p.id == GRANTS))
    ballots = [Ballot(GRANTS, g, s) for g, scores in (("council", [4, 4, 4]), ("vcs", [2, 2, 2])) for s in scores]
    return load_record(store, store.import_ballots(plan, "", ballots).id)


def test_trend_in_every_report_format(store, earlier, spring, anonymous, tmp_path):
    trend = load_trend(store, "Northshire")
    data = json.loads(export_trend(trend, "json", tmp_path / "t.json").read_text())
    assert [s["date"] for s in data["sessions"]] == ["2025-12-03", "2026-06-01", "2026-12-03"]
    by_id = {p["id"]: p for p in data["principles"]}
    # One point per session for every principle, lined up with the sessions; the spring one only asked grants.
    assert all([p["session"] for p in t["points"]] == [s["id"] for s in data["sessions"]] for t in data["principles"])
    assert [(p["asked"], p["gap"]) for p in by_id[CHALLENGE]["points"]] == [(True, -3.333), (False, None),
                                                                            (True, -2.333)]
    assert [p["means"]["council"] for p in by_id[GRANTS]["points"]] == [3.0, 4.0, 4.333]
    assert [p["gap"] for p in by_id[GRANTS]["points"]] == [-1.0, -2.0, 0.167]
    assert by_id[CHALLENGE]["statement"] != OLD_WORDING  # the latest wording
    shown = trend_data(trend)  # what `workshop trend --json` prints: all of it is in the file
    assert all(data["principles"][i] | p == data["principles"][i] for i, p in enumerate(shown["principles"]))
    assert all(data["sessions"][i] | row == data["sessions"][i] for i, row in enumerate(shown["sessions"]))

    md = export_trend(trend, "md", tmp_path / "t.md").read_text()
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert table[0] == "| # | Principle | 2025-12-03 | 2026-06-01 | 2026-12-03 | Trend |"
    # On −4..+4, step round((gap + 4) / 8 * 7) of ▁▂▃▄▅▆▇█: −3.3 and −2.3 are ▂, −2.0 ▃, −1.0 ▄, +0.2 ▅.
    # Each gap from the means as shown: 4.7 and 1.3 then, so −3.4 where JSON has −3.333.
    assert table[1].endswith("| −3.4 | · | −2.3 | ▂·▂ |")
    assert table[5].endswith("| −1.0 | −2.0 | +0.2 | ▄▃▅ |")
    assert table[2].endswith("| – | · | – | –·– |")  # the trend marks what the values mark
    assert "· the session did not include the principle" in md

    html = export_trend(trend, "html", tmp_path / "t.html").read_text()
    page = Page(html)
    assert page.tags.count("svg") == 2 and "polyline" in page.tags  # principles 1 and 5 have gaps
    assert "No gap in any session yet." in page.words
    assert "2025-12-03: −3.4; 2026-06-01: ·; 2026-12-03: −2.3" in page.words
    assert "2025-12-03: −1.0; 2026-06-01: −2.0; 2026-12-03: +0.2" in page.words


def test_trend_reports_tell_apart_sessions_on_the_same_day(store, earlier, anonymous, demo_plan, tmp_path):
    again = store.import_ballots(demo_plan, "", read_votes(VOTES, demo_plan)).id
    trend = load_trend(store, "Northshire")
    first = anonymous.session.id
    size = 4
    while first[:size] == again[:size]:
        size += 1
    labels = ["2025-12-03", f"2026-12-03 {first[:size]}", f"2026-12-03 {again[:size]}"]
    assert trend.labels == labels
    md = export_trend(trend, "md", tmp_path / "t.md").read_text()
    assert f"| # | Principle | {' | '.join(labels)} | Trend |" in md.splitlines()
    assert [s["label"] for s in json.loads(export_trend(trend, "json", tmp_path / "t.json").read_text())["sessions"]] \
        == labels
    words = Page(export_trend(trend, "html", tmp_path / "t.html").read_text()).words
    assert f"{labels[1]}: −2.3; {labels[2]}: −2.3" in words


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_a_locality_with_no_sessions_still_writes_a_trend(store, fmt, tmp_path):
    assert export_trend(load_trend(store, "Nowhere"), fmt, tmp_path / f"t.{fmt}").stat().st_size > 0


# --- writing safely ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "md", "html"])
def test_exports_replace_files_whole_and_leave_nothing_behind(anonymous, tmp_path, fmt):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / f"out.{fmt}"
    target.write_text("old")
    export(anonymous, fmt, target)
    assert target.read_bytes() != b"old" and sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    with pytest.raises(ExportError, match="no such folder"):
        export(anonymous, fmt, tmp_path / "missing" / f"out.{fmt}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_report_exporters_do_not_import_textual():
    code = ("import sys\nimport workshop.export.xlsx, workshop.export.md, workshop.export.html\n"
            "import workshop.export.report, workshop.export.charts\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'aiohttp')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- a real browser ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium)")
def test_chromium_renders_the_report_to_png_and_pdf(anonymous, tmp_path):
    report = export(anonymous, "html", tmp_path / "report.html")
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]
    for flags in ([f"--screenshot={png}", "--window-size=1000,1400"], [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"]):
        profile = tmp_path / f"profile-{len(flags)}-{flags[0][2:7]}"
        result = subprocess.run(base + [f"--user-data-dir={profile}"] + flags + [report.as_uri()],
                                capture_output=True, timeout=60)
        assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    assert 3 <= pages <= 12


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab -\t\n\r\x0b"))), st.floats(min_value=0, max_value=12))
def test_a_cell_measured_on_the_short_path_gets_the_height_textwrap_gives(text, width):
    """Row heights are found for every cell of every sheet; a cell that plainly fits is counted as
    one line without wrapping it, which must be what wrapping it gives."""
    from textwrap import wrap

    from workshop.export.xlsx import _lines

    chars = max(int(width), 1)
    wrapped = sum(len(wrap(part, chars, break_long_words=True, break_on_hyphens=True)) or 1 for part in text.split("\n"))
    assert _lines(text, width) == wrapped
