"""A search that finds nothing reaches the manual's managers: an agent searches, a manager turns the failed search
into feedback and finds it on the feedback board."""

import re

from playwright.sync_api import expect

from .conftest import PHONE


def test_a_search_that_finds_nothing_becomes_feedback(live_server, sign_in, make_entry, dave, alice):
    make_entry("refund-policy", title="Refund policy", body="Refunds within **30 days**.")

    agent = sign_in("dave", **PHONE)
    agent.goto(f"{live_server.url}/manuals/service/search/?q=refund")
    expect(agent.get_by_text("1 result for “refund”.")).to_be_visible()
    expect(agent.locator(".snippet mark")).to_have_text("Refunds")

    search = agent.get_by_role("searchbox", name="Search the manual").last
    search.fill("rain check vouchers")
    search.press("Enter")
    expect(agent.get_by_role("heading", name="Nothing in the manual matches “rain check vouchers”")).to_be_visible()
    expect(agent.get_by_text("We have noted this search for the manual's editors")).to_be_visible()

    manager = sign_in("alice")
    manager.goto(f"{live_server.url}/manuals/service/review/")
    manager.get_by_role("navigation", name="Manual workspace").get_by_role("link", name="Failed searches").click()
    row = manager.locator("tr", has_text="“rain check vouchers”")
    expect(row).to_contain_text("Chat support")
    row.get_by_role("button", name="Turn “rain check vouchers” into feedback").click()
    expect(
        manager.get_by_text(re.compile(r"Feedback #\d+ made from the searches for “rain check vouchers”"))
    ).to_be_visible()
    link = manager.locator("tr", has_text="“rain check vouchers”").get_by_role(
        "link", name=re.compile(r"Feedback #\d+")
    )
    link.click()

    item = manager.locator(".feedback-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Failed search")
    expect(item).to_contain_text("People searched the manual for “rain check vouchers” once (one person)")
    expect(item).to_contain_text("Teams: Chat support.")
