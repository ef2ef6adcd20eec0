"""Small things people notice: empty lists, PDF downloads, the icon, the port."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from policies import pdfs, services
from policies.models import StoredPDF

ROOT = Path(__file__).resolve().parents[1]


# Empty lists say so in a sentence, not as item "1." of a numbered list.


def test_a_search_that_finds_nothing_says_so_without_a_numbered_list(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=zebra").content.decode()
    assert '<p class="muted">Nothing matches every word. Try fewer or shorter words.</p>' in html
    assert 'class="search-results"' not in html


def test_a_search_that_finds_something_lists_it(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=refunds").content.decode()
    assert '<ol class="search-results">' in html and "Nothing matches" not in html


def test_an_empty_section_in_the_outline_says_so_without_a_numbered_list(client, alice, section):
    client.force_login(alice)
    html = client.get("/manuals/service/sections/").content.decode()
    assert '<p class="muted">No entries yet.</p>' in html
    assert '<ol class="outline-entries">' not in html


def test_a_manual_with_sections_but_nothing_published_says_so(client, carol, make_entry):
    make_entry(published=False)
    client.force_login(carol)
    html = client.get("/manuals/service/").content.decode()
    assert "Nothing has been published in this manual yet." in html


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


# The icon


def test_pages_link_the_icon_and_favicon_ico_redirects_to_it(client, db):
    assert finders.find("favicon.svg")
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"


# make run PORT=...


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_serves_on_the_port_it_is_given():
    def dry_run(*args):
        return subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True).stdout

    assert "runserver 127.0.0.1:8100" in dry_run("PORT=8100")
    assert "http://127.0.0.1:8100" in dry_run("PORT=8100")
    assert "runserver 127.0.0.1:8000" in dry_run()
