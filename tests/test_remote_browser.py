"""The remote in a real browser at phone size: pair it with y on the laptop, begin, count cards, see
the ballots privately, reveal, add an action, and the app's screen (the projector) and the database
follow; the page follows the room by itself. Debian's chromium through Playwright, in the same event
loop as the real app (the module's one browser: see test_web_browser)."""

from __future__ import annotations

import pytest
from conftest import make_app, screen_text, wait_for
from test_web_browser import PHONE, async_playwright, browser, needs_browser, shots  # noqa: F401  (fixtures)

from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.remotes import PairScreen
from workshop.tui.screens.vote import VoteScreen

if async_playwright is not None:
    from playwright.async_api import expect

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.xdist_group("browser-remote")]
SIZE = (120, 36)


async def paired_page(app, pilot, browser):  # noqa: F811
    """A phone-sized page on /remote, paired with y on the laptop: the remote, showing the lobby."""
    await wait_for(pilot, lambda: app.phone_server is not None)
    page = await (await browser.new_context(**PHONE)).new_page()
    await page.goto(f"http://127.0.0.1:{app.phone_server.port}/remote")
    await page.get_by_role("button", name="Ask the laptop to pair this device").click()
    await expect(page.get_by_role("heading", name="Your pairing code")).to_be_visible()
    shown = (await page.locator(".pair-code").inner_text()).strip()
    await wait_for(pilot, lambda: isinstance(app.screen, PairScreen))
    assert app.screen.code == shown  # the laptop asks about the code this device shows
    await wait_for(pilot, lambda: app.screen.armed)
    await pilot.press("y")
    # The waiting page checks back by itself; one press finishes pairing.
    await page.get_by_role("button", name="Finish pairing").click(timeout=5000)
    await expect(page.get_by_role("button", name="Next principle")).to_be_visible()
    return page


@needs_browser
async def test_a_phone_sized_remote_pairs_counts_reveals_and_adds_an_action(db_path, demo, browser, shots):  # noqa: F811
    app = make_app(db_path, plan=demo, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        page = await paired_page(app, pilot, browser)
        await page.get_by_role("button", name="Next principle").click()  # begins, as Enter in the lobby
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        live = app.screen.live
        await expect(page.locator("#timer")).to_contain_text("left")  # the time box, as on the projector
        # Cards counted on the floor, typed into the remote's big boxes.
        council = page.get_by_role("group", name="Council: cards raised")
        await council.get_by_label("4 Mostly true").fill("2")
        await council.get_by_label("5 Completely true").fill("1")
        await council.get_by_role("button", name="Store Council's cards").click()
        vcs = page.get_by_role("group", name="VCS: cards raised")
        await expect(vcs.get_by_label("2 Slightly true")).to_have_value("0")
        await vcs.get_by_label("2 Slightly true").fill("1")
        await vcs.get_by_role("button", name="Store VCS's cards").click()
        assert app.store.card_counts(live.id, live.principle.id) == {("council", 4): 2, ("council", 5): 1,
                                                                    ("vcs", 2): 1}
        await wait_for(pilot, lambda: "Ballots in: Council 3   VCS 1" in screen_text(app))
        await expect(page.locator("#ballots")).to_have_text("Ballots in (4): Council 3, VCS 1")
        await expect(page.get_by_role("heading", name="Only on this remote")).to_be_visible()
        await expect(page.get_by_text("Mean 4.3 from 3 scores")).to_be_visible()
        assert "Mean" not in screen_text(app)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        await page.screenshot(path=shots / "remote.png", full_page=True)
        await page.get_by_role("button", name="Reveal results").click()
        await expect(page.get_by_role("button", name="Reopen voting")).to_be_visible()
        await expect(page.get_by_text("Revealed: the projector shows the results")).to_be_visible()
        assert app.store.principle_states(live.id)[live.principle.id] == "closed"
        await wait_for(pilot, lambda: "4.3" in screen_text(app))
        # An action agreed in the room, typed on the remote; a bad due date first, refused as on the laptop.
        await page.get_by_role("radio", name="Action").check()
        await page.get_by_label("What was said, or what was agreed").fill("Publish the grants calendar")
        await page.get_by_label("Owner").fill("Council")
        await page.get_by_label("Due").fill("31/03/2027")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("#status")).to_have_text("Due date must be YYYY-MM-DD, like 2027-03-31")
        assert app.store.actions(live.id) == []
        await expect(page.get_by_label("What was said, or what was agreed")).to_have_value("Publish the grants calendar")
        await page.get_by_label("Due").fill("2027-03-31")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_text("Action: Publish the grants calendar (Council, due 2027-03-31)")).to_be_visible()
        assert [(a.principle_id, a.text, a.owner, a.due) for a in app.store.actions(live.id)] == \
            [(live.principle.id, "Publish the grants calendar", "Council", "2027-03-31")]
        await wait_for(pilot, lambda: "Publish the grants calendar" in screen_text(app))  # on the reveal
        await page.screenshot(path=shots / "remote-action.png", full_page=True)


@needs_browser
async def test_the_remote_follows_the_room_without_a_reload_and_drives_jump_and_gap(db_path, demo, browser):  # noqa: F811
    app = make_app(db_path, plan=demo, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        page = await paired_page(app, pilot, browser)
        await pilot.press("enter")  # begun on the laptop: the remote follows by itself
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        live = app.screen.live
        await expect(page.get_by_text("Voting is open", exact=True)).to_be_visible(timeout=5000)
        # A count typed on the laptop shows on the remote, which nobody touched.
        await pilot.press("right", "right", "right", "3", "enter")
        await expect(page.locator("#ballots")).to_have_text("Ballots in (3): Council 3, VCS 0", timeout=5000)
        # Half a count typed on the remote is never lost to an update: the page says so instead.
        vcs = page.get_by_role("group", name="VCS: cards raised")
        await vcs.get_by_label("1 Not at all true").fill("2")
        await pilot.press("up", "4", "enter")
        await expect(page.locator("#status")).to_contain_text("The room has moved on", timeout=5000)
        await expect(vcs.get_by_label("1 Not at all true")).to_have_value("2")
        await vcs.get_by_role("button", name="Store VCS's cards").click()
        await expect(page.locator("#ballots")).to_have_text("Ballots in (6): Council 4, VCS 2")
        # Jump by the list, then the gap view, both on the projector.
        await page.get_by_label("Go to principle").select_option("7")
        await page.get_by_role("button", name="Go to this principle").click()
        await wait_for(pilot, lambda: live.position == 6 and "7 of 10" in screen_text(app))
        await expect(page.get_by_text("Principle 7 of 10")).to_be_visible()
        await page.get_by_role("button", name="Open the gap view").click()
        await wait_for(pilot, lambda: isinstance(app.screen, GapScreen))
        await expect(page.get_by_text("The projector shows the gap view")).to_be_visible()
        await page.get_by_role("button", name="Close the gap view").click()
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        # Unpaired on the laptop: the page goes back to pairing by itself.
        app.phone_server.remote.remotes.unpair(1)
        await expect(page.get_by_role("button", name="Ask the laptop to pair this device")).to_be_visible(timeout=5000)
