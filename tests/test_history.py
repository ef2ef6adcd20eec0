"""An entry's history page: each publication and each review shown once, as the version or the review itself,
beside every other recorded change of the working copy."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from policies import services
from policies.selectors import entry_timeline
from policies.services.publishing import versions_take_effect
from reviews.services import entry_review_record

from .conftest import publish


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def test_each_publication_review_and_change_is_one_line(clock, make_entry, bob, alice, client):
    entry = make_entry(body="Refunds within 30 days.")
    clock.move_to(datetime(2026, 2, 5, 9, 0, tzinfo=UTC))
    entry_review_record(entry=entry, user=bob, note="Still right.")
    clock.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    data = {"body": "Refunds within 45 days.", "effective_date": date(2026, 3, 1)}
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data=data)
    publish(entry, author=bob, approver=alice, summary="Longer window from March")
    clock.move_to(datetime(2026, 3, 1, 0, 1, tzinfo=UTC))
    versions_take_effect()

    assert [event.what for event in entry_timeline(entry)] == [
        "Version 2 took effect",
        "Version 2 published",
        "Submitted for review",
        "Edited body, effective_date",
        "Reviewed, no change (version 1)",
        "Version 1 published",
        "Submitted for review",
        "Created as a draft",
    ]
    client.force_login(alice)
    page = client.get(f"/manuals/service/{entry.slug}/history/").content.decode()
    assert page.count("Version 2 published") == 1 and page.count("Reviewed, no change") == 1
    assert "Published version" not in page
