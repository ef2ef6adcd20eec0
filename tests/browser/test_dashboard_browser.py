"""A manager sees the manual's health score in the header, opens the dashboard's health check from it, and follows
a finding to the page where it is put right; on a phone the charts fit the screen."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from .conftest import PHONE


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manual_with_findings(make_entry):
    """A refund policy nobody owns, and neither channels nor a protocol, escalation or standards."""
    return make_entry("refund-policy", title="Refund policy").manual


def test_a_manager_follows_a_finding_from_the_header_score_to_its_fix(live_server, sign_in, manual_with_findings):
    page = sign_in("alice")
    page.goto(f"{live_server.url}/manuals/service/refund-policy/")
    badge = page.get_by_role("link", name=re.compile(r"^Health \d+ out of 100"))
    expect(badge).to_be_visible()
    score = badge.locator("strong").inner_text()

    badge.click()
    expect(page).to_have_url(re.compile(r"/manuals/service/dashboard/#health$"))
    health = page.get_by_role("region", name="Health check")
    expect(health.locator(".health-score strong")).to_have_text(score)
    findings = health.locator(".finding")
    expect(findings.first.locator(".chip")).to_have_text("High")
    owners = health.locator("#finding-owners")
    expect(owners).to_contain_text("1 live entry has no owner")
    health.get_by_text("How the score is worked out").click()
    expect(health.get_by_text(re.compile("worth 3 points if its severity is high"))).to_be_visible()

    owners.get_by_role("link", name="Give it an owner").click()
    expect(page).to_have_url(re.compile(r"/manuals/service/refund-policy/edit/$"))
    expect(page.get_by_label("Owner", exact=False).first).to_be_visible()


def test_each_chart_offers_its_table_and_on_a_phone_fits_the_screen(live_server, sign_in, manual_with_findings):
    page = sign_in("alice", **PHONE)
    page.goto(f"{live_server.url}/manuals/service/dashboard/")
    chart = page.get_by_role("region", name="Entries by kind and status")
    expect(chart.get_by_role("img", name="Entries by kind and status")).to_be_visible()
    chart.get_by_text("Show as table").click()
    table = chart.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile(r"^Policy 0 0 1 0 1$"))).to_be_visible()
    expect(chart.get_by_role("link", name=re.compile("Download CSV"))).to_have_attribute(
        "href", "/manuals/service/dashboard/entries.csv"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    width = chart.get_by_role("img").evaluate("el => el.getBoundingClientRect().width")
    assert 250 < width <= 390
