"""The comment box on the phone page, in Debian's chromium: a phone votes, then comments, with
JavaScript and without; empty and oversized comments are refused on the page with a sentence."""

from __future__ import annotations

import pytest
import pytest_asyncio

from workshop.session.comments import MAX_COMMENT

from test_web_browser import PHONE, Room, browser, check_accessible, join, needs_browser, served, shots  # noqa: F401

try:
    from playwright.async_api import expect
except ImportError:  # pragma: no cover - depends on the machine
    expect = None

# The browser fixture is the module's one browser, on the module's event loop (see test_web_browser).
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.xdist_group("browser-comments")]


class CommentRoom(Room):
    def __init__(self, tmp_path):
        super().__init__(tmp_path, comments=True)

    def comments(self) -> list[tuple[str, str, str]]:
        return [(c.group, c.text, c.status) for c in self.store.comments(self.sid)]


@pytest_asyncio.fixture(loop_scope="module")
async def room(tmp_path):
    async for room in served(CommentRoom(tmp_path)):
        yield room


@needs_browser
async def test_a_phone_votes_then_comments(room, browser, shots):  # noqa: F811
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    status = page.locator("#status")
    await join(page, room, "VCS")
    room.live.start()
    await expect(page.get_by_role("heading", level=2, name=room.statement(0))).to_be_visible(timeout=5000)
    box = page.get_by_role("textbox", name="Add a comment on this principle (optional)")
    await expect(box).to_have_count(0)  # not before voting
    await page.evaluate("window.sameDocument = true")

    await page.get_by_role("radio", name="2 Slightly true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(status).to_have_text("Your answer is saved: 2 Slightly true.")
    await expect(box).to_be_visible()
    await expect(page.get_by_role("radio", name="2 Slightly true")).to_be_checked()
    await expect(box).to_have_attribute("maxlength", str(MAX_COMMENT))
    await check_accessible(page)
    await page.screenshot(path=shots / "comment-box.png", full_page=True)

    send = page.get_by_role("button", name="Send my comment")
    await box.fill("   ")
    await send.click()
    await expect(status).to_have_text("Write a comment first: an empty one is not sent.")
    # Longer than the box allows (a pasted text the browser did not cut): the server says by how much.
    await box.evaluate(f"(el) => {{ el.value = 'x'.repeat({MAX_COMMENT + 20}); }}")
    await send.click()
    await expect(status).to_contain_text(f"this one has {MAX_COMMENT + 20}")
    assert room.comments() == []

    await box.fill("The grants timetable arrives after our budgets are set.")
    await send.click()
    await expect(status).to_have_text("Your comment is sent.")
    await expect(page.locator("#comment-sent")).to_contain_text("The facilitator chooses which comments")
    await expect(box).to_have_count(0)
    assert room.comments() == [("vcs", "The grants timetable arrives after our budgets are set.", "pending")]
    assert await page.evaluate("window.sameDocument") is True  # no reload at any step
    await page.screenshot(path=shots / "comment-sent.png", full_page=True)

    # The next principle: a fresh box once this phone has voted there.
    room.live.go(1)
    await expect(page.get_by_role("heading", level=2, name=room.statement(1))).to_be_visible(timeout=5000)
    await expect(box).to_have_count(0)
    await context.close()


@needs_browser
async def test_comments_work_without_javascript(room, browser, shots):  # noqa: F811
    context = await browser.new_context(java_script_enabled=False, **PHONE)
    page = await context.new_page()
    await join(page, room, "Council")
    room.live.start()
    await page.get_by_role("link", name="Check again").click()
    await page.get_by_role("radio", name="4 Mostly true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.locator("#status")).to_have_text("Your answer is saved.")
    box = page.get_by_role("textbox", name="Add a comment on this principle (optional)")
    await box.fill("We would welcome earlier challenge.")
    await page.get_by_role("button", name="Send my comment").click()
    await expect(page.locator("#status")).to_have_text("Your comment is sent.")
    await expect(box).to_have_count(0)
    assert room.comments() == [("council", "We would welcome earlier challenge.", "pending")]
    await page.screenshot(path=shots / "nojs-comment-sent.png", full_page=True)
    await context.close()
