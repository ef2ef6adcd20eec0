"""A manual started from the starter template waits closed, placeholders and all, until a manager opens it to
readers; every other manual is open from its creation."""

import pytest
from django.test import Client

from policies import services
from policies.importexport.starter import manual_create_from_starter
from policies.models import Manual

FORM = {
    "title": "Harbour Lights Service Manual",
    "slug": "harbour",
    "organisation": "Harbour Lights Ferries",
    "mission": "",
    "vision": "",
    "ack_days": "14",
    "require_second_approver": "on",
    "start_with": "starter",
}


@pytest.fixture
def harbour(alice):
    manual, _report = manual_create_from_starter(
        user=alice, data={k: FORM[k] for k in ("title", "slug", "organisation", "mission", "vision")}
    )
    return manual


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_agents_and_editors_cannot_see_a_manual_started_from_the_starter(harbour, carol, bob):
    for reader in (as_user(carol), as_user(bob)):
        for url in ("/manuals/harbour/", "/manuals/harbour/print/", "/manuals/harbour/search/?q=refund",
                    "/manuals/harbour/channels/", "/manuals/harbour/editions/"):  # fmt: skip
            response = reader.get(url)
            assert response.status_code == 404, url
            assert "This manual is not open to readers yet." in response.content.decode()
            assert "[your purpose" not in response.content.decode()
        listing = reader.get("/manuals/").content.decode()
        assert "Harbour Lights Service Manual" not in listing and "/manuals/harbour/" not in listing
        assert "Harbour Lights Service Manual" not in reader.get("/my/").content.decode()


def test_managers_see_it_closed_and_open_it_to_readers(harbour, alice, carol):
    manager = as_user(alice)
    home = manager.get("/manuals/harbour/").content.decode()
    assert "Readers cannot see this manual yet" in home and "Open the manual to readers" in home
    assert "Harbour Lights Service Manual" in manager.get("/manuals/").content.decode()
    assert "Open the manual to readers" in manager.get("/manuals/harbour/settings/").content.decode()

    response = manager.post("/manuals/harbour/settings/", {"open_to_readers": "1"})
    assert response.status_code == 302 and response.url == "/manuals/harbour/"
    assert "Readers cannot see this manual yet" not in manager.get(response.url).content.decode()
    assert Manual.objects.get(pk=harbour.pk).history.first().history_change_reason == (
        "Opened the manual to readers (alice)"
    )

    reader = as_user(carol)
    assert reader.get("/manuals/harbour/").status_code == 200
    assert "Harbour Lights Service Manual" in reader.get("/manuals/").content.decode()


def test_opening_an_open_manual_says_so(manual, alice):
    with pytest.raises(services.TransitionError, match="already open"):
        services.manual_open(manual=manual, user=alice)
    response = as_user(alice).post("/manuals/service/settings/", {"open_to_readers": "1"}, follow=True)
    assert "The manual is already open to readers." in response.content.decode()


def test_only_managers_open_a_manual(harbour, bob):
    assert as_user(bob).post("/manuals/harbour/settings/", {"open_to_readers": "1"}).status_code == 403
    assert not Manual.objects.get(pk=harbour.pk).is_open


def test_a_manual_created_empty_is_open_at_once(alice, carol):
    manager = Client()
    manager.force_login(alice)
    manager.post("/manuals/new/", {**FORM, "start_with": "empty", "mission": "Ferries on time."})
    assert Manual.objects.get(slug="harbour").is_open
    assert "Ferries on time." in as_user(carol).get("/manuals/harbour/").content.decode()
