"""Editions, the manual as of a date, comparisons, stored PDFs and onboarding packets."""

import io
import os
import threading
from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from policies import pdfs, selectors, services
from policies.models import Edition, PDFKind, PDFStatus, StoredPDF

from .conftest import publish, shown


def _pdf_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _revise(entry, *, body, author, approver, summary):
    services.entry_save_draft(entry=entry, manual=entry.manual, user=author, data={"body": body})
    services.entry_submit(entry=entry, user=author)
    return services.entry_approve(
        entry=entry, reviewed_lock_version=shown(entry), user=approver, change_summary=summary
    )


@pytest.fixture
def history(bob, alice):
    """A manual with a past. Refunds: 30 days (v1, 10 days ago), then 14 days (v2, 3 days ago).
    Tone: published 5 days ago, retired 1 day ago. The clock really is moved, so history records agree."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=20), tick=False):
        manual = services.manual_save(
            manual=None, user=alice, data={"title": "Customer Service Manual", "slug": "service", "mission": "Help."}
        )
        section = services.section_save(
            section=None, manual=manual, user=alice, data={"title": "Policies", "slug": "policies"}
        )
        body = "Refunds within 30 days."
        refunds = services.entry_save_draft(
            entry=None, manual=manual, user=bob,
            data={"title": "Refund-policy", "slug": "refund-policy", "section": section, "body": body},
        )  # fmt: skip
        tone = services.entry_save_draft(
            entry=None,
            manual=manual,
            user=bob,
            data={"title": "Tone", "slug": "tone", "section": section, "body": "Be warm."},
        )
    with time_machine.travel(now - timedelta(days=10), tick=False):
        publish(refunds, author=bob, approver=alice, summary="First")
    with time_machine.travel(now - timedelta(days=5), tick=False):
        publish(tone, author=bob, approver=alice, summary="Tone guide")
    with time_machine.travel(now - timedelta(days=3), tick=False):
        _revise(refunds, body="Refunds within 14 days.", author=bob, approver=alice, summary="Shorter window")
    with time_machine.travel(now - timedelta(days=1), tick=False):
        services.entry_retire(entry=tone, user=alice, reason="Merged into conduct")
    refunds.refresh_from_db()
    return {"refunds": refunds, "tone": tone, "now": now, "manual": manual, "section": section}


@pytest.fixture
def past_manual(history):
    return history["manual"]


def test_edition_release_freezes_the_live_manual(history, alice, bob, past_manual):
    edition = services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="First edition")
    _revise(history["refunds"], body="Refunds within 7 days.", author=bob, approver=alice, summary="Even shorter")
    snapshot = selectors.edition_snapshot(edition)
    assert [v.body for v in snapshot.entries] == ["Refunds within 14 days."]
    assert edition.history.latest().history_change_reason == "Released edition 2026.1"


def test_edition_labels_are_unique_and_well_formed(history, alice, past_manual):
    services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="")
    with pytest.raises(ValidationError, match="already exists"):
        services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="")
    with pytest.raises(ValidationError):
        services.edition_release(manual=past_manual, user=alice, label="bad label!", release_notes="")


def test_only_managers_release_editions(history, bob, past_manual):
    with pytest.raises(PermissionDenied):
        services.edition_release(manual=past_manual, user=bob, label="2026.1", release_notes="")


def test_release_notes_list_new_revised_and_retired_entries(history, alice, bob, past_manual):
    year = timezone.localdate().year
    services.edition_release(manual=past_manual, user=alice, label=f"{year}.1", release_notes="")
    _revise(history["refunds"], body="Refunds within 7 days.", author=bob, approver=alice, summary="Even shorter")
    chat = services.entry_save_draft(
        entry=None,
        manual=past_manual,
        user=bob,
        data={"title": "Chat protocol", "slug": "chat-protocol", "section": history["section"]},
    )
    publish(chat, author=bob, approver=alice, summary="First publication")
    services.entry_retire(entry=history["refunds"], user=alice, reason="Moved to the returns policy")
    notes = services.edition_draft_notes(past_manual)
    assert "## New entries" in notes and "**Chat protocol**: First publication" in notes
    assert "## Retired entries" in notes and "**Refund-policy**: Moved to the returns policy" in notes
    assert services.edition_suggest_label(past_manual) == f"{year}.2"


def test_revised_entries_carry_every_change_summary_since_the_last_edition(history, alice, bob, past_manual):
    services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="")
    _revise(history["refunds"], body="7 days.", author=bob, approver=alice, summary="Seven days")
    _revise(history["refunds"], body="8 days.", author=bob, approver=alice, summary="Eight days after all.")
    notes = services.edition_draft_notes(past_manual)
    # Each summary reads as a sentence of its own; punctuation the author wrote is not doubled.
    assert "version 2 to 4. Seven days. Eight days after all.\n" in notes
    assert ".." not in notes and ".;" not in notes


def test_as_of_shows_the_text_of_that_time(history, past_manual):
    now = history["now"]
    six_days_ago = selectors.manual_snapshot_as_of(past_manual, now - timedelta(days=6))
    assert [v.body for v in six_days_ago.entries] == ["Refunds within 30 days."]
    four_days_ago = selectors.manual_snapshot_as_of(past_manual, now - timedelta(days=4))
    assert sorted(v.body for v in four_days_ago.entries) == ["Be warm.", "Refunds within 30 days."]
    today = selectors.manual_snapshot_as_of(past_manual, timezone.now())
    assert [v.body for v in today.entries] == ["Refunds within 14 days."]  # tone is retired by now
    assert selectors.manual_snapshot_as_of(past_manual, now - timedelta(days=11)).entries == []


def test_as_of_costs_a_fixed_number_of_queries(history, past_manual, bob, alice, django_assert_num_queries):
    when = timezone.now()
    with django_assert_num_queries(4):
        selectors.manual_snapshot_as_of(past_manual, when)
    for i in range(10):
        more = services.entry_save_draft(
            entry=None,
            manual=past_manual,
            user=bob,
            data={"title": f"More {i}", "slug": f"more-{i}", "section": history["section"]},
        )
        publish(more, author=bob, approver=alice)
    with django_assert_num_queries(4):
        selectors.manual_snapshot_as_of(past_manual, timezone.now())


def test_as_of_pages_show_a_banner_and_the_old_text(client, carol, history):
    client.force_login(carol)
    day = (history["now"] - timedelta(days=4)).date().isoformat()
    home = client.get(f"/manuals/service/?as_of={day}").content.decode()
    assert "past view" in home and "Tone" in home
    page = client.get(f"/manuals/service/refund-policy/?as_of={day}").content.decode()
    assert "Refunds within 30 days." in page and "14 days" not in page
    assert f"as_of={day}" in home  # links stay in the past view
    printed = client.get(f"/manuals/service/print/?as_of={day}").content.decode()
    assert "Refunds within 30 days." in printed and "as of" in printed
    assert client.get(f"/manuals/service/tone/?as_of={day}").status_code == 200
    assert client.get("/manuals/service/tone/").status_code == 404


@pytest.mark.parametrize("value", ["yesterday", "2026-13-45", "2999-01-01"])
def test_bad_as_of_gets_a_clear_400(client, carol, history, value):
    client.force_login(carol)
    for url in [
        "/manuals/service/",
        "/manuals/service/refund-policy/",
        "/manuals/service/print/",
        "/manuals/service/manual.pdf",
    ]:
        response = client.get(f"{url}?as_of={value}")
        assert response.status_code == 400
        assert value in response.content.decode()


def test_as_of_accepts_a_full_iso_datetime(client, carol, history):
    client.force_login(carol)
    when = (history["now"] - timedelta(days=6)).replace(microsecond=0).isoformat().replace("+", "%2B")
    page = client.get(f"/manuals/service/refund-policy/?as_of={when}").content.decode()
    assert "Refunds within 30 days." in page


def test_edition_pages_and_pdf(client, carol, history, alice, past_manual):
    services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="The **first** edition")
    client.force_login(carol)
    listing = client.get("/manuals/service/editions/").content.decode()
    assert "Edition 2026.1" in listing
    home = client.get("/manuals/service/editions/2026.1/").content.decode()
    assert "edition 2026.1" in home and "<strong>first</strong>" in home
    assert "/manuals/service/editions/2026.1/refund-policy/" in home
    entry = client.get("/manuals/service/editions/2026.1/refund-policy/").content.decode()
    assert "Refunds within 14 days." in entry
    response = client.get("/manuals/service/editions/2026.1.pdf")
    data = _pdf_bytes(response)
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    assert "2026.1" in text
    assert client.get("/manuals/service/editions/2099.9/").status_code == 404


def test_an_edition_pdf_is_made_once(client, carol, history, alice, past_manual):
    services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="")
    client.force_login(carol)
    client.get("/manuals/service/editions/2026.1.pdf")
    client.get("/manuals/service/editions/2026.1.pdf")
    assert StoredPDF.objects.filter(kind=PDFKind.EDITION).count() == 1


def test_stored_live_pdf_is_reused_until_content_changes(client, carol, history, bob, alice, past_manual):
    client.force_login(carol)
    first = _pdf_bytes(client.get("/manuals/service/manual.pdf"))
    _pdf_bytes(client.get("/manuals/service/manual.pdf"))
    assert StoredPDF.objects.count() == 1
    _revise(history["refunds"], body="Refunds within 7 days.", author=bob, approver=alice, summary="Seven")
    second = _pdf_bytes(client.get("/manuals/service/manual.pdf"))
    assert StoredPDF.objects.count() == 2 and first != second
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(second)).pages)
    assert "7 days" in text


def test_compare_two_dates_lists_changes_with_word_diffs(client, carol, history):
    client.force_login(carol)
    now = history["now"]
    a, b = (now - timedelta(days=6)).date().isoformat(), timezone.localdate().isoformat()
    page = client.get(f"/manuals/service/compare/?from={a}&to={b}").content.decode()
    assert "Revised" in page and "<del>30</del><ins>14</ins>" in page
    assert "Shorter window" in page


def test_compare_editions(client, carol, history, alice, bob, past_manual):
    services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="")
    _revise(history["refunds"], body="Refunds within 7 days.", author=bob, approver=alice, summary="Seven")
    services.edition_release(manual=past_manual, user=alice, label="2026.2", release_notes="")
    client.force_login(carol)
    page = client.get("/manuals/service/compare/?from=2026.1&to=2026.2").content.decode()
    assert "<del>14</del><ins>7</ins>" in page
    bad = client.get("/manuals/service/compare/?from=nonsense&to=2026.2")
    assert bad.status_code == 400 and "nonsense" in bad.content.decode()


def test_background_pdf_shows_progress_until_the_worker_runs(client, carol, history, past_manual, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PDF_BACKGROUND_THRESHOLD = 0
    client.force_login(carol)
    response = client.get("/manuals/service/manual.pdf")
    assert response.status_code == 302 and "/pdfs/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page
    stored = StoredPDF.objects.get()
    status = client.get(response["Location"] + "?format=json").json()
    assert status["status"] == "queued" and status["download"] is None
    pdfs.pdf_make(pdf_id=stored.pk)  # what the worker does
    status = client.get(response["Location"] + "?format=json").json()
    assert status["status"] == "done"
    assert _pdf_bytes(client.get(status["download"])).startswith(b"%PDF")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_for_one_pdf_start_one_job(history, carol, past_manual, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database does not take concurrent writers")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    results, errors = [], []

    def ask():
        from django.db import connection

        try:
            results.append(pdfs.pdf_request(manual=past_manual, user=carol, background=True).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1 and StoredPDF.objects.count() == 1


def test_a_render_that_runs_out_of_time_fails_with_a_clear_error(history, carol, past_manual, settings):
    settings.PDF_RENDER_TIMEOUT_SECONDS = 0.001
    pdf = pdfs.pdf_request(manual=past_manual, user=carol, background=False)
    assert pdf.status == PDFStatus.FAILED and "longer than" in pdf.error
    settings.PDF_RENDER_TIMEOUT_SECONDS = 120
    assert pdfs.pdf_request(manual=past_manual, user=carol, background=False).status == PDFStatus.DONE  # retried


def test_a_render_that_runs_out_of_memory_fails_with_a_clear_error(history, carol, past_manual, settings):
    settings.PDF_RENDER_MEMORY_MB = 64
    pdf = pdfs.pdf_request(manual=past_manual, user=carol, background=False)
    assert pdf.status == PDFStatus.FAILED and "memory" in pdf.error


def test_onboarding_packet_has_role_cover_chosen_sections_and_signoff(client, carol, alice, bob, make_entry):
    manual = make_entry("x", published=False).manual
    other = services.section_save(
        section=None, manual=manual, user=alice, data={"title": "Chat protocols", "slug": "chat", "order": 2}
    )
    make_entry("refund-policy", title="Refund policy")
    make_entry("chat-greeting", title="Chat greeting", section=other)
    client.force_login(carol)
    response = client.post("/manuals/service/onboarding/", {"role": "Chat agent", "sections": ["chat"]})
    assert response.status_code == 302
    status = client.get(response["Location"] + "?format=json").json()
    data = _pdf_bytes(client.get(status["download"]))
    pages = PdfReader(BytesIO(data)).pages
    text = "".join(p.extract_text() for p in pages)
    assert "Chat agent" in pages[0].extract_text()
    assert "Chat greeting" in text and "Refund policy" not in text
    assert "Signature" in pages[-1].extract_text()


def test_onboarding_needs_a_role_and_a_section(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    page = client.post("/manuals/service/onboarding/", {"role": "", "sections": []}).content.decode()
    assert "This field is required" in page
    assert not StoredPDF.objects.exists()


def test_release_through_the_browser(client, alice, carol, history):
    client.force_login(alice)
    form = client.get("/manuals/service/editions/new/").content.decode()
    assert "Refund-policy" in form  # generated notes
    response = client.post("/manuals/service/editions/new/", {"label": "2026.4", "release_notes": "Edited notes"})
    assert response.status_code == 302
    assert Edition.objects.get().release_notes == "Edited notes"
    client.force_login(carol)
    assert client.get("/manuals/service/editions/new/").status_code == 403


def test_compare_costs_a_fixed_number_of_queries(client, carol, history, alice, bob, past_manual):
    services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="")
    _revise(history["refunds"], body="Refunds within 9 days.", author=bob, approver=alice, summary="Nine")
    client.force_login(carol)
    url = "/manuals/service/compare/?from=2026.1&to=" + timezone.localdate().isoformat()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(5):
        data = {"title": f"More {i}", "slug": f"more-{i}", "section": history["section"]}
        more = services.entry_save_draft(entry=None, manual=past_manual, user=bob, data=data)
        publish(more, author=bob, approver=alice)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "More 4" in page
    assert len(after) == len(before)


def test_pdf_progress_follows_the_pages_being_laid_out(history, carol, past_manual):
    from policies.rendering.document import render_manual_html
    from policies.rendering.pdf import render_in_subprocess

    seen = []
    html = render_manual_html(selectors.manual_snapshot(past_manual), for_pdf=True)
    data = render_in_subprocess(html, timeout=120, memory_mb=0, on_progress=lambda stage, page: seen.append(stage))
    assert data.startswith(b"%PDF")
    assert seen[0] == "layout" and seen[-1] == "writing"


def test_a_finished_pdf_records_its_stages(history, carol, past_manual):
    pdf = pdfs.pdf_request(manual=past_manual, user=carol, background=False)
    assert (pdf.status, pdf.progress, pdf.stage) == (PDFStatus.DONE, 100, "Ready")
    assert pdf.pages == len(PdfReader(pdf.file.path).pages)


def test_before_the_manual_existed_it_was_empty(client, carol, history):
    client.force_login(carol)
    long_ago = (history["now"] - timedelta(days=400)).date().isoformat()
    home = client.get(f"/manuals/service/?as_of={long_ago}").content.decode()
    assert "past view" in home and "Nothing has been published" in home
    page = client.get(f"/manuals/service/compare/?from={long_ago}&to={timezone.localdate().isoformat()}")
    assert page.status_code == 200 and "New" in page.content.decode() and "Refund-policy" in page.content.decode()


def test_progress_reports_survive_every_message_weasyprint_logs():
    import logging

    from policies.rendering.pdf import _ProgressToParent

    sent = []

    class Pipe:
        def send(self, message):
            sent.append(message)

    handler = _ProgressToParent(Pipe())
    for message in ["Step 5 - Creating layout - Page 3", "Step 5 - Creating layout - Page 3 (up-to-date)",
                    "Step 6 - Creating PDF", "Something else entirely"]:  # fmt: skip
        handler.last = 0.0
        handler.emit(logging.LogRecord("weasyprint.progress", logging.INFO, "", 0, message, None, None))
    assert sent == [("progress", ("layout", 3)), ("progress", ("layout", 3)), ("progress", ("writing", 0))]


def test_pruning_keeps_editions_and_the_newest_live_pdf(history, carol, alice, bob, past_manual):
    from django.core.management import call_command

    services.edition_release(manual=past_manual, user=alice, label="2026.1", release_notes="")
    edition_pdf = pdfs.pdf_request(manual=past_manual, user=carol, kind=PDFKind.EDITION,
                                   edition=Edition.objects.get(), background=False)  # fmt: skip
    old_live = pdfs.pdf_request(manual=past_manual, user=carol, background=False)
    _revise(history["refunds"], body="Refunds within 5 days.", author=bob, approver=alice, summary="Five")
    past_manual.refresh_from_db()  # its content stamp moved on
    new_live = pdfs.pdf_request(manual=past_manual, user=carol, background=False)
    old_file = old_live.file.path
    with time_machine.travel(timezone.now() + timedelta(days=45), tick=False):
        out = io.StringIO()
        call_command("run_periodic", stdout=out)
    assert "1 stored PDF deleted" in out.getvalue().splitlines()
    assert set(StoredPDF.objects.values_list("pk", flat=True)) == {edition_pdf.pk, new_live.pk}
    assert not os.path.exists(old_file)
