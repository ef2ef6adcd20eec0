"""The workspace menu: grouped, on one line at a desk; on a phone it scrolls sideways and says so. A manager's
home page of a manual leads to every tool they oversee."""

import re

from playwright.sync_api import expect

from .conftest import PHONE

MENU_LINKS = ["Read", "Review queue", "New entry", "Import", "Reviews", "Shared values", "Feedback",
              "Failed searches", "Dashboard", "Acknowledgements", "Editions", "Sections", "Settings"]  # fmt: skip


def _menu(page):
    return page.get_by_role("navigation", name="Manual workspace")


def test_a_managers_workspace_menu_is_grouped_and_fits_one_line_on_a_desk(live_server, sign_in, manual):
    page = sign_in("alice")
    page.goto(f"{live_server.url}/manuals/service/review/")
    menu = _menu(page)
    expect(menu.get_by_role("link")).to_have_text(MENU_LINKS)
    expect(menu.get_by_role("group", name="Write").get_by_role("link")).to_have_text(
        ["Review queue", "New entry", "Import"]
    )
    expect(menu.get_by_role("group", name="Keep current").get_by_role("link", name="Failed searches")).to_be_visible()
    expect(menu.get_by_role("group", name="Oversee").get_by_role("link", name="Acknowledgements")).to_be_visible()
    expect(menu.get_by_role("link", name="Review queue")).to_have_attribute("aria-current", "page")

    tops = {round(box["y"]) for box in (link.bounding_box() for link in menu.get_by_role("link").all())}
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} lines at 1280 px"
    for link in menu.get_by_role("link").all():  # every link in view, none cut off at the right
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, link.inner_text()
    expect(menu.get_by_text("Scroll for more")).to_be_hidden()

    menu.get_by_role("link", name="Acknowledgements").click()
    expect(page.get_by_role("heading", name="Acknowledgements", level=1)).to_be_visible()
    expect(_menu(page).get_by_role("link", name="Acknowledgements")).to_have_attribute("aria-current", "page")


def test_on_a_phone_the_menu_scrolls_sideways_and_says_so(live_server, sign_in, manual):
    page = sign_in("alice", **PHONE)
    page.goto(f"{live_server.url}/manuals/service/review/")
    menu = _menu(page)
    cue = menu.get_by_text("Scroll for more")
    expect(cue).to_be_visible()
    settings = menu.get_by_role("link", name="Settings")
    box = settings.bounding_box()
    assert box["x"] >= 390, "the last link should be out of view until the menu is scrolled"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page itself scrolls sideways"

    # A swipe along the menu (a sideways wheel here) brings the rest into view; the cue goes at the end.
    menu.hover()
    for _ in range(6):
        page.mouse.wheel(400, 0)
    expect(cue).to_be_hidden()
    box = settings.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390
    assert page.evaluate("window.scrollX") == 0
    settings.click()
    expect(page).to_have_url(re.compile(r"/manuals/service/settings/$"))


def test_a_managers_manual_home_leads_to_the_tools_they_oversee(live_server, sign_in, manual):
    page = sign_in("alice")
    page.goto(f"{live_server.url}/manuals/service/")
    tools = page.get_by_role("navigation", name="Your tools")
    for name in ("Dashboard", "Acknowledgements", "Feedback", "Failed searches", "Shared values", "New entry"):
        expect(tools.get_by_role("link", name=name, exact=True)).to_be_visible()
    tools.get_by_role("link", name="Failed searches").click()
    expect(page.get_by_role("heading", name="What readers did not find")).to_be_visible()

    page.goto(f"{live_server.url}/manuals/service/")
    page.get_by_role("navigation", name="Your tools").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/manuals/service/dashboard/$"))


def test_an_agent_sees_no_tools_on_the_manual_home(live_server, sign_in, manual, carol):
    page = sign_in("carol")
    page.goto(f"{live_server.url}/manuals/service/")
    expect(page.get_by_role("heading", name="Contents")).to_be_visible()
    expect(page.get_by_role("navigation", name="Your tools")).to_have_count(0)
