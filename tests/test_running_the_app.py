"""Running the app: ``make run`` on the port it is given, and the email settings read from the environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
