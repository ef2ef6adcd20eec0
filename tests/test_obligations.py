"""Who is asked to acknowledge what, by when, and whether it is done: one answer, on every page that shows it.

The person's home page, the reminders, the managers' report and the dashboard all ask ``acknowledgements.obligations``;
these tests hold them to the same answer for one person and one entry.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from acknowledgements.models import Acknowledgement
from acknowledgements.reminders import ack_reminders_queue
from acknowledgements.reports import ack_report
from acknowledgements.services import entry_acknowledge
from dashboard.sources import Sources
from notifications.models import Notification, NotificationKind

from .conftest import _user, revise

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def pending_on_my_page(client, user) -> str:
    """The part of the person's home page that lists what awaits their acknowledgement."""
    client.force_login(user)
    page = client.get("/my/").content.decode()
    return page[page.index('id="pending-title"') : page.index('id="changed-title"')]


def where_they_stand(client, user, manual) -> dict:
    """What each of the four places says about ``user`` and the manual's one entry."""
    page = pending_on_my_page(client, user)
    report = ack_report(manual)
    person = next((p for p in report.people if p.user_id == user.pk), None)
    ack_reminders_queue()
    reminded = Notification.objects.filter(user=user, kind=NotificationKind.ACK_OVERDUE).exists()
    return {
        "my page pending": "Refund policy" in page,
        "my page overdue": "overdue since" in page,
        "report missing": person is not None and [m.entry.slug for m in report.missing(person)] == ["refund-policy"],
        "report overdue": person is not None and person.overdue == 1,
        "reminded": reminded,
        "dashboard overdue": Sources(manual, fresh=True).acks.totals.overdue,
    }


def test_the_home_page_the_report_the_reminders_and_the_dashboard_agree(
    client, clock, make_entry, carol, phone, manual
):
    carol.profile.teams.add(phone)
    make_entry(audience=[phone.slug])  # carol is the only one asked
    clock.move_to(START + timedelta(days=20))
    assert where_they_stand(client, carol, manual) == {
        "my page pending": True, "my page overdue": True, "report missing": True, "report overdue": True,
        "reminded": True, "dashboard overdue": 1,
    }  # fmt: skip

    entry_acknowledge(entry=manual.entries.get(), user=carol)
    report = ack_report(manual)
    assert report.totals.overdue == 0 and report.totals.done == 1
    assert Sources(manual, fresh=True).acks.totals.overdue == 0
    assert "Refund policy" not in pending_on_my_page(client, carol)


def test_an_administrator_in_no_team_of_the_entry_is_not_a_reader_who_has_not_acknowledged(
    client, clock, make_entry, manual, phone, chat
):
    outside = _user("root", None, is_superuser=True, is_staff=True)  # in no team at all
    elsewhere = _user("ops", None, is_superuser=True, is_staff=True)
    elsewhere.profile.teams.add(chat)
    make_entry()  # for everyone: the manager and the editor who made it are asked too
    clock.move_to(START + timedelta(days=20))
    assert where_they_stand(client, outside, manual) == {
        "my page pending": False, "my page overdue": False, "report missing": False, "report overdue": False,
        "reminded": False, "dashboard overdue": 3,  # alice, bob and the administrator in a team
    }  # fmt: skip
    # One in a team the entry is for is a reader like anyone else.
    assert where_they_stand(client, elsewhere, manual)["report missing"]
    assert where_they_stand(client, elsewhere, manual)["reminded"]


def test_an_administrator_is_asked_only_what_is_for_one_of_their_teams(
    clock, make_entry, manual, phone, chat, alice, bob
):
    admin = _user("ops", None, is_superuser=True, is_staff=True)
    admin.profile.teams.add(chat)
    entry = make_entry()
    revise(entry, author=bob, approver=alice, audience=[phone.slug])
    clock.move_to(START + timedelta(days=20))
    report = ack_report(manual)
    assert all(p.user_id != admin.pk for p in report.people)
    admin.profile.teams.add(phone)
    report = ack_report(manual)
    assert [p.overdue for p in report.people if p.user_id == admin.pk] == [1]


@pytest.mark.django_db(transaction=True)
def test_moving_the_models_to_their_own_app_keeps_every_acknowledgement(make_entry, carol):
    entry = make_entry()
    entry_acknowledge(entry=entry, user=carol)
    executor = MigrationExecutor(connection)
    before = [("policies", "0015_four_eyes_requests"), ("acknowledgements", None)]
    executor.migrate(before)
    old = executor.loader.project_state(before[:1]).apps.get_model("policies", "Acknowledgement")
    assert list(old.objects.values_list("user_id", "entry_id")) == [(carol.pk, entry.pk)]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(Acknowledgement.objects.values_list("user_id", "entry_id", "version__number")) == [
        (carol.pk, entry.pk, 1)
    ]
    assert Acknowledgement.history.filter(user=carol).count() == 1


def test_reminders_go_only_to_the_audience_not_done_and_past_their_own_due_date(
    clock, make_entry, manual, phone
):
    def member(name):
        person = _user(name, "Agents")
        person.profile.teams.add(phone)
        return person

    done = member("done")
    member("late")
    _user("elsewhere", "Agents")  # in no team the entry is for
    entry = make_entry(audience=[phone.slug])
    entry_acknowledge(entry=entry, user=done)
    clock.move_to(START + timedelta(days=10))
    member("newcomer")  # joined ten days after the change: due ten days later than the others
    clock.move_to(START + timedelta(days=manual.ack_days + 2))

    ack_reminders_queue()
    reminded = Notification.objects.filter(kind=NotificationKind.ACK_OVERDUE).values_list("user__username", flat=True)
    assert sorted(reminded) == ["late"]
    report = ack_report(manual)
    assert report.totals.overdue == 1 and report.totals.done == 1
