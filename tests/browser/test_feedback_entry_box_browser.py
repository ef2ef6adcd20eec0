"""On a phone, a manager ties a feedback item to an entry by typing its title in the item's entry box."""

from playwright.sync_api import expect

from feedback.models import FeedbackItem
from feedback.services import feedback_record

from .conftest import PHONE


def test_a_manager_types_an_entrys_title_to_tie_feedback_to_it(live_server, sign_in, make_entry, manual, alice):
    make_entry("refund-policy", title="Refund policy")
    make_entry("gift-cards", title="Gift cards")
    item = feedback_record(
        manual=manual, user=alice, source="complaint", channel="", received_on="2026-03-02",
        text="Refused a refund on day 31.",
    )  # fmt: skip

    manager = sign_in("alice", **PHONE)
    manager.goto(f"{live_server.url}/manuals/service/feedback/")
    card = manager.locator(f"#feedback-{item.pk}")
    box = card.get_by_label("About")
    assert box.bounding_box()["height"] >= 44
    # Suggestions as you type: the box offers the live entries' titles.
    suggestions = manager.locator(f"datalist#{box.get_attribute('list')} option")
    expect(suggestions).to_have_count(2)
    assert sorted(suggestions.evaluate_all("os => os.map(o => o.value)")) == ["Gift cards", "Refund policy"]

    box.press_sequentially("refund policy")
    card.get_by_label("Status").select_option(label="Planned")
    card.get_by_role("button", name="Save").click()
    expect(manager.get_by_text(f"#{item.pk} marked planned and about “Refund policy”.")).to_be_visible()
    manager.goto(f"{live_server.url}/manuals/service/feedback/?status=all")
    card = manager.locator(f"#feedback-{item.pk}")
    expect(card.get_by_label("About")).to_have_value("Refund policy")
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390

    # A title nobody wrote: a clear error; the status chosen with it is still saved.
    card.get_by_label("About").fill("Refunds for gift vouchers")
    card.get_by_label("Status").select_option(label="Done")
    card.get_by_role("button", name="Save").click()
    expect(manager.get_by_text("No entry is called “Refunds for gift vouchers”.")).to_be_visible()
    item = FeedbackItem.objects.get(pk=item.pk)
    assert item.entry.slug == "refund-policy" and item.status == "done"
