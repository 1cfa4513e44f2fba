"""End to end in a real browser: a phone joins by the QR's address, votes, follows the facilitator.

Debian's chromium, driven by Playwright's async API so that the browser, the real PhoneServer and
the facilitator's LiveSession share one event loop. Also: the same with JavaScript switched off
(plain form posts), an accessibility check of every view, and the page's size.

Screenshots at phone size go to $WORKSHOP_SCREENSHOTS when it is set (to look at them), else to
the test's temp dir.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
import pytest_asyncio
from conftest import REPO

from workshop.analytics import principle_result
from workshop.session.running import LiveSession
from workshop.model import Ballot
from workshop.inputs.plan import load_plan
from workshop.store import Store
from workshop.web.dots_page import dots_html
from workshop.web.page import View, join_form, page, view_html
from workshop.web.server import PhoneServer

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # pragma: no cover - depends on the machine
    async_playwright = None

# One browser for the module's tests (each gets a fresh context, as a new phone would): starting
# Playwright's driver and chromium took a second and more of CPU a test. The browser belongs to the
# event loop that started it, so the tests share the module's loop; under xdist a browser module's
# tests run on one worker (a group of its own), so each module starts one browser and the modules
# run side by side.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.xdist_group("browser-phone")]

CHROMIUM = Path(os.environ.get("WORKSHOP_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
STATIC = REPO / "src" / "workshop" / "web" / "static"

needs_browser = pytest.mark.skipif(
    async_playwright is None or not CHROMIUM.exists(),
    reason=("Playwright for Python is not installed (pip install playwright)" if async_playwright is None
            else f"no chromium at {CHROMIUM} (apt-get install chromium)"))


# --- the room: a real store, the demo plan, a real server, the facilitator's session ------------

class Room:
    """The demo plan, with changes (`comments=True`, `dots=3` ...), started and served to phones."""

    def __init__(self, tmp_path: Path, **changes):
        self.plan, text = load_plan(REPO / "sessions" / "demo.yaml")
        self.plan = dataclasses.replace(self.plan, **changes)
        self.store = Store(tmp_path / "workshop.db")
        self.sid = self.store.start_session(self.plan, text).id
        self.live = LiveSession(self.store, self.store.session(self.sid))
        self.server = PhoneServer(self.live, host="127.0.0.1", port=0)  # the live session tells it of moves

    def statement(self, position: int) -> str:
        return self.plan.principles[position].statement

    def phone_ballots(self, position: int) -> list[Ballot]:
        """What the database holds from phones on one principle."""
        return [b for b in self.store.ballots(self.sid, self.plan.principles[position].id) if b.mode == "phones"]

    def cards(self, position: int, group: str, scores: list[int | None]) -> None:
        """Other people's answers, counted by the facilitator from the cards in the room."""
        for score in scores:
            self.store.record_ballot(self.sid, self.plan.principles[position].id, group, score)


async def served(room: Room):
    """The room's phone server running for one test, then stopped and its database closed."""
    await room.server.start()
    try:
        yield room
    finally:
        await room.server.stop()
        room.store.close()


@pytest_asyncio.fixture(loop_scope="module")
async def room(tmp_path):
    async for room in served(Room(tmp_path)):
        yield room


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser():
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("WORKSHOP_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def join(page, room: Room, group: str) -> None:
    """Open the QR's address, as a phone's camera would, and join."""
    await page.goto(room.server.join_url("127.0.0.1"))
    await expect(page.get_by_label("Join code")).to_have_value(room.server.join_code)
    await page.get_by_role("radio", name=group).check()
    await page.get_by_role("button", name="Join").click()
    await expect(page.get_by_role("heading", name="You are in")).to_be_visible()


# --- with JavaScript: follows the facilitator live ---------------------------------------------

@needs_browser
async def test_a_phone_joins_votes_and_follows_the_whole_session(room, browser, shots):
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    status = page.locator("#status")

    await page.goto(room.server.join_url("127.0.0.1"))  # upper case, as the QR code has it
    await expect(page.get_by_label("Join code")).to_have_value(room.server.join_code)
    await page.screenshot(path=shots / "join.png", full_page=True)
    await page.get_by_role("radio", name="VCS").check()
    await page.get_by_role("button", name="Join").click()
    await expect(page.get_by_role("heading", name="You are in")).to_be_visible()
    await expect(page.get_by_text("This page follows along by itself")).to_be_visible()
    await page.screenshot(path=shots / "waiting.png", full_page=True)
    await page.evaluate("window.sameDocument = true")  # gone if the page reloads

    # The facilitator opens principle 1: the phone shows it within a second, without a reload,
    # says where it is and puts focus on the statement.
    room.live.start()
    await expect(page.get_by_role("heading", level=2, name=room.statement(0))).to_be_visible(timeout=5000)
    assert await page.evaluate("window.sameDocument") is True
    await expect(status).to_have_text("Principle 1 of 10. Voting is open.")
    assert await page.evaluate("document.activeElement.id") == "statement"

    await page.get_by_role("radio", name="4 Mostly true").check()
    await page.screenshot(path=shots / "voting.png", full_page=True)
    await page.get_by_role("button", name="Send my answer").click()
    await expect(status).to_have_text("Your answer is saved: 4 Mostly true.")
    await expect(page.locator("#mine")).to_contain_text("Your answer: 4 Mostly true")
    assert [(b.group, b.score) for b in room.phone_ballots(0)] == [("vcs", 4)]
    await page.screenshot(path=shots / "voted.png")

    # Changing the answer replaces the ballot.
    await page.get_by_role("radio", name="2 Slightly true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(status).to_have_text("Your answer is saved: 2 Slightly true.")
    assert [(b.group, b.score) for b in room.phone_ballots(0)] == [("vcs", 2)]

    # Principle 2: followed, nothing chosen yet, focus on the new statement.
    room.live.go(1)
    await expect(page.get_by_role("heading", level=2, name=room.statement(1))).to_be_visible(timeout=5000)
    await expect(status).to_have_text("Principle 2 of 10. Voting is open.")
    assert await page.evaluate("document.activeElement.id") == "statement"
    assert await page.get_by_role("radio", checked=True).count() == 0
    await page.get_by_role("radio", name="3 Partly true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(status).to_have_text("Your answer is saved: 3 Partly true.")

    # The rest of the room answered on cards; the facilitator reveals.
    room.cards(1, "council", [4, 5, 4, None])
    room.cards(1, "vcs", [2, 3])
    room.live.reveal()
    results = page.get_by_role("heading", name="Results")
    await expect(results).to_be_visible(timeout=5000)
    assert await page.evaluate("document.activeElement.id") == "results"
    await expect(status).to_have_text("Principle 2 of 10. Voting is closed; the results are shown.")
    await expect(page.locator("#mine")).to_have_text("Your answer: 3 Partly true.")
    council = page.locator(".group").filter(has=page.get_by_role("heading", name="Council"))
    vcs = page.locator(".group").filter(has=page.get_by_role("heading", name="VCS"))
    # The same aggregate the projector shows: mean, how many, the distribution.
    await expect(council.locator(".headline")).to_have_text("Mean 4.3 from 3 scores, 1 don't know.")
    await expect(vcs.locator(".headline")).to_have_text("Mean 2.7 from 3 scores.")
    await expect(council.get_by_role("listitem")).to_have_text(
        ["5 Completely true: 1", "4 Mostly true: 2", "3 Partly true: 0", "2 Slightly true: 0",
         "1 Not at all true: 0", "Don't know: 1"])
    # 4.3 and 2.7 are shown, so the gap is 1.6 (the exact means differ by 1.67).
    await expect(page.locator(".gap")).to_have_text("VCS rates this 1.6 lower than Council.")
    assert await page.evaluate("window.sameDocument") is True
    await page.screenshot(path=shots / "revealed.png", full_page=True)

    # Principle 3 with too few answers: min_group_size hides them, so no ballot can be picked out.
    room.live.go(2)
    await expect(page.get_by_role("heading", level=2, name=room.statement(2))).to_be_visible(timeout=5000)
    await page.get_by_role("radio", name="5 Completely true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(status).to_contain_text("Your answer is saved")
    room.cards(2, "council", [1])
    room.live.reveal()
    await expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=5000)
    await expect(page.locator(".group .headline")).to_have_text(
        ["Too few to show (1 score).", "Too few to show (1 score)."])
    assert await page.locator(".bars").count() == 0
    await expect(page.locator(".gap")).to_have_text("No gap: Council and VCS have too few scores to show.")
    await page.screenshot(path=shots / "too-few.png", full_page=True)

    # Back to principle 1, reopened: the phone shows the answer it gave there.
    room.live.go(0)
    await expect(page.get_by_role("heading", level=2, name=room.statement(0))).to_be_visible(timeout=5000)
    await expect(page.get_by_role("radio", name="2 Slightly true")).to_be_checked()
    assert await page.evaluate("window.sameDocument") is True
    await context.close()


# Notes the version of each live update once the page's own handler has run (the next task).
SEEN_VERSION = """(function () {
  var Real = window.EventSource;
  if (!Real) { return; }
  window.EventSource = function (url) {
    var source = new Real(url);
    source.addEventListener("message", function (event) {
      var version = JSON.parse(event.data).version;
      setTimeout(function () { window.seenVersion = version; }, 0);
    });
    return source;
  };
}());"""


@needs_browser
async def test_an_unsent_choice_survives_a_repeat_of_the_same_view(room, browser):
    """The server may push the view it already shows (a reconnect, a repeated move): nothing is lost."""
    context = await browser.new_context(**PHONE)
    await context.add_init_script(SEEN_VERSION)
    page = await context.new_page()
    room.live.start()
    await join_to_principle(page, room)
    await page.get_by_role("radio", name="1 Not at all true").check()
    await page.evaluate("document.getElementById('status').textContent = 'untouched'")
    room.live.go(0)  # the same principle again: every phone is told
    room.server.state_changed()
    # Once the page has handled the update carrying the latest version, whatever it did is done.
    await page.wait_for_function("(version) => window.seenVersion >= version", arg=room.server.voting.version,
                                 timeout=5000)
    await expect(page.get_by_role("radio", name="1 Not at all true")).to_be_checked()
    await expect(page.locator("#status")).to_have_text("untouched")
    await context.close()


@needs_browser
async def test_the_page_says_when_the_laptop_is_gone(room, browser):
    """A phone must not show an old principle as if it were current once the app has stopped."""
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    room.live.start()
    await join_to_principle(page, room)
    await room.server.stop()
    await expect(page.locator("#status")).to_contain_text("Lost the connection to the laptop", timeout=5000)
    await context.close()


async def join_to_principle(page, room: Room) -> None:
    await page.goto(room.server.join_url("127.0.0.1"))
    await page.get_by_role("radio", name="Council").check()
    await page.get_by_role("button", name="Join").click()
    await expect(page.get_by_role("heading", level=2, name=room.statement(room.live.position))).to_be_visible()


@needs_browser
async def test_without_event_source_the_page_polls_and_follows(room, browser):
    """Old browsers without EventSource poll /api/state with jitter (every 2 to 3.5 s)."""
    context = await browser.new_context(**PHONE)
    await context.add_init_script("delete window.EventSource;")
    page = await context.new_page()
    room.live.start()
    await join_to_principle(page, room)
    await page.evaluate("window.sameDocument = true")
    room.live.go(1)
    await expect(page.get_by_role("heading", level=2, name=room.statement(1))).to_be_visible(timeout=5000)
    await expect(page.locator("#status")).to_have_text("Principle 2 of 10. Voting is open.")
    assert await page.evaluate("window.sameDocument") is True
    await context.close()


# --- without JavaScript: plain forms and redirects -----------------------------------------------

@needs_browser
async def test_joining_and_voting_work_without_javascript(room, browser, shots):
    context = await browser.new_context(java_script_enabled=False, **PHONE)
    page = await context.new_page()

    await page.goto(room.server.url("127.0.0.1") + "/?code=WRONG2")
    await page.get_by_role("radio", name="Council").check()
    await page.get_by_role("button", name="Join").click()
    await expect(page.get_by_role("alert")).to_have_text(
        "That join code is not right; check the screen at the front")
    await expect(page.get_by_label("Join code")).to_have_attribute("aria-invalid", "true")

    await join(page, room, "Council")
    check = page.get_by_role("link", name="Check again")
    await expect(check).to_be_visible()
    room.live.start()
    await check.click()
    await expect(page.get_by_role("heading", level=2, name=room.statement(0))).to_be_visible()

    await page.get_by_role("radio", name="Don't know").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.locator("#status")).to_have_text("Your answer is saved.")
    await expect(page.get_by_role("radio", name="Don't know")).to_be_checked()
    await expect(page.locator("#mine")).to_contain_text("Your answer: Don't know")
    assert [(b.group, b.score) for b in room.phone_ballots(0)] == [("council", None)]
    await page.screenshot(path=shots / "nojs-voted.png", full_page=True)

    await page.get_by_role("radio", name="5 Completely true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.locator("#status")).to_have_text("Your answer is saved.")
    assert [(b.group, b.score) for b in room.phone_ballots(0)] == [("council", 5)]

    # A form posted after the facilitator moved on is refused and the page shows what is open now.
    await page.get_by_role("radio", name="3 Partly true").check()
    room.live.go(1)
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.locator("#status")).to_have_text("Voting on that principle is not open now")
    assert [b.score for b in room.phone_ballots(0)] == [5]
    await expect(page.get_by_role("heading", level=2, name=room.statement(1))).to_be_visible()

    room.cards(1, "council", [3, 3, 4])
    room.cards(1, "vcs", [1, 2, 2])
    room.live.reveal()
    await page.get_by_role("link", name="See what is on screen now").click()
    await expect(page.get_by_role("heading", name="Results")).to_be_visible()
    # 4.3 and 2.7 are shown, so the gap is 1.6 (the exact means differ by 1.67).
    await expect(page.locator(".gap")).to_have_text("VCS rates this 1.6 lower than Council.")
    await context.close()


# --- accessibility ------------------------------------------------------------------------------

CHECK_PAGE = """() => {
  const problems = [];
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  if (document.documentElement.lang !== "en") problems.push("no lang on <html>");
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
  if (headings.filter((h) => h.tagName === "H1").length !== 1) problems.push("not exactly one h1");
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading ${h.tagName} "${h.textContent}" skips a level`);
    level = next;
  }
  for (const input of document.querySelectorAll("input:not([type=hidden])")) {
    const words = [...input.labels].map((l) => l.textContent.trim()).join(" ");
    if (!words) problems.push(`input ${input.name}=${input.value} has no label`);
    if (input.type === "radio") {
      const fieldset = input.closest("fieldset");
      const legend = fieldset && fieldset.querySelector(":scope > legend");
      if (!legend || !legend.textContent.trim()) problems.push(`radio ${input.name} outside a fieldset with a legend`);
    }
  }
  const live = document.querySelector("[role=status], [role=alert], [aria-live]");
  if (!live || document.getElementById("view").contains(live) && live.getAttribute("role") !== "alert")
    problems.push("no live region that outlasts a change of view");
  // Touch targets: what a finger presses is the label, the button, the field, the link.
  for (const el of document.querySelectorAll("label.choice, button, input[type=text], a")) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) problems.push(`${el.tagName} "${el.textContent.trim()}" is ${r.width}x${r.height}`);
  }
  // Contrast of every piece of visible text against the background behind it (WCAG formula).
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let lowest = 21;
  const walker = document.createTreeWalker(document.getElementById("app"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !visible(el) || el.closest(".sr")) continue;
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    lowest = Math.min(lowest, ratio);
    if (ratio < 7) problems.push(`"${walker.currentNode.textContent.trim()}" has contrast ${ratio.toFixed(1)}`);
  }
  return {problems, lowest};
}"""


async def check_accessible(page) -> None:
    found = await page.evaluate(CHECK_PAGE)
    assert found["problems"] == [], found["problems"]
    assert found["lowest"] >= 7  # WCAG AAA, for a bright room


async def check_focus_is_visible(page) -> None:
    """Tab to the first control: its outline (or its label's, for a radio) shows."""
    await page.keyboard.press("Tab")
    outline = await page.evaluate("""() => {
        const el = document.activeElement, label = el.closest('label');
        const styles = [getComputedStyle(el), label && getComputedStyle(label)].filter(Boolean);
        return styles.map((s) => s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0);
    }""")
    assert max(outline) >= 2, outline


@needs_browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_every_view_is_accessible(room, browser, shots, scheme):
    context = await browser.new_context(color_scheme=scheme, **PHONE)
    page = await context.new_page()

    await page.goto(room.server.join_url("127.0.0.1"))
    await check_accessible(page)
    await expect(page.get_by_role("group", name="Which side are you on?").get_by_role("radio")).to_have_count(2)
    await expect(page.get_by_role("textbox", name="Join code")).to_be_visible()
    await check_focus_is_visible(page)

    await page.get_by_role("radio", name="VCS").check()
    await page.get_by_role("button", name="Join").click()
    await expect(page.get_by_role("heading", name="You are in")).to_be_visible()
    await check_accessible(page)

    room.live.start()
    statement = page.get_by_role("heading", level=2, name=room.statement(0))
    await expect(statement).to_be_visible(timeout=5000)
    scale = page.get_by_role("group", name="How true is this in our area today?")
    await expect(scale.get_by_role("radio")).to_have_count(6)
    for name in ["1 Not at all true", "2 Slightly true", "3 Partly true", "4 Mostly true", "5 Completely true",
                 "Don't know"]:
        await expect(scale.get_by_role("radio", name=name, exact=True)).to_have_count(1)
    await expect(page.get_by_role("status")).to_have_count(1)
    await check_accessible(page)
    await check_focus_is_visible(page)
    await page.get_by_role("radio", name="3 Partly true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.get_by_role("status")).to_contain_text("saved")
    await check_accessible(page)  # the status bar, now showing, is as legible as the rest

    room.cards(0, "council", [2, 2, 3])
    room.cards(0, "vcs", [4, 5])
    room.live.reveal()
    await expect(page.get_by_role("heading", name="Results", level=3)).to_be_visible(timeout=5000)
    await expect(page.get_by_role("heading", name="Council", level=4)).to_be_visible()
    await check_accessible(page)
    snapshot = await page.locator("main").aria_snapshot()
    assert re.search(r'- heading "VCS" \[level=4\]', snapshot), snapshot
    assert re.search(r'- listitem: "5 Completely true ?: 1"', snapshot), snapshot  # a bar is read as words
    await page.screenshot(path=shots / f"revealed-{scheme}.png", full_page=True)
    await context.close()


# --- size and old browsers ----------------------------------------------------------------------

async def test_the_page_is_small_and_its_script_is_plain_es5(tmp_path):
    """HTML + CSS + JS of the biggest view stays under 50 KB; the script uses no ES2015 syntax."""
    room = Room(tmp_path)
    try:
        p = room.plan.principles[0]
        ballots = [Ballot(p.id, g, s) for g in ("council", "vcs") for s in (1, 2, 3, 4, 5, None)]
        result = principle_result(p, ballots, room.plan)
        views = [join_form(room.plan, "ABC234"),
                 view_html(View(room.plan, p, 1, True, 3, None)),
                 view_html(View(room.plan, p, 1, False, 3, result)),
                 dots_html(dataclasses.replace(room.plan, dots=3), {p.id: 2})]  # the priorities round
        html = max(len(page(room.plan.title, body, message="Your answer is saved.").encode()) for body in views)
    finally:
        room.store.close()
    css, js = (STATIC / "app.css").read_bytes(), (STATIC / "app.js").read_bytes()
    total = html + len(css) + len(js)
    assert total < 50_000, f"page is {total} bytes"

    code = re.sub(r'"(?:[^"\\\n]|\\.)*"|/\*.*?\*/|//[^\n]*', '""', js.decode(), flags=re.S)
    for pattern, what in [(r"=>", "arrow function"), (r"\b(let|const|class)\s", "let/const/class"),
                          (r"`", "template literal"), (r"\.\.\.", "spread"), (r"\basync\b|\bawait\b", "async"),
                          (r"\bfetch\(|\bPromise\b", "fetch/Promise"), (r"\bfor\s*\([^)]*\bof\b", "for...of")]:
        assert not re.search(pattern, code), f"app.js uses {what}, which old phone browsers lack"
