"""One wording everywhere: the Markdown, HTML and Excel reports and the compare screen read the same figures.

Two real sessions of one locality, three groups, and the catalogue's longest statements: means that
round half away from zero (3.25 shows 3.3), a gap shown as the difference of the means shown (3.4
and 1.8 make 1.6, where the raw gap −1.694 would round to 1.7), and a gap that widens −1.0 → −2.0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest

from conftest import screen_text, settle
from workshop.inputs.catalogue import default_catalogue
from workshop.export import export, export_comparison, export_trend
from workshop.model import Ballot
from workshop.inputs.plan import parse_plan
from workshop.session.records import load_comparison, load_record, load_trend
from workshop.store import Store
from workshop.tui.app import WorkshopApp
from workshop.tui.screens.compare import CompareScreen
from workshop.tui.screens.trend import TrendScreen
from workshop.wording import ARROW_LEGEND, GAP_LEGEND, MINUS

LONGEST = [p for p in sorted(default_catalogue().principles, key=lambda p: -len(p.statement))[:5]]
WIDENS, SHOWN, HIDDEN = (p.id for p in LONGEST[:3])  # the three principles with ballots

PLAN = f"""\
title: Southvale Partnership Check
date: 2026-11-05
locality: Southvale
groups: [council, vcs, {{id: health, name: Health partners}}]
anonymous: true
min_group_size: 3
scale: {{min: 1, max: 5, dont_know: true}}
principles: {{ids: [{", ".join(p.id for p in LONGEST)}]}}
modes: [cards]
"""

LATER = {  # 2026
    (WIDENS, "council"): [3, 3, 3, 4], (WIDENS, "vcs"): [1, 1, 1, 2], (WIDENS, "health"): [4, 4, 4],  # 3.25, 1.25
    (SHOWN, "council"): [4, 4, 4, 4, 3, 3, 3, 3, 3], (SHOWN, "vcs"): [1, 2, 2, 2], (SHOWN, "health"): [5],  # 3.44, 1.75
    (HIDDEN, "council"): [4, 4], (HIDDEN, "vcs"): [2, 2, 2], (HIDDEN, "health"): [3],
}
EARLIER = {  # 2025: both gaps −1.0
    (WIDENS, "council"): [3, 3, 3], (WIDENS, "vcs"): [2, 2, 2], (WIDENS, "health"): [4, 4, 4],
    (SHOWN, "council"): [3, 3, 3], (SHOWN, "vcs"): [2, 2, 2],
}
NUMBER = {p.id: i for i, p in enumerate(LONGEST, 1)}
WIDER = f"{MINUS}1.0 → {MINUS}2.0 wider by 1.0"  # the widening gap, word for word, in every output


@pytest.fixture
def sessions(store):
    plan = parse_plan(PLAN)
    ids = []
    for year, votes in ((2025, EARLIER), (2026, LATER)):
        dated = dataclasses.replace(plan, date=dt.date(year, 11, 5))
        ballots = [Ballot(p, g, s) for (p, g), scores in votes.items() for s in scores]
        ids.append(store.import_ballots(dated, PLAN, ballots).id)
    return ids


class Page(HTMLParser):
    """The visible words of a page, and the text of each SVG's <text> elements per chart."""

    def __init__(self, html: str):
        super().__init__()
        self.text: list[str] = []
        self.charts: dict[str, list[str]] = {}
        self._chart: list[str] | None = None
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        if tag == "svg":
            self._chart = self.charts.setdefault(dict(attrs).get("aria-label", ""), [])

    def handle_endtag(self, tag):
        self._in_style = False
        if tag == "svg":
            self._chart = None

    def handle_data(self, data):
        if self._in_style:
            return
        self.text.append(data)
        if self._chart is not None:
            self._chart.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def column_text(screen: str, heading: str, next_heading: str) -> str:
    """The words a table column holds on screen, read down from its heading, lines joined."""
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if heading in line and next_heading in line)
    start, end = lines[top].index(heading), lines[top].index(next_heading)
    return " ".join(" ".join(line[start:end] for line in lines[top + 1:]).split())


def md_rows(md: str) -> dict[str, list[str]]:
    """Each Markdown table row by its first cell (the principle's number)."""
    rows = {}
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("| #"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[cells[0]] = cells
    return rows


# --- a session's report ---------------------------------------------------------------------

def test_every_session_report_shows_the_same_rounded_means_and_the_gap_between_them(store, sessions, tmp_path):
    record = load_record(store, sessions[1])
    md = export(record, "md", tmp_path / "r.md").read_text()
    rows = md_rows(md)
    assert f"| # | Principle | Council | VCS | Health partners | Gap (VCS {MINUS} Council) | Flags |" in md
    # 3.25 shows 3.3 and 1.25 shows 1.3 (half away from zero), and the gap is 1.3 − 3.3.
    assert rows["1"][2:6] == ["3.3 (n 4)", "1.3 (n 4)", "4.0 (n 3)", f"{MINUS}2.0"]
    # 3.44 and 1.75 show 3.4 and 1.8: the gap shown is −1.6, never the −1.7 of the raw −1.694.
    # Health has one score: too few to show, and it makes nothing about Council and VCS thin.
    assert rows["2"][2:7] == ["3.4 (n 9)", "1.8 (n 4)", "too few to show", f"{MINUS}1.6", "blind spot"]
    assert rows["3"][2:6] == ["too few to show", "2.0 (n 3)", "too few to show", "–"]
    assert "VCS rates this 1.6 lower than Council" in md and "1.7" not in md

    words = Page(export(record, "html", tmp_path / "r.html").read_text()).words
    block = words[words.index(f"2. {LONGEST[1].statement}"):words.index(f"3. {LONGEST[2].statement}")]
    assert "VCS rates this 1.6 lower than Council (gap −1.6)" in block
    assert "Council: mean 3.4" in block and "VCS: mean 1.8" in block and "Health partners: too few to show" in block
    assert "thin" not in block and "blind spot" in block
    # Only the compared pair is named when there is no gap: Health partners are hidden too, but not compared.
    block = words[words.index(f"3. {LONGEST[2].statement}"):words.index(f"4. {LONGEST[3].statement}")]
    assert "No gap: Council has too few scores to show." in block and "Health partners have" not in block
    assert f"Gaps: VCS {MINUS} Council" in words

    book = openpyxl.load_workbook(export(record, "xlsx", tmp_path / "r.xlsx"))
    sheet = book["Summary"]
    header = [c.value for c in sheet[1]]
    cols = [header.index(h) for h in ("Council mean", "VCS mean", "Health partners mean", f"gap (VCS {MINUS} Council)")]
    cells = {r[0].value: [r[c] for c in cols] for r in sheet.iter_rows(min_row=2)}
    assert [c.value for c in cells[1]] == [3.3, 1.3, 4.0, -2.0]
    assert [c.value for c in cells[2]] == [3.4, 1.8, None, -1.6]
    assert cells[1][0].number_format == "0.0" and cells[1][3].number_format == "+0.0;-0.0;0.0"


def test_the_html_gap_chart_labels_each_bar_with_the_gap_shown_and_names_the_pair(store, sessions, tmp_path):
    page = Page(export(load_record(store, sessions[1]), "html", tmp_path / "r.html").read_text())
    charts = [words for label, words in page.charts.items() if label.startswith("Gap per principle")]
    assert charts and all(label == f"Gap per principle: VCS {MINUS} Council"
                          for label in page.charts if label.startswith("Gap per principle"))
    chart = " ".join(" ".join(w for block in charts for w in block).split())
    assert f"{MINUS}2.0" in chart and f"{MINUS}1.6" in chart and f"{MINUS}1.7" not in chart
    assert "No gap: Council has too few scores to show" in chart and "Health" not in chart


# --- statements whole -----------------------------------------------------------------------

def test_the_longest_statements_are_whole_in_the_html_gap_chart(store, sessions, tmp_path):
    page = Page(export(load_record(store, sessions[1]), "html", tmp_path / "r.html").read_text())
    chart = " ".join(" ".join(w for label, words in page.charts.items() if label.startswith("Gap per principle")
                              for w in words).split())
    for p in LONGEST:
        assert p.statement in chart, p.statement  # every word, in order, nothing cut
    assert "…" not in chart


def everything_written(store, sessions, tmp_path) -> dict[str, str]:
    """Every file every exporter writes for these sessions, as text."""
    record = load_record(store, sessions[1])
    out = {}
    for fmt, name in (("csv", "d.zip"), ("json", "d.json"), ("xlsx", "d.xlsx"), ("md", "r.md"), ("html", "r.html")):
        path = export(record, fmt, tmp_path / name)
        if fmt in ("csv", "xlsx"):
            with zipfile.ZipFile(path) as zf:
                out[fmt] = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
        else:
            out[fmt] = path.read_text()
    comparison = load_comparison(store, *sessions)
    trend = load_trend(store, "Southvale")
    for fmt in ("md", "html", "json"):
        out[f"comparison.{fmt}"] = export_comparison(comparison, fmt, tmp_path / f"c.{fmt}").read_text()
        out[f"trend.{fmt}"] = export_trend(trend, fmt, tmp_path / f"t.{fmt}").read_text()
    return out


def test_no_export_cuts_a_statement_or_a_flag(store, sessions, tmp_path):
    quotes = {s.quote for p in LONGEST for s in p.sources}
    for name, content in everything_written(store, sessions, tmp_path).items():
        if name in ("json", "comparison.json", "trend.json"):
            content = json.dumps(json.loads(content), ensure_ascii=False)
        for quote in quotes:  # a source's verbatim quote may itself leave words out with "…"
            content = content.replace(quote, "").replace(json.dumps(quote, ensure_ascii=False)[1:-1], "")
        assert "…" not in content, name
        flat = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())
        for p in LONGEST:
            assert " ".join(p.statement.split()) in flat.replace("\\|", "|"), (name, p.id)


# --- comparing the two sessions -------------------------------------------------------------

def test_a_widening_gap_reads_the_same_in_every_comparison_report(store, sessions, tmp_path):
    comparison = load_comparison(store, *sessions)
    md = export_comparison(comparison, "md", tmp_path / "c.md").read_text()
    rows = md_rows(md)
    assert rows["1"][2:] == ["3.0 → 3.3 ↑ +0.3", f"2.0 → 1.3 ↓ {MINUS}0.7", "4.0 → 4.0 = 0.0", WIDER]
    assert rows["2"][2:] == ["3.0 → 3.4 ↑ +0.4", "2.0 → 1.8 ↓ −0.2", "–", f"{MINUS}1.0 → {MINUS}1.6 wider by 0.6"]
    assert ARROW_LEGEND in md and GAP_LEGEND in md and f"Gap = VCS {MINUS} Council" in md

    words = Page(export_comparison(comparison, "html", tmp_path / "c.html").read_text()).words
    for cells in (rows["1"], rows["2"]):
        assert " ".join(cells[1:]) in words  # the statement, then every move, as in the Markdown
    assert ARROW_LEGEND in words and GAP_LEGEND in words

    data = json.loads(export_comparison(comparison, "json", tmp_path / "c.json").read_text())
    shown = {p["id"]: p for p in data["principles"]}[SHOWN]
    assert (shown["gap_before"], shown["gap_after"]) == (-1.0, -1.694)  # JSON keeps the precision


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_compare_screen_words_the_moves_as_the_reports_do(db_path, sessions, size):
    app = WorkshopApp(Store(db_path))
    async with app.run_test(size=size) as pilot:
        await app.push_screen(CompareScreen(*sessions))
        await settle(pilot)  # read in a worker
        assert isinstance(app.screen, CompareScreen)
        text = screen_text(app)
        flat = " ".join(text.split())
        if size[0] >= 100:  # each move on one line
            assert "3.0 → 3.3 ↑ +0.3" in text and f"2.0 → 1.3 ↓ {MINUS}0.7" in text and WIDER in text
        else:  # then → now, and under it how it moved
            assert re.search(f"{MINUS}1\\.0 → {MINUS}2\\.0 +\n.*wider by 1\\.0", text)
            assert "3.0 → 3.3" in text and "↑ +0.3" in text
        assert ARROW_LEGEND in flat and GAP_LEGEND in flat and f"Gap = VCS {MINUS} Council" in flat
        assert "…" not in text
        # Each statement on screen is whole in its column, however many lines it takes.
        column = column_text(text, "Principle", "Council")
        assert all(" ".join(p.statement.split()) in column for p in LONGEST[:2 if size[0] >= 100 else 1])
        # Every group's heading and the gap's, "Health partners" wrapped over two lines at 80 columns.
        assert "Health" in text and "partners" in text and text.split("changed.")[1].count("then → now") == 4


async def test_the_trend_screen_shows_each_gap_as_the_reports_do(db_path, sessions, tmp_path):
    app = WorkshopApp(Store(db_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(TrendScreen("Southvale"))
        await settle(pilot)  # read in a worker
        text = screen_text(app)
        assert re.search(f"{MINUS}1\\.0 +{MINUS}2\\.0", text) and re.search(f"{MINUS}1\\.0 +{MINUS}1\\.6", text)
        assert "…" not in text
        flat = " ".join(text.split())
        assert all(word in flat for p in LONGEST for word in p.statement.split())
    with Store(db_path) as store:
        md = export_trend(load_trend(store, "Southvale"), "md", tmp_path / "t.md").read_text()
    assert md_rows(md)["2"][2:4] == [f"{MINUS}1.0", f"{MINUS}1.6"]


def test_the_phone_page_rounds_a_revealed_mean_as_the_reports_do():
    from workshop.analytics import principle_result
    from workshop.web.page import View, view_html

    plan = parse_plan(PLAN)
    principle = plan.principles[0]
    ballots = [Ballot(principle.id, g, s) for (p, g), scores in LATER.items() if p == principle.id for s in scores]
    result = principle_result(principle, ballots, plan)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", view_html(View(plan, principle, 1, False, "", result)))).split())
    assert "Mean 3.3 from 4 scores" in words and "Mean 1.3 from 4 scores" in words  # 3.25 and 1.25
    assert "VCS rates this 2.0 lower than Council" in words


# --- no gap: the compared pair, and only it -------------------------------------------------

@pytest.mark.parametrize("pair, counts, said", [
    # The case: Council and Health partners both have too few, the gap is Council's and VCS's.
    (("council", "vcs"), (2, 5, 2), "No gap: Council has too few scores to show"),
    (("council", "vcs"), (2, 2, 2), "No gap: Council and VCS have too few scores to show"),
    (("council", "vcs"), (5, 5, 2), "VCS rates this 2.0 lower than Council"),
    (("vcs", "health"), (2, 5, 2), "No gap: Health partners have too few scores to show"),
    (("vcs", "health"), (2, 5, 5), "Health partners rate this 1.0 higher than VCS"),
    (("council", "health"), (5, 2, 0), "No gap: no scores from Health partners yet"),
])
def test_a_missing_gap_names_only_the_compared_pair_in_the_report(pair, counts, said, tmp_path):
    """Council scores 4, VCS 2, Health partners 3; a result needs three scores; the plan's first two are compared."""
    names = {"council": "council", "vcs": "vcs", "health": "{id: health, name: Health partners}"}
    order = list(pair) + [g for g in names if g not in pair]
    plan = parse_plan(f"title: T\ndate: 2026-11-05\ngroups: [{', '.join(names[g] for g in order)}]\n"
                      "anonymous: true\nmin_group_size: 3\nscale: {min: 1, max: 5}\n"
                      "principles: {ids: [council-is-frank-with-vcs]}\nmodes: [cards]\n")
    votes = [Ballot("council-is-frank-with-vcs", g, score) for g, n, score in zip(
        ("council", "vcs", "health"), counts, (4, 2, 3)) for _ in range(n)]
    with Store(tmp_path / "w.db") as store:
        record = load_record(store, store.import_ballots(plan, "", votes).id)
    page = Page(export(record, "html", tmp_path / "r.html").read_text())
    chart = " ".join(" ".join(w for label, words in page.charts.items() if label.startswith("Gap per principle")
                              for w in words).split())
    # The principle's page, and the gap chart where it has words instead of a bar.
    for shown in (page.words, chart) if said.startswith("No gap") else (page.words,):
        assert said in shown
        left_out = "Health partners" if "health" not in pair else "VCS" if "vcs" not in pair else "Council"
        assert f"{left_out} has" not in shown and f"{left_out} have" not in shown
