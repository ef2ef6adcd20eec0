"""Small things people notice: empty lists, PDF downloads, the icon, the port, password resets."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core import mail

from policies import pdfs, services
from policies.models import StoredPDF

ROOT = Path(__file__).resolve().parents[1]


# Empty lists say so in a sentence, not as item "1." of a numbered list.


def test_a_search_that_finds_nothing_says_so_without_a_numbered_list(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=zebra").content.decode()
    assert "<h2>Nothing in the manual matches “zebra”</h2>" in html
    assert 'class="search-results"' not in html


def test_a_search_that_finds_something_lists_it(client, carol, make_entry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the index follows publications once they commit
        make_entry()
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=refunds").content.decode()
    assert '<ol class="search-results">' in html and "Nothing in the manual matches" not in html


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
    # The emails sent while loading the demo and while serving link to the port it serves on.
    commands = dry_run("PORT=8123").splitlines()
    assert [line for line in commands if "load_demo" in line or "runserver" in line] == [
        "DJANGO_SITE_URL=http://127.0.0.1:8123 .venv/bin/python manage.py load_demo",
        "DJANGO_SITE_URL=http://127.0.0.1:8123 .venv/bin/python manage.py runserver 127.0.0.1:8123",
    ]


# Password resets


@pytest.fixture
def dave(db):
    """An agent who forgot their password."""
    return User.objects.create_user(username="dave", email="dave@example.com", password="old-password-1")


def test_the_login_page_links_to_the_password_reset_form(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/password_reset/">Forgot your password?</a>' in html
    form = client.get("/accounts/password_reset/").content.decode()
    assert "Reset your password" in form and 'name="email"' in form


def test_a_password_reset_emails_a_link_that_sets_a_new_password(client, dave):
    response = client.post("/accounts/password_reset/", {"email": "dave@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dave@example.com"]
    assert message.subject == "Reset your Policy Manual password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    assert "Hello dave" in message.body

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-start-2026", "new_password2": "a-fresh-start-2026"},
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    assert client.login(username="dave", password="a-fresh-start-2026")
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, dave):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def _settings_in_a_fresh_process(names=("EMAIL_BACKEND", "DEFAULT_FROM_EMAIL"), **env) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(settings.{name})" for name in names
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_EMAIL", "DJANGO_SITE_URL"))}
    environ |= {"DJANGO_SETTINGS_MODULE": "policymanual.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)


def test_email_settings_come_from_the_environment():
    default = _settings_in_a_fresh_process(DJANGO_DEBUG="1")
    assert default.stdout.splitlines()[0] == "django.core.mail.backends.console.EmailBackend"
    server = _settings_in_a_fresh_process(DJANGO_DEBUG="1", DJANGO_EMAIL_HOST="mail.example.com")
    assert server.stdout.splitlines()[0] == "django.core.mail.backends.smtp.EmailBackend"
    chosen = _settings_in_a_fresh_process(
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH="/tmp/mail",
        DJANGO_DEFAULT_FROM_EMAIL="Service desk <desk@example.com>",
    )
    assert chosen.stdout.splitlines() == [
        "django.core.mail.backends.filebased.EmailBackend",
        "Service desk <desk@example.com>",
    ]
    missing_folder = _settings_in_a_fresh_process(
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"
    )
    assert missing_folder.returncode != 0 and "DJANGO_EMAIL_FILE_PATH" in missing_folder.stderr


def test_the_address_in_email_links_comes_from_the_environment():
    served = _settings_in_a_fresh_process(["SITE_URL"], DJANGO_DEBUG="1", DJANGO_SITE_URL="http://127.0.0.1:8123")
    assert served.stdout.strip() == "http://127.0.0.1:8123"
    assert _settings_in_a_fresh_process(["SITE_URL"], DJANGO_DEBUG="1").stdout.strip() == "http://127.0.0.1:8000"
