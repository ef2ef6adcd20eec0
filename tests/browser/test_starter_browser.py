"""Starting a manual from the starter template, as a manager does it in the browser."""

from playwright.sync_api import expect

from policies.importexport.starter import starter_size


def test_a_manager_starts_a_manual_from_the_starter_and_sees_its_drafts(live_server, sign_in, alice, carol):
    sections, entries = starter_size()
    manager = sign_in("alice")
    manager.goto(live_server.url + "/manuals/new/")
    manager.get_by_label("Title").fill("Harbour Lights Service Manual")
    manager.get_by_label("Slug").fill("harbour")
    manager.get_by_label("Organisation").fill("Harbour Lights Ferries")
    starter = manager.get_by_label("The starter template")
    expect(starter).to_be_checked()  # the default
    expect(manager.get_by_text("[your company]")).to_be_visible()  # the help says what gets filled in
    manager.get_by_role("button", name="Create manual").click()

    expect(manager).to_have_url(live_server.url + "/manuals/harbour/sections/")
    expect(manager.get_by_text(f"{entries} draft entries to edit and submit for review")).to_be_visible()
    expect(manager.locator(".outline-section")).to_have_count(sections)
    expect(manager.locator(".outline-entries .chip")).to_have_count(entries)
    expect(manager.locator(".outline-entries .chip").first).to_have_text("Draft")
    refunds = manager.locator(".outline-entries li", has_text="Refunds and returns")
    refunds.get_by_role("link", name="Refunds and returns").click()

    # The draft has the organisation's name written in, and the decision to make at the top.
    expect(manager.locator(".statusbar .chip")).to_have_text("Draft")
    preview = manager.locator("#preview")
    expect(preview.locator(".callout-important")).to_contain_text("Choose your refund window")
    expect(preview).to_contain_text("buy from Harbour Lights Ferries with confidence")

    # An agent sees none of it: the manual, with its placeholder mission, stays closed until a manager opens it.
    reader = sign_in("carol")
    reader.goto(live_server.url + "/manuals/harbour/")
    expect(reader.get_by_text("This manual is not open to readers yet.")).to_be_visible()
    expect(reader.get_by_text("Refunds and returns")).to_have_count(0)

    # Opened, it shows readers only what has been approved: nothing yet.
    manager.goto(live_server.url + "/manuals/harbour/")
    manager.get_by_role("button", name="Open the manual to readers").click()
    expect(manager.get_by_text("Readers cannot see this manual yet")).to_have_count(0)
    reader.goto(live_server.url + "/manuals/harbour/")
    expect(reader.get_by_text("Nothing has been published in this manual yet.")).to_be_visible()
    expect(reader.get_by_text("Refunds and returns")).to_have_count(0)
