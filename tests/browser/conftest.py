"""Shared set-up for the browser tests: a real Chromium drives the pages served by ``live_server``.

They need Chromium: ``/usr/bin/chromium`` or the executable named by ``PLAYWRIGHT_CHROMIUM_EXECUTABLE``. Without
it every test in this folder is reported as skipped; without Playwright the folder is not collected at all.

Every test here is marked ``browser`` (``-m "not browser"`` leaves them out) and runs with
``django_db(transaction=True)``, because ``live_server`` serves from another thread that must see committed rows.
Modules do not need their own ``pytestmark``.
"""

import importlib.util
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = 10_000

# The test modules import Playwright at the top, so without it they cannot even be collected.
if importlib.util.find_spec("playwright") is None:
    collect_ignore_glob = ["test_*.py"]
SKIP_REASON = None if os.path.exists(CHROMIUM) else f"Chromium not found at {CHROMIUM}"


@pytest.hookimpl(tryfirst=True)  # before pytest-django orders tests by their database marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.django_db(transaction=True))
        if SKIP_REASON:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def open_context(browser):
    """``open_context(**options)``: a fresh browser context (own cookies), closed after the test."""
    contexts = []

    def open_(**options):
        context = browser.new_context(**{**DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(live_server, open_context):
    """``sign_in(username, password=None, **context_options)``: a page signed in through the login form."""
    from playwright.sync_api import expect

    def sign_in_(username, password=None, **options):
        page = open_context(**options).new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password or f"pw-{username}")
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    return sign_in_
