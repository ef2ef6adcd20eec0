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


def test_a_manager_records_feedback_about_an_entry_picked_from_the_suggestions(
    live_server, sign_in, make_entry, manual
):
    make_entry("refund-policy", title="Refund policy")
    make_entry("gift-cards", title="Gift cards")
    manager = sign_in("alice", **PHONE)
    manager.goto(f"{live_server.url}/manuals/service/feedback/record/")
    box = manager.get_by_label("Entry", exact=True)
    assert box.bounding_box()["height"] >= 44
    suggestions = manager.locator(f"datalist#{box.get_attribute('list')} option")
    assert sorted(suggestions.evaluate_all("os => os.map(o => o.value)")) == ["Gift cards", "Refund policy"]

    box.press_sequentially("gift")
    # The browser's list offers the titles matching what was typed; picking one puts that title in the box (the
    # list itself is drawn by the browser, outside the page, so the pick is made by filling in its value).
    matching = [title for title in suggestions.evaluate_all("os => os.map(o => o.value)") if "gift" in title.lower()]
    assert matching == ["Gift cards"]
    box.fill(matching[0])
    manager.get_by_label("What they said").fill("The card ran out before its date.")
    manager.get_by_role("button", name="Record").click()
    expect(manager.get_by_text("Recorded. It is on the board under New.")).to_be_visible()
    item = FeedbackItem.objects.get()
    assert item.entry.slug == "gift-cards"
    expect(manager.locator(f"#feedback-{item.pk}").get_by_label("About")).to_have_value("Gift cards")
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390


def test_recording_feedback_about_an_unknown_title_shows_the_error_and_keeps_the_text(
    live_server, sign_in, make_entry, manual
):
    make_entry("refund-policy", title="Refund policy")
    manager = sign_in("alice", **PHONE)
    manager.goto(f"{live_server.url}/manuals/service/feedback/record/")
    manager.get_by_label("Entry", exact=True).press_sequentially("Refunds for vouchers")
    manager.get_by_label("Customer reference").fill("CASE-7")
    manager.get_by_label("What they said").fill("Can I get my voucher back?")
    manager.get_by_role("button", name="Record").click()
    expect(manager.get_by_text("No entry is called “Refunds for vouchers”.")).to_be_visible()
    expect(manager.get_by_label("Entry", exact=True)).to_have_value("Refunds for vouchers")
    expect(manager.get_by_label("Customer reference")).to_have_value("CASE-7")
    expect(manager.get_by_label("What they said")).to_have_value("Can I get my voucher back?")
    assert not FeedbackItem.objects.exists()
