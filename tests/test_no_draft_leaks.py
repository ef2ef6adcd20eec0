"""Agents only ever read approved text: every reading address is tried for draft text, and none may show it."""

from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from policies import services

SECRET_BODY = "ZEBRA-DRAFT-BODY"
SECRET_TITLE = "ZEBRA-DRAFT-TITLE"
NEVER_PUBLISHED = "OKAPI-NEVER-PUBLISHED"


@pytest.fixture
def drafts(make_entry, bob, alice, manual, django_capture_on_commit_callbacks):
    """A published entry with a pending revision in review, and an entry that was never published; what follows
    each commit (the search index) is done."""
    with django_capture_on_commit_callbacks(execute=True):
        live = make_entry("refund-policy", body="Refunds within 30 days.")
        services.entry_save_draft(
            entry=live, manual=manual, user=bob,
            data={"body": SECRET_BODY, "title": SECRET_TITLE, "summary": SECRET_BODY},
        )  # fmt: skip
        services.entry_submit(entry=live, user=bob)
        make_entry("okapi", title=NEVER_PUBLISHED, body=NEVER_PUBLISHED, published=False)
        services.edition_release(manual=manual, user=alice, label="2026.1", release_notes="")
    return live


def _text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"%PDF"):
        return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return data.decode()


def test_no_reading_address_shows_draft_text_to_an_agent(client, carol, drafts):
    client.force_login(carol)
    today = timezone.localdate().isoformat()
    urls = [
        "/manuals/",
        "/manuals/service/",
        "/manuals/service/refund-policy/",
        "/manuals/service/print/",
        "/manuals/service/manual.pdf",
        f"/manuals/service/?as_of={today}",
        f"/manuals/service/refund-policy/?as_of={today}",
        f"/manuals/service/print/?as_of={today}",
        f"/manuals/service/manual.pdf?as_of={today}",
        "/manuals/service/search/?q=ZEBRA",
        "/manuals/service/search/?q=OKAPI",
        "/manuals/service/search/?q=refunds",
        "/manuals/service/editions/",
        "/manuals/service/editions/2026.1/",
        "/manuals/service/editions/2026.1/refund-policy/",
        "/manuals/service/editions/2026.1/print/",
        "/manuals/service/editions/2026.1.pdf",
        f"/manuals/service/compare/?from=2026.1&to={today}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = _text(response)
        for secret in (SECRET_BODY, SECRET_TITLE, NEVER_PUBLISHED):
            assert secret not in text, f"{secret} leaked at {url}"
    assert "Refunds within 30 days." in _text(client.get("/manuals/service/refund-policy/"))


def test_draft_only_entries_and_editor_pages_are_closed_to_agents(client, carol, drafts):
    client.force_login(carol)
    assert client.get("/manuals/service/okapi/").status_code == 404
    assert client.get("/manuals/service/okapi/?as_of=" + timezone.localdate().isoformat()).status_code == 404
    assert client.get("/manuals/service/editions/2026.1/okapi/").status_code == 404
    for url in ["/manuals/service/refund-policy/edit/", "/manuals/service/refund-policy/history/",
                "/manuals/service/refund-policy/diff/?from=live&to=draft", "/manuals/service/review/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 403 and SECRET_BODY not in response.content.decode()
    response = client.post("/manuals/service/preview/", {"body": "x"})
    assert response.status_code == 403


def test_exports_carry_published_text_only(drafts, tmp_path):
    from django.core.management import call_command

    call_command("export_manual", "service", "--format", "markdown", "--output", str(tmp_path / "md"))
    call_command("export_manual", "service", "--format", "html", "--output", str(tmp_path / "m.html"))
    exported = "".join(p.read_text() for p in (tmp_path / "md").iterdir()) + (tmp_path / "m.html").read_text()
    assert "Refunds within 30 days." in exported
    for secret in (SECRET_BODY, SECRET_TITLE, NEVER_PUBLISHED):
        assert secret not in exported
