"""On a phone, a table in the "what changed" box scrolls inside its own box: the page never scrolls sideways."""

from playwright.sync_api import expect

from acknowledgements import services as acknowledgements
from policies import services

from ..conftest import publish
from .conftest import PHONE

# Six columns of long words: wider than a phone however the cells wrap.
TABLE = "| Lateness | Telephone | Email | Livechat | Storefront | Compensation |\n|---|---|---|---|---|---|\n"
ROW = "| {n}&nbsp;days | Apologise | Acknowledge | Apologise | Replacement | {voucher} |\n"
BODY = "When an order is late, check the courier first.\n\n" + TABLE + ROW.format(n=1, voucher="Discretionary")
CHANGED = BODY + ROW.format(n=5, voucher="Refundable")


def _page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def _scrolls_in_its_own_box(page, selector):
    """The box's table is wider than the box, and the box scrolls sideways on its own."""
    return page.evaluate(
        """(selector) => {
            const table = document.querySelector(selector + ' table');
            let box = table;
            while (box && !(box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === 'auto')) {
                box = box.parentElement;
            }
            return Boolean(box) && box.getBoundingClientRect().right <= window.innerWidth;
        }""",
        selector,
    )


def test_a_changed_table_on_the_entry_page_scrolls_in_its_box_on_a_phone(
    live_server, sign_in, make_entry, alice, mallory, carol
):
    entry = make_entry("late-orders", title="Late orders", body=BODY)
    acknowledgements.entry_acknowledge(entry=entry, user=carol)
    services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"body": CHANGED})
    publish(entry, author=alice, approver=mallory, summary="Five days late")

    agent = sign_in("carol", **PHONE)
    agent.get_by_role("link", name="Late orders").first.click()
    ask = agent.locator(".ack-ask")
    expect(ask).to_contain_text("This changed since you acknowledged version 1")
    expect(ask.locator("table")).to_contain_text("Refundable")
    assert _page_width(agent) <= 390, f"the entry page scrolls sideways: {_page_width(agent)} px wide"
    assert _scrolls_in_its_own_box(agent, ".ack-ask")
    # A person swipes the table: it moves, the page does not.
    ask.locator("table").hover()
    agent.mouse.wheel(300, 0)
    assert agent.evaluate("window.scrollX") == 0


def test_a_changed_table_on_the_review_screen_scrolls_in_its_box_on_a_phone(
    live_server, sign_in, make_entry, alice, bob
):
    entry = make_entry("late-orders", title="Late orders", body=BODY)
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": CHANGED})
    services.entry_submit(entry=entry, user=bob)

    manager = sign_in("alice", **PHONE)
    manager.goto(f"{live_server.url}/manuals/service/late-orders/review/")
    change = manager.locator(".rendered-diff")
    expect(change.locator("table")).to_contain_text("Refundable")
    expect(change.locator("ins", has_text="Refundable")).to_be_visible()
    assert _page_width(manager) <= 390, f"the review screen scrolls sideways: {_page_width(manager)} px wide"
    assert _scrolls_in_its_own_box(manager, ".rendered-diff")
