"""A reader compares two editions on a phone: the entries as they read them, the change marked, the rest folded."""

from playwright.sync_api import expect

from policies import services

from ..conftest import revise
from .conftest import PHONE

BODY = "\n\n".join(
    ["Refunds within **14 days** of delivery.", "Keep the receipt.", "Gift cards are not refunded.",
     "Ask for the order number.", "Offer an exchange first."]
)  # fmt: skip


def test_a_reader_compares_two_editions_on_a_phone(live_server, sign_in, make_entry, manual, alice, bob, carol):
    entry = make_entry("refund-policy", title="Refund policy", body=BODY)
    services.edition_release(manual=manual, user=alice, label="2026.1", release_notes="")
    revise(entry, author=bob, approver=alice, body=BODY.replace("an exchange", "an exchange or a repair"))
    services.edition_release(manual=manual, user=alice, label="2026.2", release_notes="")

    reader = sign_in("carol", **PHONE)
    reader.goto(f"{live_server.url}/manuals/service/compare/")
    reader.get_by_label("From").fill("2026.1")
    reader.get_by_label("to", exact=True).fill("2026.2")
    reader.get_by_role("button", name="Compare").click()

    change = reader.locator(".diff-block", has_text="Refund policy")
    expect(change.locator("ins")).to_have_text("or a repair")
    expect(change.get_by_text("Ask for the order number.")).to_be_visible()  # beside the change
    expect(change.get_by_text("**")).to_have_count(0)  # no Markdown, the text as readers see it
    hidden = change.get_by_text("Keep the receipt.")
    expect(hidden).to_be_hidden()  # unchanged paragraphs folded away
    change.get_by_text("3 unchanged paragraphs").click()
    expect(hidden).to_be_visible()
    expect(change.locator("strong", has_text="14 days")).to_be_visible()
    assert reader.evaluate("document.documentElement.scrollWidth") <= 390
