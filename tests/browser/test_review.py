"""Reviewing, retiring, reinstating and deleting as people do it: typing, pressing buttons, reading the page."""

import re

from playwright.sync_api import expect

from policies import services
from policies.models import Entry, EntryStatus

BODY = "Refunds within **30 days** of purchase.\n\nKeep the receipt.\n\n- Cash back in cash\n- Cards back to the card"


def test_saving_without_typing_creates_no_draft_and_no_history(live_server, sign_in, make_entry):
    entry = make_entry("refund-policy", body=BODY)
    rows = entry.history.count()
    editor = sign_in("bob")
    editor.goto(f"{live_server.url}/manuals/service/refund-policy/edit/")
    # The browser sends the textarea back with CRLF line ends; nothing a reader could see has changed.
    editor.get_by_role("button", name="Save draft").click()
    expect(editor.get_by_text("Nothing changed, so nothing was saved.")).to_be_visible()
    expect(editor.locator(".statusbar .chip")).to_have_text("Published")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED and not entry.has_unpublished_changes
    assert entry.history.count() == rows
    editor.goto(f"{live_server.url}/manuals/service/refund-policy/diff/?from=live&to=draft")
    expect(editor.get_by_text("The two are the same.")).to_be_visible()
    expect(editor.locator(".diff ins, .diff del")).to_have_count(0)


def test_approval_is_refused_when_the_draft_changed_after_the_reviewer_opened_it(live_server, sign_in, make_entry):
    entry = make_entry("refund-policy", body=BODY)
    base = f"{live_server.url}/manuals/service/refund-policy"
    editor, manager = sign_in("bob"), sign_in("alice")

    editor.goto(base + "/edit/")
    editor.get_by_label("Text", exact=True).fill(BODY.replace("30 days", "45 days"))
    editor.get_by_label("Note for the reviewer").fill("Longer window, as agreed with finance.")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".statusbar .chip")).to_have_text("In review")

    manager.goto(base + "/review/")
    expect(manager.locator(".rendered-diff ins")).to_have_text("45")
    expect(manager.locator(".rendered-diff del")).to_have_text("30")
    expect(manager.get_by_label("What changed and why")).to_have_value("Longer window, as agreed with finance.")

    # While the manager reads, the editor changes the text again and resubmits it.
    editor.get_by_label("Text", exact=True).fill(BODY.replace("30 days", "90 days"))
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".statusbar .chip")).to_have_text("In review")

    manager.get_by_role("button", name="Approve and publish").click()
    alert = manager.get_by_role("alert")
    expect(alert).to_contain_text("Not published: the draft changed after you opened it")
    expect(alert.locator("ins")).to_contain_text("90")
    entry.refresh_from_db()
    assert entry.live_version.number == 1 and "30 days" in entry.live_version.body

    # The page now shows the new text; approving it again is a deliberate choice and publishes what was read.
    expect(manager.locator(".rendered-diff ins")).to_have_text("90")
    manager.get_by_role("button", name="Approve and publish").click()
    expect(manager.get_by_text("Published as version 2. Readers now see it.")).to_be_visible()
    entry.refresh_from_db()
    assert "90 days" in entry.live_version.body


def test_leaving_the_editor_with_unsaved_changes_asks_first(live_server, sign_in, make_entry, bob):
    entry = make_entry("refund-policy", body=BODY)
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": BODY + "\n\nMore."})
    services.entry_submit(entry=entry, user=bob)
    manager = sign_in("alice")
    manager.goto(f"{live_server.url}/manuals/service/refund-policy/edit/")
    manager.get_by_label("Text", exact=True).press_sequentially("A fix the manager typed. ")
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    manager.on("dialog", stay)
    manager.get_by_role("link", name="Review this draft").click()
    manager.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(manager).to_have_url(re.compile(r"/refund-policy/edit/$"))
    expect(manager.get_by_role("button", name="Approve and publish")).to_have_count(0)


def test_links_to_missing_entries_block_submission_and_are_named(live_server, sign_in, make_entry):
    make_entry("refund-policy", published=False, body="See [exchanges](exchanges.md) and [gift cards](gift-cards.md).")
    editor = sign_in("bob")
    editor.goto(f"{live_server.url}/manuals/service/refund-policy/edit/")
    editor.get_by_role("button", name="Submit for review").click()
    expect(
        editor.get_by_text(re.compile("links to entries that do not exist: “exchanges”, “gift-cards”"))
    ).to_be_visible()
    expect(editor.locator(".statusbar .chip")).to_have_text("Draft")


def test_retire_asks_for_a_reason_and_a_confirmation_and_can_be_undone(
    live_server, sign_in, make_entry, mallory, carol
):
    make_entry("refund-policy", title="Refund policy", body=BODY)
    base = f"{live_server.url}/manuals/service/refund-policy"
    manager = sign_in("alice")
    manager.goto(base + "/edit/")
    manager.get_by_role("link", name="Retire…").click()
    expect(manager).to_have_url(base + "/retire/")
    manager.get_by_label("Why it is retired").fill("Replaced by the returns policy")
    manager.get_by_role("button", name="Retire this entry").click()
    expect(manager.get_by_text("Tick the box to confirm.")).to_be_visible()
    expect(manager.get_by_label("Why it is retired")).to_have_value("Replaced by the returns policy")
    manager.get_by_label("I understand that readers will no longer see this entry.").check()
    manager.get_by_role("button", name="Retire this entry").click()
    expect(manager.locator(".statusbar")).to_contain_text("Retired")
    expect(manager.locator(".statusbar")).to_contain_text("Replaced by the returns policy")

    agent = sign_in("carol")
    assert agent.goto(base + "/").status == 404

    # Reinstating brings it back as a draft that goes through review; readers wait for the approval.
    manager.get_by_label("Why it comes back").fill("The returns policy was withdrawn")
    manager.get_by_role("button", name="Reinstate as a draft").click()
    expect(manager.get_by_text("Reinstated as a draft.", exact=False)).to_be_visible()
    manager.get_by_role("button", name="Submit for review").click()
    assert agent.goto(base + "/").status == 404

    second = sign_in("mallory")
    second.goto(base + "/review/")
    second.get_by_label("What changed and why").fill("Back in the manual")
    second.get_by_role("button", name="Approve and publish").click()
    expect(second.get_by_text("Published as version 2. Readers now see it.")).to_be_visible()
    assert agent.goto(base + "/").status == 200
    expect(agent.get_by_role("heading", name="Refund policy", level=1)).to_be_visible()


def test_a_draft_never_published_is_deleted_not_retired(live_server, sign_in, make_entry):
    entry = make_entry("gift-cards", title="Gift cards", published=False)
    editor = sign_in("bob")
    editor.goto(f"{live_server.url}/manuals/service/gift-cards/edit/")
    expect(editor.get_by_role("link", name="Retire…")).to_have_count(0)
    editor.get_by_role("link", name="Delete…").click()
    editor.get_by_role("button", name="Delete the draft").click()
    expect(editor.get_by_text("Tick the box to confirm.")).to_be_visible()
    editor.get_by_label(re.compile("Delete this draft")).check()
    editor.get_by_role("button", name="Delete the draft").click()
    expect(editor.get_by_text("The draft “Gift cards” was deleted.")).to_be_visible()
    assert not Entry.objects.filter(pk=entry.pk).exists()
    deleted = Entry.history.filter(id=entry.pk, history_type="-").get()
    assert deleted.history_user.username == "bob"
