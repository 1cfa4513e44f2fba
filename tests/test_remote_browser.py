"""The remote in a real browser at phone size: pair it with y on the laptop, begin, count cards, see
the ballots privately, reveal, and the app's screen (the projector) follows. Debian's chromium through Playwright,
in the same event loop as the real app."""

from __future__ import annotations

from conftest import make_app, screen_text, wait_for
from test_web_browser import ARGS, CHROMIUM, PHONE, async_playwright, needs_browser, shots  # noqa: F401  (fixture)

from workshop.tui.screens.remotes import PairScreen
from workshop.tui.screens.vote import VoteScreen

if async_playwright is not None:
    from playwright.async_api import expect

SIZE = (120, 36)


@needs_browser
async def test_a_phone_sized_remote_pairs_and_reveals(db_path, demo, shots):
    app = make_app(db_path, plan=demo, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot, async_playwright() as pw:
        await wait_for(pilot, lambda: app.phone_server is not None)
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
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
            await page.get_by_role("button", name="Next principle").click()  # begins, as Enter in the lobby
            await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
            live = app.screen.live
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
        finally:
            await browser.close()
