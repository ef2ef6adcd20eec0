"""Effective dates: a version approved now that readers see from a later day, without anyone acting then."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from acknowledgements.models import Acknowledgement
from policies import services
from policies.models import Entry
from policies.services.publishing import versions_take_effect

from .conftest import publish, shown

APPROVED = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 1)


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def refund(clock, make_entry, bob, alice, phone):
    entry = make_entry("refund-policy", body="Refunds within 30 days.", audience=[])
    clock.move_to(APPROVED)
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 45 days.", "effective_date": DAY}
    )
    publish(entry, author=bob, approver=alice, summary="Longer window from March")
    entry.refresh_from_db()
    return entry


def _page(client, entry, **params):
    return client.get(reverse("policies:entry_detail", args=[entry.manual.slug, entry.slug]), params).content.decode()


def test_readers_keep_the_current_text_until_the_day_and_can_read_ahead(client, refund, carol):
    assert refund.live_version.number == 1 and refund.scheduled_version.number == 2
    assert refund.scheduled_version.takes_effect_at.date() == DAY
    client.force_login(carol)

    page = _page(client, refund)
    assert "Refunds within 30 days." in page and "45 days" not in page.split("effective-notice")[0]
    assert "A new version takes effect on 1 March 2026." in page and 'href="?ahead=1">Read it ahead' in page
    ahead = _page(client, refund, ahead=1)
    assert "Refunds within 45 days." in ahead and "You are reading ahead." in ahead


def test_a_material_change_is_acknowledged_ahead_at_once(client, refund, carol):
    client.force_login(carol)
    assert "and acknowledge it by" in _page(client, refund)
    assert "I have read this and will follow it" not in _page(client, refund)  # the form is on the ahead page

    ahead = _page(client, refund, ahead=1)
    assert 'name="version" value="2"' in ahead
    response = client.post(
        reverse("acknowledgements:entry_acknowledge", args=[refund.manual.slug, refund.slug]), {"version": "2"}
    )
    assert response["Location"].endswith("?ahead=1")
    assert Acknowledgement.objects.get(user=carol).version.number == 2


def test_on_the_day_the_periodic_work_makes_the_version_live(client, refund, carol, clock):
    clock.move_to(datetime(2026, 2, 28, 23, 59, tzinfo=UTC))  # the last minute before the day
    call_command("run_periodic", stdout=io.StringIO())
    client.force_login(carol)
    assert "Refunds within 30 days." in _page(client, refund)
    assert Entry.objects.get(pk=refund.pk).scheduled_version is not None

    clock.move_to(datetime(2026, 3, 1, 0, 1, tzinfo=UTC))
    call_command("run_periodic", stdout=io.StringIO())  # from cron, or the worker's periodic job
    page = _page(client, refund)

    entry = Entry.objects.get(pk=refund.pk)
    assert entry.live_version.number == 2 and entry.scheduled_version is None
    assert entry.history.first().history_change_reason == "Version 2 took effect"
    assert "Refunds within 45 days." in page and "A new version takes effect" not in page


def test_past_views_follow_the_effective_date(client, refund, carol, clock):
    clock.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    assert [e.pk for e in versions_take_effect()] == [refund.pk]
    client.force_login(carol)
    before = _page(client, refund, as_of="2026-02-20")  # approved by then, but not yet in effect
    after = _page(client, refund, as_of="2026-03-02")
    assert "Refunds within 30 days." in before and "Refunds within 45 days." in after


def test_a_newer_approval_replaces_a_version_still_waiting(client, refund, bob, alice, carol, clock):
    clock.move_to(datetime(2026, 2, 15, 9, 0, tzinfo=UTC))
    services.entry_save_draft(
        entry=refund, manual=refund.manual, user=bob, data={"body": "Refunds within 40 days.", "effective_date": None}
    )
    publish(refund, author=bob, approver=alice, summary="Forty days, at once")
    clock.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    assert versions_take_effect() == []
    refund.refresh_from_db()
    assert refund.live_version.number == 3 and refund.scheduled_version is None
    client.force_login(carol)
    assert "Refunds within 40 days." in _page(client, refund, as_of="2026-03-04")


def test_an_edition_released_before_the_day_holds_the_text_then_in_effect(refund, alice):
    edition = services.edition_release(manual=refund.manual, user=alice, label="2026.1", release_notes="First.")
    assert [item.version.number for item in edition.items.all()] == [1]


def test_the_periodic_work_makes_due_versions_live_and_says_so(refund, clock):
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    assert "0 versions took effect" in out.getvalue().splitlines()
    clock.move_to(datetime(2026, 3, 1, 0, 30, tzinfo=UTC))
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    assert "1 version took effect" in out.getvalue().splitlines()
    refund.refresh_from_db()
    assert refund.live_version.number == 2


def _draft_dated_later(make_entry, author):
    """A published entry whose draft, saved by ``author``, takes effect on ``DAY``."""
    entry = make_entry("refund-policy", body="Thirty days.")
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=author, data={"body": "Forty-five days.", "effective_date": DAY}
    )
    return entry


def test_approval_queues_the_change_for_the_worker_on_the_day(
    clock, make_entry, bob, alice, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    entry = _draft_dated_later(make_entry, bob)
    with django_capture_on_commit_callbacks(execute=True):
        publish(entry, author=bob, approver=alice)
    queued = DBTaskResult.objects.get(task_path="policies.services.publishing.take_effect")
    assert queued.run_after.date() == DAY


def test_the_reviewer_is_told_the_version_takes_effect_later(client, clock, make_entry, bob, alice):
    entry = _draft_dated_later(make_entry, bob)
    services.entry_submit(entry=entry, user=bob)
    client.force_login(alice)
    page = client.get(reverse("policies:entry_review", args=[entry.manual.slug, entry.slug])).content.decode()
    assert "Takes effect on 1 March 2026: readers keep the current text until then" in page


def test_approving_a_version_dated_later_says_when_readers_will_see_it(client, clock, make_entry, bob, alice):
    entry = _draft_dated_later(make_entry, bob)
    services.entry_submit(entry=entry, user=bob)
    client.force_login(alice)
    approved = client.post(
        reverse("policies:entry_approve", args=[entry.manual.slug, entry.slug]),
        {"reviewed_lock_version": shown(entry), "change_summary": "Longer window"},
        follow=True,
    ).content.decode()
    assert "Approved as version 2. Readers will see it from 1 March 2026." in approved
    assert "Readers now see it" not in approved


def test_a_version_takes_effect_at_its_very_moment_in_the_name_of_its_approver(refund, clock, alice):
    clock.move_to(refund.scheduled_version.takes_effect_at)  # not a second later
    assert [e.pk for e in versions_take_effect()] == [refund.pk]
    entry = Entry.objects.get(pk=refund.pk)
    assert entry.live_version.number == 2
    took_effect = entry.history.first()
    assert (took_effect.history_change_reason, took_effect.history_user) == ("Version 2 took effect", alice)
