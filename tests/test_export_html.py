"""The HTML report from its templates: what people typed is escaped everywhere, nothing is loaded from
elsewhere, the page is one file, and the app starts without the template engine."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import threading
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DATA, REPO
from test_store_opening import WORKSHOP, invoke, needs_another_user, shared_folder  # noqa: F401  (a fixture)

from workshop.export import export, export_comparison, export_trend
from workshop.inputs.ballots_csv import read_votes
from workshop.model import Ballot, Group
from workshop.store import Store
from workshop.session.records import load_comparison, load_record, load_trend

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

VOTES = DATA / "votes" / "demo-votes.csv"
CHALLENGE = "council-accepts-vcs-right-to-challenge"  # principle 1 of the demo, with a gap
TEMPLATES = REPO / "src" / "workshop" / "export" / "templates"

# Each would run, load something or break out of its attribute if it reached the page unescaped.
TYPED = {
    "title": 'Northshire <script>alert("title")</script> & Co',
    "statement": 'The council\'s "open door" <script>alert(1)</script> & <b>listens</b>.',
    "note": '<img src="http://x.test/a.png" onerror="alert(2)"> & "quoted" \'single\'',
    "action": 'Write to <script>alert(3)</script> the "forum" & the board',
    "owner": '<a href="http://x.test/">Council</a> & "VCS"',
    "status": 'sent <iframe src="//x.test/"></iframe> & "filed"',
    "group": 'Voluntary <em>sector</em> & "friends"',
}


class Page(HTMLParser):
    """The tags a browser would build, the text it would show, and every attribute that loads or links."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.attributes: set[str] = set()
        self.labels: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self._tag = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._tag = tag
        attrs = dict(attrs)
        self.attributes |= set(attrs)
        self.labels.append(attrs.get("aria-label") or "")
        self.ids.add(attrs.get("id") or "")
        self.links += [v or "" for k, v in attrs.items()
                       if k in ("src", "href", "xlink:href", "action", "srcset", "data", "poster")]

    def handle_data(self, data):
        if self._tag == "style":
            self.style += data
        else:
            self.text.append(data)

    def handle_endtag(self, tag):
        self._tag = ""

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture
def typed_plan(demo_plan):
    """The demo with markup, ampersands and quotes in its title, one statement and the second group's name."""
    principles = tuple(dataclasses.replace(p, statement=TYPED["statement"]) if p.id == CHALLENGE else p
                       for p in demo_plan.principles)
    groups = (demo_plan.groups[0], Group(demo_plan.groups[1].id, TYPED["group"])) + demo_plan.groups[2:]
    return dataclasses.replace(demo_plan, title=TYPED["title"], principles=principles, groups=groups)


@pytest.fixture
def typed(store, typed_plan):
    session = store.import_ballots(typed_plan, "", read_votes(VOTES, typed_plan))
    store.add_note(session.id, TYPED["note"], CHALLENGE)
    action = store.add_action(session.id, TYPED["action"], owner=TYPED["owner"], principle_id=CHALLENGE)
    store.set_action_status(action.id, "done", TYPED["status"])
    return load_record(store, session.id)


def assert_inert(html: str, page: Page) -> None:
    """Nothing typed became a tag or a link, and the page loads nothing from anywhere."""
    assert not {"script", "img", "iframe", "b", "em"} & set(page.tags)
    assert "<script" not in html.lower() and not [a for a in page.attributes if a.startswith("on")]
    assert not [link for link in page.links if not link.startswith("#")], page.links
    assert not re.search(r"url\(|@import", page.style, re.I)


def test_what_people_typed_reads_back_as_typed_and_never_runs(typed, tmp_path):
    html = export(typed, "html", tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    assert_inert(html, page)
    words = page.words
    for key in ("title", "statement", "note", "action", "owner", "group"):
        assert TYPED[key] in words, key
    assert f"done ({TYPED['status']})" in words
    assert f"On 1. {TYPED['note']}" in words
    assert words.count(TYPED["statement"]) >= 3  # the summary's blind spots, the principle's heading, ...
    assert f"<title>{TYPED['title']}</title>" not in html  # the page's title is escaped too
    # Quotes are escaped inside attributes as well: the charts' labels name the group whole.
    assert f"How {TYPED['group']} scored" in page.labels
    assert any(label.startswith("Gap per principle: " + TYPED["group"]) for label in page.labels)
    # Only the app's own links remain: each points at a principle on this page.
    assert page.links and all(link[1:] in page.ids for link in page.links)


def test_comparison_and_trend_escape_what_people_typed(store, typed, typed_plan, tmp_path):
    earlier = store.import_ballots(dataclasses.replace(typed_plan, date=dt.date(2025, 12, 3)), "", [
        Ballot(CHALLENGE, g, s) for g, scores in (("council", [5, 5, 4]), ("vcs", [1, 1, 2])) for s in scores])
    comparison = load_comparison(store, typed.session.id, earlier.id)
    for html in (export_comparison(comparison, "html", tmp_path / "c.html").read_text(encoding="utf-8"),
                 export_trend(load_trend(store, typed_plan.locality), "html", tmp_path / "t.html").read_text(
                     encoding="utf-8")):
        page = Page(html)
        assert_inert(html, page)
        assert TYPED["statement"] in page.words


def test_no_report_refers_to_anything_outside_itself(store, demo_plan, tmp_path):
    later = store.import_ballots(demo_plan, "", read_votes(VOTES, demo_plan))
    earlier = store.import_ballots(dataclasses.replace(demo_plan, date=dt.date(2025, 12, 3)), "", [
        Ballot(CHALLENGE, g, s) for g, scores in (("council", [5, 5, 4]), ("vcs", [1, 1, 2])) for s in scores])
    paths = [export(load_record(store, later.id), "html", tmp_path / "r.html"),
             export_comparison(load_comparison(store, later.id, earlier.id), "html", tmp_path / "c.html"),
             export_trend(load_trend(store, demo_plan.locality), "html", tmp_path / "t.html")]
    for path in paths:
        html = path.read_text(encoding="utf-8")
        page = Page(html)
        assert not [link for link in page.links if not link.startswith("#")], (path.name, page.links)
        assert all(link[1:] in page.ids for link in page.links), path.name
        assert not re.search(r"https?:|//[a-z]|url\(|@import|<link|<script", html, re.I), path.name


def test_the_report_is_one_file_with_its_css_inlined(typed, tmp_path):
    html = export(typed, "html", tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    assert page.tags.count("style") == 1 and page.style.strip() == css.strip()
    assert "link" not in page.tags and "@page" in page.style
    assert "{{" not in html and "{%" not in html  # every template tag was rendered


def test_the_templates_ship_in_the_package():
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["workshop"]
    package = REPO / "src" / "workshop"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    templates = sorted(TEMPLATES.iterdir())
    assert {p.suffix for p in templates} >= {".j2", ".css"} and set(templates) <= shipped


def test_the_compiled_templates_give_the_same_report_and_never_stop_one(typed, tmp_path, monkeypatch):
    """An HTML export keeps the templates it compiled in the user's cache folder for the next one:
    that report is the same to the byte, and a cache damaged in any way, something else in its
    place, code compiled with other options, or a folder that cannot be written still gives it."""
    from jinja2 import Environment
    from workshop.export import html as html_export
    from workshop.export.compiled import CompiledTemplates, cache_tag

    def report(name: str) -> bytes:
        html_export.environment.cache_clear()  # a new process: the templates come from the folder
        return export(typed, "html", tmp_path / name).read_bytes()

    cache = tmp_path / "home-cache"
    folder = cache / "workshop" / "templates"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    try:
        first = report("first.html")
        compiled = sorted(folder.glob(f"{cache_tag(html_export.OPTIONS)}-*.jinja"))
        # session.html.j2 and the three it draws on: page (its frame), parts and principle
        assert len(compiled) == 4, [p.name for p in compiled]
        assert all(os.stat(p).st_mode & 0o077 == 0 for p in compiled)  # the user's alone, as Jinja2's own
        assert sorted(folder.iterdir()) == compiled  # no temporary file left
        assert report("again.html") == first
        assert any(b"<table" in p.read_bytes() for p in compiled)

        def flipped(data: bytes) -> bytes:  # one byte of the code, the length kept
            return data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0x20]) + data[len(data) // 2 + 1:]

        for damage in (lambda data: data.replace(b"<table", b"<tabXe"), flipped, lambda data: data[:len(data) // 2],
                       lambda data: data[:40] + b"\x80\x05garbage", lambda data: b"not a template", lambda data: b""):
            for path in compiled:
                path.write_bytes(damage(path.read_bytes()))
            assert report("damaged.html") == first
            assert all(path.stat().st_size > 100 for path in compiled)  # written again, whole
        for path in compiled:  # a folder in a file's place
            path.unlink()
            path.mkdir()
        assert report("folders.html") == first
        for path in compiled:
            path.rmdir()
        assert report("after-folders.html") == first and all(path.is_file() for path in compiled)
        if hasattr(os, "mkfifo"):  # a pipe in a file's place is never read from (it would wait for ever)
            for path in compiled:
                path.unlink()
                os.mkfifo(path)
            done: list[bytes] = []
            worker = threading.Thread(target=lambda: done.append(report("pipes.html")), daemon=True)
            worker.start()
            worker.join(30)
            assert done == [first]
            assert all(path.is_file() for path in compiled)  # plain files again
        # Code compiled with other options (another version of workshop) is never taken for today's.
        other = {**html_export.OPTIONS, "trim_blocks": False, "lstrip_blocks": False}
        elsewhere = Environment(loader=html_export.environment().loader, **other,
                                bytecode_cache=CompiledTemplates(folder, cache_tag(other)))
        for name in ("session.html.j2", "page.html.j2", "parts.html.j2", "principle.html.j2"):
            elsewhere.get_template(name)
        assert len(list(folder.glob("*.jinja"))) == 8
        assert report("beside-others.html") == first
        # ... nor when it is moved under today's names: each file is sealed with its own name.
        for theirs, ours in zip(sorted(set(folder.glob("*.jinja")) - set(compiled)), compiled):
            assert theirs.name.split("-", 1)[1] == ours.name.split("-", 1)[1]  # the same template
            theirs.replace(ours)
        assert report("moved-from-others.html") == first
        blocked = tmp_path / "a-file"
        blocked.write_text("not a folder", encoding="utf-8")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
        assert report("unwritable.html") == first
        assert blocked.read_text(encoding="utf-8") == "not a folder"
    finally:
        html_export.environment.cache_clear()


@needs_another_user
def test_an_export_where_no_user_folder_can_be_found_still_writes_the_report(shared_folder, runner, tmp_path):
    """No HOME and no entry in the password file (some containers): nowhere to keep compiled
    templates, and the report is written all the same."""
    db = shared_folder / "workshop.db"
    session = invoke(runner, db, "import", REPO / "sessions" / "demo.yaml", VOTES).stdout.strip()
    with Store(db) as store:
        expected = export(load_record(store, session), "html", tmp_path / "expected.html").read_bytes()
    shared_folder.chmod(0o777)
    out = shared_folder / "report.html"
    done = subprocess.run(["setpriv", "--reuid=54321", "--regid=54321", "--clear-groups", str(WORKSHOP),
                           "--db", str(db), "export", session, "-o", str(out)],
                          env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert out.read_bytes() == expected


def test_the_app_starts_without_the_template_engine(tmp_path):
    # Importing Jinja2 costs tens of milliseconds: only writing an HTML file may pay for it.
    code = ("import sys\nimport workshop.tui.app, workshop.cli, workshop.export\n"
            "print('jinja2' in sys.modules)\n"
            "from workshop.export import html\nprint('jinja2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


# --- in a real browser ----------------------------------------------------------------------------

CHROMIUM = Path(os.environ.get("WORKSHOP_CHROMIUM", "/usr/bin/chromium"))


@pytest.mark.skipif(sync_playwright is None or not CHROMIUM.exists(),
                    reason="needs Playwright for Python and Debian's chromium (apt-get install chromium)")
def test_every_fact_and_its_answer_fit_the_printed_page(store, demo_plan, tmp_path):
    """A long question must wrap, not push its answer off the edge of the paper."""
    session = store.import_ballots(demo_plan, "", read_votes(VOTES, demo_plan))
    report = export(load_record(store, session.id), "html", tmp_path / "report.html")
    assert demo_plan.facts and max(len(f.question) for f in demo_plan.facts) > 100
    width = 686  # A4's 210 mm less the report's 14 mm margins, at 96 px to the inch
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.emulate_media(media="print")
            page.goto(report.as_uri())
            boxes = page.eval_on_selector_all("dl.details dt, dl.details dd", """els => els.map(e => {
                const r = e.getBoundingClientRect(); return [e.tagName, e.textContent, r.left, r.right]; })""")
        finally:
            browser.close()
    answers = [(text, left, right) for tag, text, left, right in boxes if tag == "DD"]
    assert {"Yes", "No"} <= {text for text, _, _ in answers}
    assert all(0 <= left < right <= width for _, left, right in answers), answers
    assert all(right <= width for _, _, _, right in boxes)
