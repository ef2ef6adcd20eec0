"""Shared fixtures. ``TEST_NOW`` (an ISO date and time) runs the whole suite as if the clock said so, ticking
from there: CI runs it once more on a Saturday at a month's end, so no test may depend on the day it runs."""

import os
import shutil
from datetime import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connections

from people.models import Team
from policies import services
from policies.models import Entry


def pytest_configure(config):
    when = os.environ.get("TEST_NOW", "").strip()
    if when:
        try:
            moment = datetime.fromisoformat(when)
        except ValueError:
            message = f"TEST_NOW must be an ISO date and time, such as 2026-10-31T14:00Z, not {when!r}"
            raise pytest.UsageError(message) from None
        time_machine.travel(moment, tick=True).start()


if os.environ.get("TEST_DATABASE_TEMPLATE", "").strip():

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker, tmp_path_factory):
        """With ``TEST_DATABASE_TEMPLATE`` (a migrated SQLite file), the tests run on a copy of it instead of a
        database migrated anew. Mutation testing (``make mutate``) runs the tests hundreds of times and would
        otherwise spend most of its time migrating."""
        copy = tmp_path_factory.mktemp("database") / "test.sqlite3"
        shutil.copyfile(os.environ["TEST_DATABASE_TEMPLATE"], copy)
        connections["default"].close()
        django_settings.DATABASES["default"]["NAME"] = str(copy)
        connections["default"].settings_dict["NAME"] = str(copy)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"  # stored PDFs of one test never serve another
    cache.clear()  # nothing kept by one test (the dashboard's figures, the header's score) is seen by another


def _user(username: str, group: str | None, **extra) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_user(db):
    return _user("root", None, is_superuser=True, is_staff=True)


@pytest.fixture
def alice(db):
    """A manager."""
    return _user("alice", "Managers")


@pytest.fixture
def mallory(db):
    """A second manager, for four-eyes approval."""
    return _user("mallory", "Managers")


@pytest.fixture
def bob(db):
    """An editor."""
    return _user("bob", "Editors")


@pytest.fixture
def carol(db):
    """An agent."""
    return _user("carol", "Agents")


@pytest.fixture
def phone(db):
    """The phone support team."""
    return Team.objects.create(name="Phone support", slug="phone-support")


@pytest.fixture
def chat(db):
    """The chat support team."""
    return Team.objects.create(name="Chat support", slug="chat-support")


@pytest.fixture
def dave(db, chat):
    """An agent on the chat team."""
    user = _user("dave", "Agents")
    user.profile.teams.add(chat)
    return user


@pytest.fixture
def manual(alice):
    return services.manual_save(
        manual=None,
        user=alice,
        data={
            "title": "Customer Service Manual",
            "slug": "service",
            "organisation": "Acme Outfitters",
            "mission": "We help every customer *leave happier* than they came.",
            "vision": "Service people talk about.",
        },
    )


@pytest.fixture
def section(manual, alice):
    return services.section_save(
        section=None, manual=manual, user=alice, data={"title": "Policies", "slug": "policies", "order": 1}
    )


def shown(entry) -> int:
    """The lock version of the entry's working copy as a reviewer opening it now would be shown."""
    return Entry.objects.values_list("lock_version", flat=True).get(pk=entry.pk)


def publish(entry, *, author, approver, summary="First publication", material=True):
    services.entry_submit(entry=entry, user=author)
    return services.entry_approve(
        entry=entry, user=approver, change_summary=summary, is_material=material, reviewed_lock_version=shown(entry)
    )


def revise(entry, *, author, approver, material=True, summary="Revised", **data):
    """Save ``data`` as the entry's new fields, submit and approve it; the new version (``entry`` is refreshed)."""
    services.entry_save_draft(entry=entry, manual=entry.manual, user=author, data=data)
    version = publish(entry, author=author, approver=approver, summary=summary, material=material)
    entry.refresh_from_db()
    return version


@pytest.fixture
def make_entry(manual, section, bob, alice):
    """Create an entry; ``published=True`` runs it through review and approval."""

    def make(slug="refund-policy", *, published=True, body="Refunds within **30 days**.", **fields):
        data = {
            "title": slug.replace("-", " ").capitalize(),
            "slug": slug,
            "kind": "policy",
            "body": body,
            "section": section,
            "summary": f"Summary of {slug}",
        }
        data.update(fields)
        entry = services.entry_save_draft(entry=None, manual=manual, user=bob, data=data)
        if published:
            publish(entry, author=bob, approver=alice)
            entry.refresh_from_db()
        return entry

    return make


@pytest.fixture
def live(make_entry, django_capture_on_commit_callbacks):
    """``make_entry``, with what follows a committed publication done (the search index brought up to date)."""

    def make(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make_entry(*args, **kwargs)

    return make
