"""Two people saving the same entry at the same moment: one save wins, the other gets a conflict, nothing is lost.

These need PostgreSQL (CI runs the suite on it): the requests truly overlap and meet at the row lock. The test
database of SQLite is an in-memory one that threads cannot write to at the same time; the same conflict made
one request after the other is tested in test_editing_views.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from policies import services
from policies.models import Entry

from .test_editing_views import ENTRY_FORM


@pytest.fixture
def draft(manual, section, bob):
    """A draft entry, on PostgreSQL only: the test database of SQLite does not take concurrent writers."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
    return services.entry_save_draft(
        entry=None,
        manual=manual,
        user=bob,
        data={"title": "Refunds", "slug": "refunds", "section": section, "body": "v0"},
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_from_the_same_version_never_overwrite_each_other(draft, manual, bob, alice):
    entry = draft
    base = entry.lock_version
    url = f"/manuals/{manual.slug}/refunds/edit/"
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}
    errors: list[BaseException] = []

    def save(user, body):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            response = client.post(
                url, {**ENTRY_FORM, "slug": "refunds", "body": body, "lock_version": base, "action": "save"}
            )
            statuses[user.username] = response.status_code
        except BaseException as exc:  # noqa: BLE001 - surfaced in the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(bob, "Bob's text")),
        threading.Thread(target=save, args=(alice, "Alice's text")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors
    assert sorted(statuses.values()) == [302, 409], statuses
    winner = "bob" if statuses["bob"] == 302 else "alice"
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.body == ("Bob's text" if winner == "bob" else "Alice's text")
    assert entry.lock_version == base + 1
    assert entry.history.filter(lock_version=base + 1).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_serialises_the_two_saves_at_the_row_lock(draft, manual, bob, alice):
    entry = draft
    base = entry.lock_version
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def save(i):
        user = bob if i % 2 else alice
        try:
            barrier.wait(timeout=10)
            services.entry_save_draft(
                entry=entry, manual=manual, user=user, data={"body": f"text {i}"}, base_lock_version=base
            )
            outcomes.append("saved")
        except services.EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("saved") == 1 and outcomes.count("conflict") == 7
