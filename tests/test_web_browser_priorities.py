"""The priorities round on the phone page, in Debian's chromium: a phone joins, votes, then places its
dots with taps as the facilitator opens the round, is refused past its allowance, and reads the
room's ranking once the round closes; the same by form posts without JavaScript."""

from __future__ import annotations

import pytest
import pytest_asyncio

from test_web_browser import PHONE, Room, browser, check_accessible, join, needs_browser, served, shots  # noqa: F401

try:
    from playwright.async_api import expect
except ImportError:  # pragma: no cover - depends on the machine
    expect = None

# The browser fixture is the module's one browser, on the module's event loop (see test_web_browser).
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.xdist_group("browser-priorities")]


class DotsRoom(Room):
    def __init__(self, tmp_path):
        super().__init__(tmp_path, dots=3, min_group_size=1)

    def dots(self) -> dict[tuple[str, str], int]:
        """What the database holds: (principle, group) -> dots."""
        return self.store.dot_tally(self.sid).dots

    def principle(self, position: int) -> str:
        return self.plan.principles[position].id


@pytest_asyncio.fixture(loop_scope="module")
async def room(tmp_path):
    async for room in served(DotsRoom(tmp_path)):
        yield room


@needs_browser
async def test_a_phone_votes_then_places_its_dots_with_taps(room, browser, shots):  # noqa: F811
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    status = page.locator("#status")
    await join(page, room, "VCS")
    room.live.start()
    await expect(page.get_by_role("heading", level=2, name=room.statement(0))).to_be_visible(timeout=5000)
    await page.get_by_role("radio", name="4 Mostly true").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(status).to_have_text("Your answer is saved: 4 Mostly true.")
    await page.evaluate("window.sameDocument = true")  # taps never reload the page

    room.live.open_priorities()  # the facilitator opens the round: the phone follows by itself
    await expect(page.get_by_role("heading", level=2, name="Which principles should we act on first?")).to_be_visible(
        timeout=5000)
    left = page.locator("#dots-left")
    await expect(left).to_have_text("3 of 3 dots left")
    for position in range(len(room.plan.principles)):  # every statement whole, a heading each
        await expect(page.get_by_role("heading", level=3, name=room.statement(position), exact=True)).to_have_count(1)
    await check_accessible(page)

    await page.get_by_role("button", name="Add a dot to principle 2").tap()
    await expect(status).to_have_text("Saved: 1 dot on principle 2. 2 of 3 dots left.")
    await page.get_by_role("button", name="Add a dot to principle 2").tap()
    await expect(status).to_have_text("Saved: 2 dots on principle 2. 1 of 3 dots left.")
    await expect(page.get_by_role("button", name="Add a dot to principle 2")).to_be_focused()
    await page.get_by_role("button", name="Add a dot to principle 5").tap()
    await expect(left).to_have_text("0 of 3 dots left")
    assert room.dots() == {(room.principle(1), "vcs"): 2, (room.principle(4), "vcs"): 1}
    await page.screenshot(path=shots / "dots-placed.png", full_page=True)
    # A fourth dot is refused, and the page says why; nothing changes.
    await page.get_by_role("button", name="Add a dot to principle 7").tap()
    await expect(status).to_have_text("You have placed all 3 dots: take one off another principle first.")
    await expect(page.locator("#c-7")).to_have_text("No dots")
    # Changing its mind: a dot off principle 2 goes on principle 7.
    await page.get_by_role("button", name="Remove a dot from principle 2").tap()
    await expect(status).to_have_text("Saved: 1 dot on principle 2. 1 of 3 dots left.")
    await page.get_by_role("button", name="Add a dot to principle 7").tap()
    await expect(left).to_have_text("0 of 3 dots left")
    assert room.dots() == {(room.principle(1), "vcs"): 1, (room.principle(4), "vcs"): 1,
                           (room.principle(6), "vcs"): 1}
    assert [b.score for b in room.phone_ballots(0)] == [4]  # the rating stays as it was
    await check_accessible(page)

    room.store.set_dots(room.sid, "someone-else", "council", room.principle(6), 2, mode="phones")
    room.live.close_priorities()  # the ranking on the projector, and on the phone
    await expect(page.get_by_role("heading", level=2, name="The priorities round is closed")).to_be_visible(
        timeout=5000)
    ranked = page.locator(".ranking-list h4")
    await expect(ranked.first).to_have_text(f"Rank 1: {room.statement(6)}")
    await expect(page.locator(".ranking-list p").first).to_have_text("3 dots: Council 2, VCS 1")
    await expect(page.locator(".my-dots li")).to_have_count(3)
    await check_accessible(page)
    assert await page.evaluate("window.sameDocument") is True
    await page.screenshot(path=shots / "dots-ranking.png", full_page=True)
    await context.close()


@needs_browser
async def test_the_dots_work_without_javascript(room, browser):  # noqa: F811
    context = await browser.new_context(java_script_enabled=False, **PHONE)
    page = await context.new_page()
    await join(page, room, "Council")
    room.live.open_priorities()
    await page.get_by_role("link", name="Check again").click()
    await expect(page.locator("#dots-left")).to_have_text("3 of 3 dots left")
    for _ in range(3):
        await page.get_by_role("button", name="Add a dot to principle 3").click()
        await expect(page.locator("#status")).to_have_text("Your dots are saved.")
    await expect(page.locator("#c-3")).to_have_text("3 dots")
    await expect(page.locator("#dots-left")).to_have_text("0 of 3 dots left")
    assert page.url.endswith("#d-3")  # back where the tap was
    await page.get_by_role("button", name="Add a dot to principle 1", exact=True).click()
    await expect(page.locator("#status")).to_have_text(
        "You have placed all 3 dots: take one off another principle first")
    await page.get_by_role("button", name="Remove a dot from principle 3").click()
    await expect(page.locator("#dots-left")).to_have_text("1 of 3 dots left")
    assert room.dots() == {(room.principle(2), "council"): 2}
    room.live.close_priorities()
    await page.get_by_role("link", name="See what is on screen now").click()
    await expect(page.get_by_role("heading", level=2, name="The priorities round is closed")).to_be_visible()
    await context.close()


@needs_browser
async def test_the_round_is_accessible_in_the_dark_too(room, browser):  # noqa: F811
    context = await browser.new_context(color_scheme="dark", **PHONE)
    page = await context.new_page()
    await join(page, room, "VCS")
    room.live.open_priorities()
    await expect(page.locator("#dots-left")).to_have_text("3 of 3 dots left", timeout=5000)
    await page.get_by_role("button", name="Add a dot to principle 4").tap()
    await expect(page.locator("#dots-left")).to_have_text("2 of 3 dots left")
    await check_accessible(page)  # contrast, labels, headings, 44 px targets: disabled buttons included
    room.live.close_priorities()
    await expect(page.get_by_role("heading", level=3, name="The room's priorities")).to_be_visible(timeout=5000)
    await check_accessible(page)
    await context.close()
