"""Changing a shared value as people do it: a manager sees every entry it changes and submits it, another
manager approves it, and an agent reads the entry with the new value."""

from playwright.sync_api import expect

from policies import services
from policies.models import Entry


def test_a_value_change_is_previewed_reviewed_and_read(live_server, sign_in, manual, make_entry, alice, mallory, carol):
    services.value_create(manual=manual, user=alice, name="refund_window", label="Refund window", value="30 days")
    make_entry("refund-policy", title="Refund policy", body="Refunds within **{{ refund_window }}**.")
    make_entry("returns", body="Returns are accepted for {{ refund_window }}.")
    make_entry("exchanges", published=False, body="Exchanges within {{ refund_window }}.")
    make_entry("tone", body="Be warm.")
    base = f"{live_server.url}/manuals/service/values"

    author = sign_in("alice")
    author.goto(f"{live_server.url}/manuals/service/review/")
    author.get_by_role("link", name="Shared values").click()
    card = author.locator(".value-card", has_text="Refund window")
    expect(card).to_contain_text("30 days")
    expect(card).to_contain_text("Used in 3 entries")
    card.get_by_role("link", name="Refund window").click()
    author.get_by_role("link", name="Change the value").click()
    author.get_by_label("New value").fill("45 days")
    author.get_by_role("button", name="Show the entries it changes").click()

    affected = author.locator(".affected-entry")
    expect(affected).to_have_count(3)
    expect(author.get_by_role("heading", name="3 entries use this value")).to_be_visible()
    live = affected.filter(has_text="Refund policy").filter(has_text="New version 2")
    expect(live.locator("del")).to_have_text("30 days")
    expect(live.locator("ins")).to_have_text("45 days")
    expect(affected.filter(has_text="Tone")).to_have_count(0)
    author.get_by_label("What changed and why").fill("Customers asked for longer to decide.")
    author.get_by_label("Minor: nobody is asked again").check()
    author.get_by_label("Material: the entries’ readers are asked to acknowledge them again").check()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("Sent for review.")).to_be_visible()
    expect(author.get_by_text("another manager must approve it (four eyes)")).to_be_visible()

    reviewer = sign_in("mallory")
    reviewer.goto(f"{base}/refund_window/")
    expect(reviewer.locator(".value-from-to ins")).to_have_text("45 days")
    expect(reviewer.locator(".affected-entry")).to_have_count(3)
    reviewer.get_by_role("button", name="Approve and publish 2 entries").click()
    published = "Published: Refund window is now “45 days”, and 2 entries have a new version."
    expect(reviewer.get_by_text(published)).to_be_visible()

    version = Entry.objects.get(slug="refund-policy").live_version
    assert version.number == 2 and version.change_summary == (
        "Refund window: 30 days → 45 days. Customers asked for longer to decide."
    )

    agent = sign_in("carol", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    agent.goto(f"{live_server.url}/manuals/service/refund-policy/")
    expect(agent.locator(".prose").first).to_contain_text("Refunds within 45 days.")
    assert agent.goto(f"{base}/").status == 403
