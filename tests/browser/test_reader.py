"""The manual in a browser: the contents drawer on a phone, PDF downloads, and small touches around signing in
and filling in forms."""

import re

import pytest
from playwright.sync_api import expect

from policies import services

from .conftest import PHONE

SECTIONS = ["Returns", "Deliveries", "Payments", "Accounts", "Escalations"]


@pytest.fixture
def long_manual(manual, alice, make_entry):
    """Thirty published entries in five sections: more contents than a phone screen holds."""
    for order, title in enumerate(SECTIONS, start=2):
        section = services.section_save(
            section=None, manual=manual, user=alice, data={"title": title, "slug": title.lower(), "order": order}
        )
        for n in range(1, 7):
            make_entry(f"{title.lower()}-{n}", title=f"{title} {n}", section=section, body="Text. " * 400)
    return manual


def _swipe_up(page, x, y, distance=600):
    """A finger dragged ``distance`` pixels up the screen from (x, y), as a person scrolls on a phone."""
    cdp = page.context.new_cdp_session(page)
    steps = 20
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        point = {"x": x, "y": y - distance * step / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_on_a_phone_the_contents_drawer_scrolls_on_its_own(live_server, sign_in, carol, long_manual):
    page = sign_in("carol", **PHONE)
    page.goto(f"{live_server.url}/manuals/service/returns-1/")
    page.evaluate("window.scrollTo(0, 300)")  # a little way into the entry
    scrolled = page.evaluate("window.scrollY")
    assert scrolled == 300

    menu = page.get_by_role("button", name="☰ Contents")
    contents = page.get_by_role("navigation", name="Contents")
    menu.tap()
    expect(contents).to_be_visible()
    onboarding = contents.get_by_role("link", name="Onboarding packet")
    expect(onboarding).not_to_be_in_viewport()

    for _ in range(3):  # a long drawer takes a few swipes
        _swipe_up(page, 150, 780)
    expect(onboarding).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") == scrolled  # the page behind stayed put
    assert contents.evaluate("el => el.scrollTop") > 0

    # Swiping over the dimmed page behind the drawer does not move it either.
    _swipe_up(page, 375, 780)
    assert page.evaluate("window.scrollY") == scrolled

    # Escape closes the drawer and puts focus back on the menu button.
    page.keyboard.press("Escape")
    expect(contents).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    assert page.evaluate("window.scrollY") == scrolled

    # A tap beside the drawer closes it too.
    menu.tap()
    expect(contents).to_be_visible()
    page.touchscreen.tap(380, 500)
    expect(contents).to_be_hidden()
    assert page.evaluate("window.scrollY") == scrolled

    # The last link in the drawer works.
    menu.tap()
    for _ in range(3):
        _swipe_up(page, 150, 780)
    onboarding.tap()
    expect(page).to_have_url(f"{live_server.url}/manuals/service/onboarding/")


def test_the_pdf_link_downloads_the_pdf_rather_than_opening_it(live_server, sign_in, carol, make_entry):
    make_entry()
    page = sign_in("carol")
    page.goto(f"{live_server.url}/manuals/service/refund-policy/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert re.fullmatch(r"customer-service-manual-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
    expect(page).to_have_url(f"{live_server.url}/manuals/service/refund-policy/")  # the reader stays put


def test_a_new_entry_gets_a_web_address_from_its_title(live_server, sign_in, bob, section):
    page = sign_in("bob")
    page.goto(f"{live_server.url}/manuals/service/new/")
    title, slug = page.get_by_label("Title"), page.get_by_label("Slug")
    title.press_sequentially("Returns & exchanges: Über-fast refunds")
    expect(slug).to_have_value("returns-exchanges-uber-fast-refunds")

    # Once the person types their own address, the title no longer changes it.
    slug.fill("fast-refunds")
    title.press_sequentially(" today")
    expect(slug).to_have_value("fast-refunds")


def test_editing_a_title_leaves_the_existing_address_alone(live_server, sign_in, make_entry):
    make_entry("refund-policy")
    page = sign_in("bob")
    page.goto(f"{live_server.url}/manuals/service/refund-policy/edit/")
    page.get_by_label("Title").press_sequentially(" for online orders")
    expect(page.get_by_label("Slug")).to_have_value("refund-policy")


def test_a_forgotten_password_is_one_link_away_from_the_login_page(live_server, open_context, carol):
    page = open_context().new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(live_server.url + "/accounts/password_reset/")
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email address").fill("carol@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.get_by_role("link", name="Back to sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
