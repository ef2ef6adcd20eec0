"""Editing as people do it: write, review, request changes, approve and read; conflicts; the phone contents.

These tests check what a person would notice (the status shown, the reviewer's comment, the conflict warning,
the contents menu on a phone) rather than database rows. Set-up and fixtures are in ``conftest.py`` beside this file.

``UPDATE_SCREENSHOTS=1 pytest tests/browser/test_editing_flow.py -k screenshots`` rewrites
``docs/screenshots/*.png``; without it the screenshot test still opens and checks every screen but writes nothing.
"""

import io
import os
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from policies import services
from policies.models import Entry, EntryStatus, Manual, Section

from ..conftest import shown
from .conftest import PHONE

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_write_review_request_changes_approve_and_read(live_server, sign_in, bob, alice, carol, section):
    base = live_server.url + "/manuals/service"

    # The editor writes a new entry; the preview shows the Markdown as readers will see it.
    editor = sign_in("bob")
    editor.goto(base + "/new/")
    editor.get_by_label("Title").fill("Lost parcels")
    editor.get_by_label("Slug").fill("lost-parcels")
    editor.get_by_label("Kind").select_option(label="Procedure")
    editor.get_by_label("Section").select_option(label="Policies")
    editor.get_by_label("Summary").fill("What to do when a parcel has not arrived.")
    editor.get_by_label("Phone", exact=True).check()
    editor.get_by_label("Email", exact=True).check()
    editor.get_by_label("Text", exact=True).fill("Wait **5 working days**, then send a replacement.")
    expect(editor.locator("#preview strong")).to_have_text("5 working days")
    editor.get_by_label("Note for the reviewer").fill("A new procedure: we had no rule for lost parcels.")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor).to_have_url(base + "/lost-parcels/edit/")
    expect(editor.get_by_text("Sent for review. A manager will approve it or ask for changes.")).to_be_visible()
    expect(editor.locator(".statusbar .chip")).to_have_text("In review")
    expect(editor.get_by_text("Never published: readers cannot see it yet.")).to_be_visible()

    # The manager finds it in the review queue and sends it back with a comment.
    manager = sign_in("alice")
    manager.goto(base + "/review/")
    queue_item = manager.locator(".queue li", has_text="Lost parcels")
    expect(queue_item).to_contain_text("submitted by bob")
    expect(queue_item).to_contain_text("A new procedure: we had no rule for lost parcels.")
    queue_item.get_by_role("link", name="Review").click()
    # Reviewing is its own screen: the text as readers will see it, the author's note, the decision beside it.
    expect(manager).to_have_url(base + "/lost-parcels/review/")
    expect(manager.locator(".author-note")).to_contain_text("we had no rule for lost parcels")
    expect(manager.locator(".rendered-diff strong")).to_have_text("5 working days")
    expect(manager.locator("textarea")).to_have_count(2)  # the approval summary and the request, no editor
    manager.get_by_label("What needs to change").fill("Say how the customer is told about the replacement.")
    manager.get_by_role("button", name="Request changes").click()
    expect(manager).to_have_url(base + "/review/")
    expect(manager.get_by_text("Sent back to the author with your comment.")).to_be_visible()
    expect(manager.locator(".queue.compact")).to_contain_text("changes requested")

    # The editor sees the comment, revises the text and submits again.
    editor.reload()
    expect(editor.locator(".review-comment")).to_contain_text("Say how the customer is told about the replacement.")
    expect(editor.locator(".statusbar")).to_contain_text("Changes requested by alice.")
    editor.get_by_label("Text", exact=True).fill(
        "Wait **5 working days**, then send a replacement and email the customer its tracking number."
    )
    expect(editor.locator("#preview")).to_contain_text("tracking number")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.get_by_text("Sent for review. A manager will approve it or ask for changes.")).to_be_visible()
    expect(editor.locator(".statusbar .chip")).to_have_text("In review")
    expect(editor.locator(".review-comment")).to_have_count(0)

    # The manager approves and publishes; the live entry page opens.
    manager.goto(base + "/review/")
    manager.locator(".queue li", has_text="Lost parcels").get_by_role("link", name="Review").click()
    expect(manager.locator(".rendered-diff")).to_contain_text("tracking number")
    manager.get_by_label("What changed and why").fill("New procedure for parcels that never arrive.")
    manager.get_by_role("button", name="Approve and publish").click()
    expect(manager).to_have_url(base + "/lost-parcels/")
    expect(manager.get_by_text("Published as version 1. Readers now see it.")).to_be_visible()
    expect(manager.get_by_role("heading", name="Lost parcels", level=1)).to_be_visible()

    # The agent reads the revised, published text but cannot open the editor.
    agent = sign_in("carol")
    agent.goto(base + "/lost-parcels/")
    article = agent.locator("article.entry")
    expect(article).to_contain_text("email the customer its tracking number")
    expect(article.locator(".prose strong")).to_have_text("5 working days")
    expect(article).to_contain_text("Latest change: New procedure for parcels that never arrive.")
    expect(agent.get_by_role("link", name="Lost parcels")).to_be_visible()  # listed in the contents
    expect(agent.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    response = agent.goto(base + "/lost-parcels/edit/")
    assert response.status == 403
    expect(agent.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(agent.locator("textarea")).to_have_count(0)


def test_two_people_editing_the_same_entry_see_a_conflict_not_a_lost_edit(live_server, sign_in, make_entry):
    entry = make_entry("refund-policy", body="Refunds within **30 days** of purchase.")
    edit_url = f"{live_server.url}/manuals/service/{entry.slug}/edit/"
    editor, manager = sign_in("bob"), sign_in("alice")
    editor.goto(edit_url)
    manager.goto(edit_url)

    manager.get_by_label("Text", exact=True).fill("Refunds within **30 days** of purchase, with the receipt.")
    manager.get_by_role("button", name="Save draft").click()
    expect(manager.get_by_text("Draft saved.", exact=True)).to_be_visible()

    bobs_text = "Refunds within **60 days** of purchase."
    editor.get_by_label("Text", exact=True).fill(bobs_text)
    editor.get_by_role("button", name="Save draft").click()
    conflict = editor.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else saved this entry while you were editing")
    expect(conflict).to_contain_text("alice saved it")
    expect(conflict.locator("ins")).to_contain_text("with the receipt")
    expect(editor.get_by_label("Text", exact=True)).to_have_value(bobs_text)
    entry.refresh_from_db()
    assert entry.body == "Refunds within **30 days** of purchase, with the receipt."

    # Having seen alice's change, bob saves deliberately; his text is stored.
    editor.get_by_role("button", name="Save draft").click()
    expect(editor.get_by_text("Draft saved.", exact=True)).to_be_visible()
    expect(editor.get_by_role("alert")).to_have_count(0)
    expect(editor.get_by_label("Text", exact=True)).to_have_value(bobs_text)
    entry.refresh_from_db()
    assert entry.body == bobs_text
    assert entry.status == EntryStatus.DRAFT and entry.last_author.username == "bob"


def test_the_note_for_the_reviewer_is_kept_with_a_saved_draft(live_server, sign_in, make_entry):
    entry = make_entry("refund-policy", body="Refunds within **30 days** of purchase.")
    editor = sign_in("bob")
    editor.goto(f"{live_server.url}/manuals/service/{entry.slug}/edit/")
    note = editor.get_by_label("Note for the reviewer")

    editor.get_by_label("Text", exact=True).fill("Refunds within **60 days** of purchase.")
    note.fill("Sixty days, as the board agreed in May.")
    editor.get_by_role("button", name="Save draft").click()
    expect(editor.get_by_text("Draft saved.", exact=True)).to_be_visible()
    editor.reload()
    expect(note).to_have_value("Sixty days, as the board agreed in May.")

    # A change to the note alone is saved too, and said so.
    note.fill("Sixty days, as the board agreed in June.")
    editor.get_by_role("button", name="Save draft").click()
    expect(editor.get_by_text("Note for the reviewer saved.", exact=True)).to_be_visible()
    editor.reload()
    expect(note).to_have_value("Sixty days, as the board agreed in June.")


def test_on_a_phone_the_contents_open_from_the_menu_button(live_server, sign_in, carol, make_entry):
    make_entry("refund-policy", title="Refund policy")
    make_entry("exchanges", title="Exchanges")
    page = sign_in("carol", **PHONE)
    page.goto(f"{live_server.url}/manuals/service/refund-policy/")
    expect(page.get_by_role("heading", name="Refund policy", level=1)).to_be_visible()
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents).to_be_hidden()

    menu = page.get_by_role("button", name="☰ Contents")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.tap()
    expect(contents).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(contents.get_by_role("link", name="Exchanges")).to_be_visible()
    contents.get_by_role("link", name="Exchanges").tap()
    expect(page.get_by_role("heading", name="Exchanges", level=1)).to_be_visible()

    # Search is within reach on a phone too: at the top of the contents drawer.
    menu.tap()
    search = contents.get_by_role("searchbox", name="Search the manual")
    search.fill("refund")
    search.press("Enter")
    expect(page.get_by_role("link", name="Refund policy").first).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/manuals/service/search/?q=refund")

    menu.tap()
    expect(contents).to_be_visible()
    page.keyboard.press("Escape")  # and the drawer closes again
    expect(contents).to_be_hidden()


# An entry with everything the reader styles: a script to read aloud, a table and a callout.
SHOWCASE_BODY = """When an order has not arrived by its promised date, check the courier's tracking first: most parcels
are delayed, not lost.

> "I'm sorry your order hasn't reached you yet. Let me check where it is right now."

| Days late | What we do |
|---|---|
| 1 to 2 days | Share the tracking link and the courier's new date |
| 3 to 4 days | Open a courier investigation and offer free next-day delivery |
| 5 days or more | Send a replacement at once, or refund if the customer prefers |

> [!WARNING]
> Never ask the customer to wait for the courier's investigation before sending a replacement.
"""


def _demo_manual():
    """The Northwind demo manual, plus a showcase entry, an edition and an entry sent back for changes."""
    call_command("load_demo", force=True, stdout=io.StringIO())
    manual = Manual.objects.get()
    editor, manager = (User.objects.get(username=u) for u in ("editor", "manager"))
    procedures = Section.objects.get(manual=manual, slug="procedures")
    showcase = services.entry_save_draft(
        entry=None, manual=manual, user=editor,
        data={"title": "Late and missing deliveries", "slug": "late-deliveries", "kind": "procedure",
              "section": procedures, "body": SHOWCASE_BODY, "channels": ["phone", "email", "chat"],
              "owner": "Delivery team lead", "order": 9,
              "summary": "How to help a customer whose order is late or has gone missing."},
    )  # fmt: skip
    services.entry_submit(entry=showcase, user=editor)
    services.entry_approve(
        entry=showcase, user=manager, change_summary="New procedure for late deliveries.",
        reviewed_lock_version=shown(showcase),
    )  # fmt: skip
    label = services.edition_suggest_label(manual)
    services.edition_release(manual=manual, user=manager, label=label, release_notes="Late deliveries procedure.")
    feedback = Entry.objects.get(manual=manual, slug="customer-feedback")
    feedback = services.entry_save_draft(
        entry=feedback, manual=manual, user=editor, data={"summary": feedback.summary + " Updated survey wording."}
    )
    services.entry_submit(entry=feedback, user=editor)
    services.entry_request_changes(entry=feedback, user=manager, comment="Please link the survey questions.")
    return manual


def test_screenshots_of_the_main_screens(live_server, sign_in, open_context):
    manual = _demo_manual()
    base = f"{live_server.url}/manuals/{manual.slug}"
    write = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    if write:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        if write:
            page.screenshot(path=SCREENSHOTS / name, animations="disabled", caret="hide")

    def open_page(page, url, *must_see):
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        for text in must_see:
            expect(page.get_by_text(text).filter(visible=True).first).to_be_visible()

    def shot(page, name, url, *must_see):
        open_page(page, url, *must_see)
        save(page, name)

    login = open_context().new_page()
    shot(login, "login.png", live_server.url + "/accounts/login/", "Read, write and approve your customer service")

    agent = sign_in("agent", "demo-agent-2026")
    shot(agent, "manual-home.png", base + "/", manual.title, "Northwind Outfitters")
    shot(agent, "entry.png", base + "/late-deliveries/", "Late and missing deliveries", "Days late")
    expect(agent.locator("article .prose table")).to_be_visible()
    expect(agent.locator("article .prose .callout-warning")).to_be_visible()
    expect(agent.locator("article .prose blockquote")).to_contain_text("Let me check where it is")
    shot(agent, "editions.png", base + "/editions/", "Edition 2026.1")
    shot(agent, "print.png", base + "/print/", manual.title)

    phone = sign_in("agent", "demo-agent-2026", **PHONE)
    shot(phone, "phone-entry.png", base + "/refund-policy/", "Refund and reimbursement policy")
    expect(phone.get_by_role("navigation", name="Contents")).to_be_hidden()

    editor = sign_in("editor", "demo-editor-2026")
    open_page(editor, base + "/phone-protocol/edit/", "Phone protocol", "In review")
    body = editor.get_by_label("Text", exact=True)
    body.press("Control+Home")
    body.press_sequentially("Every call starts with a **smile**: callers can hear it.\n\n")
    expect(editor.locator("#preview strong", has_text="smile")).to_be_visible()
    # The text box and its preview side by side: scroll the page to the "Text" field.
    editor.locator(".field-body").evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top - 90)")
    expect(editor.get_by_text("as readers will see it")).to_be_in_viewport()
    save(editor, "editor.png")

    manager = sign_in("manager", "demo-manager-2026")
    shot(manager, "review-queue.png", base + "/review/", "Awaiting review", "changes requested")
    shot(manager, "review.png", base + "/phone-protocol/review/", "Phone protocol", "Approve and publish")
    expect(manager.locator(".rendered-diff ins").first).to_contain_text("Busy periods")
    shot(manager, "history.png", base + "/refund-policy/history/", "Refund and reimbursement policy")
    # The card refund time (a shared value) changed, then the holiday extension was added.
    expect(manager.locator(".timeline .event-version")).to_have_count(3)
    expect(manager.get_by_text("Version 3 published")).to_be_visible()
    open_page(manager, base + "/refund-policy/diff/?from=2&to=3", "Version 2", "Version 3")
    added = manager.locator(".diff ins").first
    expect(added).to_contain_text("Holiday purchases")
    # Show the changed field, not the unchanged ones above it.
    manager.locator(".diff-block:not(.unchanged)").first.evaluate(
        "el => window.scrollBy(0, el.getBoundingClientRect().top - 62)"
    )
    expect(added).to_be_in_viewport()
    save(manager, "diff.png")
