"""A manual closed to readers asks nobody to acknowledge anything: its readers could not open the links. Opening it
asks the audiences of its live entries then, once, with due dates counted from the opening."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from acknowledgements.obligations import pending_for
from acknowledgements.reminders import ack_reminders_queue
from acknowledgements.reports import ack_report
from notifications.models import Notification, NotificationKind
from policies import events, services
from policies.models import Manual

APPROVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OPENED = APPROVED + timedelta(days=10)


@pytest.fixture
def clock():
    with time_machine.travel(APPROVED - timedelta(days=1), tick=False) as traveller:
        yield traveller


@pytest.fixture
def manual(clock, alice):
    """The manual of ``make_entry``, here closed to readers until a manager opens it."""
    return services.manual_save(
        manual=None, user=alice, opened=False,
        data={"title": "Harbour Lights Service Manual", "slug": "harbour", "organisation": "Harbour Lights Ferries",
              "mission": "", "vision": "", "ack_days": 14},
    )  # fmt: skip


@pytest.fixture
def approved(clock, manual, make_entry, carol, django_capture_on_commit_callbacks):
    """An entry for everyone, approved while the manual is closed."""
    clock.move_to(APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        return make_entry("boarding-times", title="Boarding times")


def open_manual(clock, manual, alice, django_capture_on_commit_callbacks):
    clock.move_to(OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        services.manual_open(manual=manual, user=alice)


def asked(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind=NotificationKind.MATERIAL_CHANGE).values_list("title", flat=True)
    )


def test_approving_an_entry_in_a_closed_manual_asks_and_tells_nobody(clock, approved, manual, carol):
    assert asked(carol) == []
    assert pending_for(carol) == []
    report = ack_report(Manual.objects.get(pk=manual.pk))
    assert report.entries == [] and report.totals.overdue == 0
    # Long past any due date, still no reminder: nothing was asked.
    assert ack_reminders_queue(today=APPROVED.date() + timedelta(days=60)) == 0


def test_opening_the_manual_asks_its_audience_once(clock, approved, manual, alice, carol,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    open_manual(clock, manual, alice, django_capture_on_commit_callbacks)
    assert asked(carol) == ["New: Boarding times"]
    client = Client()
    client.force_login(carol)
    assert "Boarding times" in client.get("/my/").content.decode()

    # The same opening announced again asks nobody a second time.
    with django_capture_on_commit_callbacks(execute=True):
        events.announce(events.manual_opened, Manual, manual=Manual.objects.get(pk=manual.pk), user=alice)
    assert asked(carol) == ["New: Boarding times"]


def test_due_dates_count_from_the_opening(clock, approved, manual, alice, carol, django_capture_on_commit_callbacks):
    open_manual(clock, manual, alice, django_capture_on_commit_callbacks)
    due = timezone.localdate(OPENED) + timedelta(days=14)
    [state] = pending_for(carol)
    assert state.due == due
    assert "acknowledge it by " + f"{due.day} {due:%B %Y}" in Notification.objects.get(user=carol).body
    # Fourteen days after the approval nothing is overdue yet; fourteen days after the opening it is.
    report = ack_report(Manual.objects.get(pk=manual.pk))
    assert [row.asked_on for row in report.entries] == [timezone.localdate(OPENED)]
    ack_reminders_queue(today=timezone.localdate(APPROVED) + timedelta(days=15))
    assert not Notification.objects.filter(user=carol, kind=NotificationKind.ACK_OVERDUE).exists()
    ack_reminders_queue(today=due + timedelta(days=1))
    assert Notification.objects.filter(user=carol, kind=NotificationKind.ACK_OVERDUE).exists()
