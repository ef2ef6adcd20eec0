"""A link whose address is not an address at all (``http://[x]/``, which urllib refuses to read) is reported
with the broken links or shown as plain words, wherever it is typed: never an error page."""

import io

import docx
import pytest

from policies import services
from policies.models import Edition, Entry
from policies.services import TransitionError

from .test_word import CONFIRM_URL, IMPORT_URL, add_hyperlink, upload

BAD = "http://[x]/"


def test_an_entry_with_such_a_link_opens_and_is_refused_for_review_naming_it(client, bob, alice, make_entry):
    entry = make_entry(published=False, body=f"See [the portal]({BAD}).")
    client.force_login(bob)
    edit = client.get(f"/manuals/service/{entry.slug}/edit/")
    assert edit.status_code == 200
    assert "the portal" in edit.content.decode() and 'href="http://[x]/"' not in entry.body_html

    submitted = client.post(f"/manuals/service/{entry.slug}/submit/", follow=True)
    assert submitted.status_code == 200
    assert "links to addresses that cannot be opened: “http://[x]/”" in submitted.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_the_refusal_names_missing_entries_and_bad_addresses_together(make_entry, bob):
    entry = make_entry(published=False, body=f"See [old](gone.md) and [the portal]({BAD}).")
    with pytest.raises(TransitionError) as refused:
        services.entry_submit(entry=entry, user=bob)
    assert refused.value.code == "broken_links"
    message = " ".join(refused.value.messages)
    assert "entries that do not exist: “gone”" in message and "cannot be opened: “http://[x]/”" in message


def test_the_review_page_lists_such_a_link_with_the_broken_ones(client, bob, alice, make_entry):
    entry = make_entry(body="Refunds within 30 days.")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": f"See [it]({BAD})."})
    client.force_login(alice)
    page = client.get(f"/manuals/service/{entry.slug}/review/")
    assert page.status_code == 200
    assert "Links that lead nowhere" in page.content.decode() and "“http://[x]/”" in page.content.decode()


def test_the_live_preview_reports_it(client, bob, manual):
    client.force_login(bob)
    response = client.post("/manuals/service/preview/", {"body": f"See [the portal]({BAD}) and [x](nope.md)."})
    assert response.status_code == 200
    data = response.json()
    assert data["bad_addresses"] == [BAD] and data["broken_links"] == ["nope"]
    assert "<a>the portal</a>" in data["html"]


def test_the_mission_keeps_the_words_without_the_link(client, alice, manual):
    client.force_login(alice)
    response = client.post(
        "/manuals/service/settings/",
        {"title": manual.title, "organisation": "Acme", "mission": f"Read [our promise]({BAD}).", "vision": ""},
    )
    assert response.status_code == 302
    manual.refresh_from_db()
    assert manual.mission_html == "<p>Read <a>our promise</a>.</p>"
    assert client.get("/manuals/service/").status_code == 200


def test_a_section_introduction_keeps_the_words_without_the_link(client, alice, manual):
    client.force_login(alice)
    response = client.post(
        "/manuals/service/sections/new/", {"title": "Returns", "slug": "returns", "intro": f"See [the form]({BAD})."}
    )
    assert response.status_code == 302
    assert manual.sections.get(slug="returns").intro_html == "<p>See <a>the form</a>.</p>"


def test_release_notes_keep_the_words_without_the_link(client, alice, carol, make_entry):
    make_entry()
    client.force_login(alice)
    response = client.post(
        "/manuals/service/editions/new/", {"label": "2026.1", "release_notes": f"See [the changes]({BAD})."}
    )
    assert response.status_code == 302
    assert Edition.objects.get().release_notes_html == "<p>See <a>the changes</a>.</p>"
    client.force_login(carol)
    assert client.get("/manuals/service/editions/2026.1/").status_code == 200


def test_a_word_file_with_such_a_link_imports_it_as_plain_words(client, bob, section):
    document = docx.Document()
    document.add_paragraph("Lost parcels", style="Title")
    paragraph = document.add_paragraph("Open ")
    add_hyperlink(paragraph, "the tracker", BAD)
    out = io.BytesIO()
    document.save(out)
    client.force_login(bob)
    preview = client.post(
        IMPORT_URL, {"files": [upload("parcels.docx", out.getvalue())], "section": section.pk, "kind": "policy"}
    )
    assert preview.status_code == 200
    assert "1 link kept as plain text" in preview.content.decode()
    client.post(CONFIRM_URL, {"token": client.session["word_import"]["token"]})
    assert Entry.objects.get(slug="lost-parcels").body.endswith("Open the tracker")
