"""The exports printed the way a board member prints them, read back with poppler: the xlsx through
LibreOffice Calc, the HTML report through Debian's chromium.

Spreadsheets never refit the rows a library wrote, so a row too short for its wrapped statement
prints line over line; these tests look at the printed words themselves: whole, not overlapping,
each sheet's width on one page, and the chart on a page of its own.
"""

from __future__ import annotations

import random
import textwrap
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, REPO

from workshop.export import export
from workshop.inputs.ballots_csv import read_votes
from workshop.inputs.plan import load_plan
from workshop.model import Ballot
from workshop.session.records import load_record
from workshop.store import Store

# Its tests share an expensive module fixture: under xdist they run on one worker.
pytestmark = pytest.mark.xdist_group("export_print")

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CONVERT_SECONDS = 180  # soffice can hang on a bad profile; a test must end


@dataclass
class Page:
    sheet: str  # the sheet's name, from the footer every sheet prints
    text: str  # the words in reading order, one space apart
    words: list[tuple[float, float, float, float, str]]  # xMin, yMin, xMax, yMax, word


def _print_to_pdf(xlsx: Path, out: Path) -> list[Page]:
    """The workbook converted by LibreOffice Calc with a profile of its own, as pages of words."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-calc poppler-utils)")
    profile = out / "lo-profile"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                          capture_output=True, text=True, timeout=CONVERT_SECONDS)
    pdf = out / xlsx.with_suffix(".pdf").name
    assert done.returncode == 0 and pdf.exists(), done.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for words_text, page in zip(text.split("\f"), boxes.split("<page ")[1:]):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        footer = [w for *_, w in sorted((w for w in words if w[1] > height * 0.9), key=lambda w: w[0])]
        pages.append(Page(footer[0] if footer else "", " ".join(words_text.split()), words))
    return pages


def _overlapping(words) -> list[tuple[str, str]]:
    """Pairs of words printed over each other (lines of one cell may touch, never cover each other)."""
    found = []
    for i, (x0, y0, x1, y1, w) in enumerate(words):
        for a0, b0, a1, b1, v in words[i + 1:]:
            wide, tall = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
            if wide > 0.5 and tall > 0.5 * min(y1 - y0, b1 - b0):
                found.append((w, v))
    return found


def _touching(words) -> list[tuple[str, str]]:
    """Neighbours on one printed line closer than a space: a number right-aligned against the text of
    the next column reads as one word with it ('10local-compact...', '-0.7shared concern')."""
    lines: dict[int, list] = {}
    for word in words:
        lines.setdefault(round(word[1]), []).append(word)
    found = []
    for line in lines.values():
        line.sort()
        for (_, y0, x1, y1, w), (a0, *_, v) in zip(line, line[1:]):
            if -0.5 < a0 - x1 < 0.18 * (y1 - y0):  # a space in these fonts is about 0.22 of the line
                found.append((w, v))
    return found


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def long_record(tmp_path_factory):
    """The full example plan (39 principles, three groups) with ballots on every principle."""
    tmp = tmp_path_factory.mktemp("long")
    plan, text = load_plan(REPO / "sessions" / "example-full.yaml")
    rnd = random.Random(15)
    ballots = [Ballot(p.id, g.id, rnd.choice([1, 2, 3, 4, 5, None]))
               for p in plan.principles for g in plan.groups for _ in range(2 if g.id == "health" else 6)]
    with Store(tmp / "workshop.db") as store:
        return load_record(store, store.import_ballots(plan, text, ballots).id)


@pytest.fixture(scope="module")
def demo_record(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    plan, text = load_plan(REPO / "sessions" / "demo.yaml")
    with Store(tmp / "workshop.db") as store:
        return load_record(store, store.import_ballots(plan, text, read_votes(DATA / "votes" / "demo-votes.csv",
                                                                               plan)).id)


@pytest.fixture(scope="module")
def long_session(long_record, tmp_path_factory):
    """The long session, printed."""
    tmp = tmp_path_factory.mktemp("long-print")
    return long_record, _print_to_pdf(export(long_record, "xlsx", tmp / "long.xlsx"), tmp)


@pytest.fixture(scope="module")
def demo_session(demo_record, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo-print")
    return demo_record, _print_to_pdf(export(demo_record, "xlsx", tmp / "demo.xlsx"), tmp)


@pytest.fixture(params=["demo_session", "long_session"])
def printed(request):
    return request.getfixturevalue(request.param)


def test_every_statement_and_id_prints_whole_and_nothing_prints_over_anything(printed):
    record, pages = printed
    summary = [p for p in pages if p.sheet == "Summary"]
    assert summary
    text = _plain(" ".join(p.text for p in summary))
    for r in record.results:
        # An id cut or wrapped at a hyphen would not read back as one word.
        assert _plain(r.principle.statement) in text and f" {r.principle.id} " in f" {text} "
    for page in pages:
        assert not _overlapping(page.words), page.sheet


def test_no_value_prints_against_the_column_beside_it(printed):
    record, pages = printed
    for page in pages:
        assert not _touching(page.words), page.sheet


def test_the_summary_prints_one_page_wide_with_its_header_on_every_page(printed):
    record, pages = printed
    summary = [p for p in pages if p.sheet == "Summary"]
    last_group = record.plan.groups[-1].name
    assert summary
    for page in summary:
        # A page holding only some of the columns would lack the first or the last header.
        words = set(page.text.split())
        assert {"number", "id", "theme", "statement", "flags", "note"} <= words
        assert f"{last_group} mean" in page.text
    # Rows no taller than their text: about a dozen principles or more to a page.
    assert len(summary) <= max(1, len(record.results) // 12)


def test_the_chart_prints_on_one_page_of_its_own(printed):
    record, pages = printed
    chart = [p for p in pages if p.sheet == "Chart"]
    assert len(chart) == 1
    words = chart[0].text.split()
    assert "Gap per principle: VCS − Council" in chart[0].text
    # Every principle's number is on the axis, so every bar can be read against the Summary.
    assert {str(i) for i in range(1, len(record.results) + 1)} <= set(words)
    assert [p.sheet for p in pages].index("Chart") == len([p for p in pages if p.sheet == "Summary"])


@pytest.mark.parametrize("which", ["demo_record", "long_record"])
def test_the_workbook_carries_what_excel_prints_from(which, request, tmp_path):
    """Excel is not on this machine: what it relies on is read back from the file itself."""
    record = request.getfixturevalue(which)
    book = openpyxl.load_workbook(export(record, "xlsx", tmp_path / "board.xlsx"))
    summary = book["Summary"]
    statement_width = summary.column_dimensions["D"].width
    for row, result in enumerate(record.results, 2):
        # Excel keeps a height it is given (customHeight) and never refits it: tall enough for the wrap.
        lines = len(textwrap.wrap(result.principle.statement, int(statement_width) - 2))
        height = summary.row_dimensions[row].height
        assert lines == 1 or (summary.row_dimensions[row].customHeight and height >= 15 * lines), row
    for name in ("Summary", "Ballots", "Notes", "Actions", "Sources"):
        ws = book[name]
        assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1", name
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, name
        # One page wide (fitToWidth's default is 1), as many pages tall as the rows need.
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, name
        if ws.max_row > 1:
            assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}", name
    assert summary.page_setup.orientation == "landscape"
    chart = book["Chart"]
    assert chart.sheet_properties.pageSetUpPr.fitToPage and chart.page_setup.fitToHeight in (None, 1)
    assert chart.page_setup.fitToWidth in (None, 1) and len(chart._charts) == 1


def _html_pages(html: Path, out: Path) -> list[str]:
    """The report printed on A4 by headless chromium, as the words of each page."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium poppler-utils)")
    pdf = out / "report.pdf"
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={out / 'profile'}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                           html.as_uri()], capture_output=True, timeout=CONVERT_SECONDS)
    assert done.returncode == 0 and pdf.exists(), done.stderr.decode(errors="replace")[-2000:]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [_plain(page) for page in text.split("\f")]


def test_the_html_gap_chart_fills_its_printed_pages_and_keeps_each_statement_on_one(long_record, tmp_path):
    pages = _html_pages(export(long_record, "html", tmp_path / "report.html"), tmp_path)
    chart = [p for p in pages if "VCS rates lower" in p]
    # 39 principles, two to four lines each: two pages (the first block shared only with the heading).
    assert len(chart) == 2, [p[:80] for p in chart]
    assert chart[0].startswith("Gaps: VCS − Council")
    for i, r in enumerate(long_record.results, 1):
        label = f" {i} {_plain(r.principle.statement)} "  # the chart's label, whole on one page
        assert sum(label in f" {page} " for page in chart) == 1, label
    assert "…" not in " ".join(chart)
