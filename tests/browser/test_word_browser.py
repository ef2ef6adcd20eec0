"""An editor imports a Word document: chooses the file, reads the preview, confirms, and lands on the new draft."""

from playwright.sync_api import expect

from policies.models import Entry, EntryStatus

from ..test_word import lost_parcels_docx


def test_an_editor_imports_a_word_file_as_a_draft(live_server, sign_in, bob, section, tmp_path):
    path = tmp_path / "Lost parcels.docx"
    path.write_bytes(lost_parcels_docx())
    base = live_server.url + "/manuals/service"

    editor = sign_in("bob")
    editor.goto(base + "/")
    editor.get_by_role("link", name="Import Word files").click()
    expect(editor).to_have_url(base + "/import/word/")
    editor.get_by_label("Word files").set_input_files(str(path))
    editor.get_by_label("Kind").select_option(label="Procedure")
    editor.get_by_role("button", name="Preview the drafts").click()

    # The preview: title, address, the first lines, what was left out; nothing created yet.
    expect(editor.get_by_role("heading", name="Lost parcels")).to_be_visible()
    expect(editor.locator(".word-plan code")).to_have_text("lost-parcels")
    expect(editor.locator(".word-plan pre")).to_contain_text("## Steps")
    expect(editor.locator(".callout-warning")).to_contain_text("2 links kept as plain text")
    assert not Entry.objects.exists()
    editor.get_by_text("Show it as readers will see it").click()
    expect(editor.locator(".word-plan .prose table")).to_be_visible()

    editor.get_by_role("button", name="Create 1 draft").click()
    expect(editor).to_have_url(base + "/lost-parcels/edit/")
    expect(editor.get_by_text("Imported Lost parcels.docx as a draft.")).to_be_visible()
    expect(editor.get_by_label("Title")).to_have_value("Lost parcels")
    expect(editor.locator("#preview table td").last).to_have_text("Full refund")
    entry = Entry.objects.get()
    assert (entry.kind, entry.status, entry.live_version) == ("procedure", EntryStatus.DRAFT, None)
