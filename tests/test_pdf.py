"""The manual's PDF: its structure (cover, contents, outline, links, footer) and the safety of the PDF layer."""

import io
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from policies import pdfs, selectors, services
from policies.models import EntryVersion, StoredPDF
from policies.rendering import pdf
from policies.rendering.document import render_manual_html

LONG_BODY = "\n\n".join(
    [
        "### What the customer can expect",
        "A customer who is unhappy with a purchase is entitled to a clear answer within one working day. "
        "Agents explain what happens next, how long it takes and who will follow up. " * 6,
        "### Steps",
        "1. Greet the customer and confirm the order number.\n2. Check the order in the back office.\n"
        "3. Explain the options.\n4. Record the outcome.",
        "> **Note:** Keep a record of every call.",
        "| Channel | Answer within |\n|---|---|\n| Phone | 3 rings |\n| Email | 1 working day |",
        "Further detail for auditors. " * 60,
    ]
)


def _pdf_for(manual) -> PdfReader:
    return PdfReader(io.BytesIO(pdf.manual_pdf(selectors.manual_snapshot(manual))))


def _page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def _flatten(outline, depth=1):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item, depth + 1)
        else:
            yield depth, item


@pytest.fixture
def handbook(manual, section, make_entry, alice):
    """A manual of two sections, long enough to span several pages, with a cross-reference."""
    second = services.section_save(
        section=None,
        manual=manual,
        user=alice,
        data={"title": "Procedures", "slug": "procedures", "order": 2, "intro": "How we do things."},
    )
    make_entry("refund-policy", title="Refund policy", body=LONG_BODY, channels=["phone", "email"])
    make_entry("complaint-handling", title="Complaint handling", body=LONG_BODY, owner="Service desk")
    make_entry(
        "returns-desk",
        title="Returns desk procedure",
        kind="procedure",
        section=second,
        body="When in doubt, follow the [refund](refund-policy.md) rules.\n\n" + LONG_BODY,
    )
    make_entry("escalation", title="Escalation path", kind="protocol", section=second, body=LONG_BODY)
    make_entry("draft-only", title="Unpublished draft entry", published=False)
    return manual


@pytest.fixture
def handbook_pdf(handbook) -> PdfReader:
    return _pdf_for(handbook)


ENTRY_TITLES = ["Refund policy", "Complaint handling", "Returns desk procedure", "Escalation path"]


def test_pdf_has_a_cover_with_title_organisation_and_edition(handbook_pdf):
    cover = " ".join(_page_texts(handbook_pdf)[0].split())  # the title may wrap
    assert len(handbook_pdf.pages) > 1
    assert "Customer Service Manual" in cover
    assert "ACME OUTFITTERS" in cover.upper()
    assert "Live edition, last published" in cover


def test_pdf_outline_holds_sections_and_their_entries(handbook_pdf):
    outline = list(_flatten(handbook_pdf.outline))
    level_1 = [item.title for depth, item in outline if depth == 1]
    level_2 = [item.title for depth, item in outline if depth == 2]
    assert "Policies" in level_1 and "Procedures" in level_1
    assert level_2 == ENTRY_TITLES
    # Headings inside bodies ("What the customer can expect") stay out of the outline.
    assert all(depth <= 2 for depth, _ in outline)
    assert "What the customer can expect" not in [item.title for _, item in outline]
    assert "Unpublished draft entry" not in [item.title for _, item in outline]


def test_contents_gives_the_page_each_entry_starts_on(handbook_pdf):
    texts = _page_texts(handbook_pdf)
    toc_index = next(i for i, text in enumerate(texts) if "Contents" in text)
    toc = texts[toc_index]
    bookmarks = {
        item.title: handbook_pdf.get_destination_page_number(item) for _, item in _flatten(handbook_pdf.outline)
    }
    for title in ENTRY_TITLES:
        match = re.search(re.escape(title) + r"[\s.]*?(\d+)\s", toc + "\n")
        assert match, f"{title!r} is not in the contents: {toc!r}"
        listed = int(match.group(1))
        starts = next(i for i, text in enumerate(texts) if i > toc_index and title in text) + 1
        assert listed == starts == bookmarks[title] + 1, title
    assert "Unpublished draft entry" not in toc


def test_sections_open_on_right_hand_pages(handbook_pdf):
    outline = list(_flatten(handbook_pdf.outline))
    for depth, item in outline:
        if depth == 1 and item.title in ("Policies", "Procedures"):
            assert handbook_pdf.get_destination_page_number(item) % 2 == 0  # 0-based even index: odd page


def test_cross_reference_is_an_internal_link(handbook_pdf):
    internal, external = [], []
    for page in handbook_pdf.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else {}
            if "/Dest" in annot or action.get("/S") == "/GoTo":
                internal.append(annot)
            if action.get("/S") == "/URI":
                external.append(action["/URI"])
    assert internal, "no internal links at all"
    assert external == []
    # The cross-reference and the contents entry both lead to the refund policy's page.
    names = [str(a.get("/Dest") or a["/A"]["/D"]) for a in internal]
    assert sum("entry-refund-policy" in name for name in names) >= 2, names


def test_footer_counts_pages(handbook_pdf):
    texts = _page_texts(handbook_pdf)
    total = len(texts)
    assert f"Page 2 of {total}" in texts[1]
    assert f"Page {total} of {total}" in texts[-1]
    assert "Live edition, last published" in texts[-1]


def test_running_header_names_the_manual_on_left_pages_and_the_section_on_right_pages(handbook_pdf):
    texts = _page_texts(handbook_pdf)
    opener = next(
        handbook_pdf.get_destination_page_number(item)
        for _, item in _flatten(handbook_pdf.outline)
        if item.title == "Procedures"
    )
    following = range(opener + 1, len(texts))
    assert len(following) >= 2
    for index in following:
        header = texts[index]
        if index % 2:  # 0-based odd index: an even page number, a left-hand page
            assert "Customer Service Manual" in header
        else:
            assert "Procedures" in header and "Policies" not in header


# --- Safety of the PDF layer --------------------------------------------------------------------------------


class RequestLog(list):
    """The paths a local HTTP server received, and the port it listens on."""

    port: int = 0


@pytest.fixture
def request_log():
    """A local HTTP server in a thread, recording every request it receives."""
    received = RequestLog()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    received.port = server.server_address[1]
    yield received
    server.shutdown()
    server.server_close()


def _assert_no_attachments(reader: PdfReader) -> None:
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"


def test_pdf_fetches_nothing_outside_the_static_files(manual, make_entry, request_log):
    port = request_log.port
    body = (
        "![secret](file:///etc/passwd)\n\n"
        "![loop](http://127.0.0.1:9/x.png)\n\n"
        f"![local server](http://127.0.0.1:{port}/tracker.png)"
    )
    make_entry("images", title="Images", body=body)
    text = "\n".join(_page_texts(_pdf_for(manual)))
    assert request_log == []
    assert "secret" in text and "loop" in text and "local server" in text
    assert "root:x:0:0" not in text


def test_pdf_layer_refuses_hostile_html_even_past_the_sanitiser(manual, make_entry, request_log):
    """The stored HTML is written directly, as if the sanitiser had let it through."""
    entry = make_entry("hostile", title="Hostile")
    port = request_log.port
    EntryVersion.objects.filter(pk=entry.live_version_id).update(
        body_html=(
            '<p><img src="file:///etc/passwd" alt="secret"></p>'
            f'<p><img src="http://127.0.0.1:{port}/pixel.png" alt="tracker"></p>'
            '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="inline data"></p>'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
            '<p><a rel="attachment" href="file:///etc/passwd">passwd</a></p>'
            '<link rel="attachment" href="file:///etc/passwd">'
            # A file the fetcher would serve: attached files are dropped at the PDF layer regardless.
            '<p><a rel="attachment" href="css/document.css">stylesheet</a></p>'
            '<link rel="attachment" href="/static/css/document.css">'
            '<p><img src="file:///work/main/static/../../../etc/passwd" alt="climb"></p>'
        )
    )
    reader = _pdf_for(manual)
    text = "\n".join(_page_texts(reader))
    assert request_log == []
    assert "secret" in text and "tracker" in text and "climb" in text
    assert "root:x:0:0" not in text
    _assert_no_attachments(reader)
    raw = b"".join(
        page.get_object().get("/Contents").get_object().get_data() for page in reader.pages if page.get("/Contents")
    )
    assert b"root:x:0:0" not in raw


def test_fetcher_serves_static_files_only(settings, tmp_path):
    static_dir = settings.STATICFILES_DIRS[0]
    css = pdf.safe_url_fetcher(pdf.base_url() + "css/document.css")
    assert b"font-family" in css.read()
    served = pdf.safe_url_fetcher("file:///static/css/document.css")  # the static URL, resolved against file:
    assert os.path.samefile(served.path, static_dir / "css" / "document.css")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in [
        "file:///etc/passwd",
        secret.as_uri(),
        pdf.base_url() + "../policymanual/settings.py",
        pdf.base_url() + "css/../../db.sqlite3",
        "file:///static/../etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/logo.png",
        "data:text/plain,hello",
        pdf.base_url() + "css/",
    ]:
        with pytest.raises(pdf.URLRefused):
            pdf.safe_url_fetcher(url)


def test_render_in_subprocess_reports_a_timeout():
    html = "<p>" + "word " * 200_000 + "</p>"
    with pytest.raises(pdf.PDFRenderError, match="longer than"):
        pdf.render_in_subprocess(html, timeout=0.05, memory_mb=2048)


def test_render_in_subprocess_reports_running_out_of_memory():
    with pytest.raises(pdf.PDFRenderError, match="memory"):
        pdf.render_in_subprocess("<p>hello</p>", timeout=60, memory_mb=1)


def test_pdf_document_for_onboarding_names_the_role_and_ends_with_a_signoff(manual, make_entry):
    make_entry("refund-policy", title="Refund policy")
    html = render_manual_html(
        selectors.manual_snapshot(manual), for_pdf=True, title_suffix=" <draft>", role="<New> agent", signoff=True
    )
    assert "<title>Customer Service Manual &lt;draft&gt;</title>" in html
    assert "Prepared for: &lt;New&gt; agent" in html
    assert '<section class="signoff">' in html
    assert '<link rel="stylesheet" href="/static/css/document-print.css">' in html  # the paged-media rules
    assert 'class="toolbar"' not in html  # no on-screen links in a PDF


# PDFs download, named after the manual, rather than open in the tab.


def test_the_manual_pdf_downloads_with_a_name_that_says_which_manual_and_day(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    response = client.get("/manuals/service/manual.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    made = StoredPDF.objects.get().finished_at
    assert response["Content-Disposition"] == (
        f'attachment; filename="customer-service-manual-{made.date():%Y-%m-%d}.pdf"'
    )


def test_an_edition_pdf_is_named_after_its_edition(client, carol, alice, manual, make_entry):
    make_entry()
    services.edition_release(manual=manual, user=alice, label="2026.1", release_notes="")
    client.force_login(carol)
    response = client.get("/manuals/service/editions/2026.1.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="customer-service-manual-edition-2026.1.pdf"'


def test_a_big_manual_still_shows_progress_first_and_then_downloads(client, carol, make_entry, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PDF_BACKGROUND_THRESHOLD = 0
    make_entry()
    client.force_login(carol)
    response = client.get("/manuals/service/manual.pdf")
    assert response.status_code == 302 and "/pdfs/" in response["Location"]
    assert "Content-Disposition" not in response
    pdfs.pdf_make(pdf_id=StoredPDF.objects.get().pk)  # what the worker does
    page = client.get(response["Location"]).content.decode()
    download = re.search(r'href="([^"]+/download/)" download>Download the PDF</a>', page).group(1)
    pdf = client.get(download)
    assert pdf["Content-Disposition"].startswith('attachment; filename="customer-service-manual-')
