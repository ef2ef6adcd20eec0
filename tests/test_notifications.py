"""Notifications: who is told what, once; how and when they are emailed; reminders; the pages."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acknowledgements import services as ack_services
from acknowledgements.reminders import ack_reminders_queue
from notifications import selectors, services
from notifications.context_processors import unread
from notifications.models import Notification, NotificationKind
from people.models import NotifyBy, Team
from policies import events
from policies import services as policy_services
from policies.models import Entry

from .conftest import _user, publish, shown

SETTINGS_PATH = "/my/notifications/settings/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.SITE_URL = "https://manual.example.com"
    settings.TASKS = IMMEDIATE


@pytest.fixture
def phone(db):
    return Team.objects.create(name="Phone support", slug="phone")


@pytest.fixture
def chat(db):
    return Team.objects.create(name="Chat support", slug="chat")


@pytest.fixture
def carol_on_phone(carol, phone):
    carol.profile.teams.add(phone)
    return carol


@pytest.fixture
def dave(db, chat):
    """An agent on the chat team."""
    user = _user("dave", "Agents")
    user.profile.teams.add(chat)
    return user


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@example.com"
        user.save()


def prefer(user, choice):
    services.notification_preference_save(user=user, notify_by=choice)


def revise(entry, *, bob, alice, material, data=None, callbacks):
    policy_services.entry_save_draft(entry=entry, manual=entry.manual, user=bob,
                                     data=data or {"body": entry.body + " More."})  # fmt: skip
    with callbacks(execute=True):
        policy_services.entry_submit(entry=entry, user=bob)
        version = policy_services.entry_approve(entry=entry, user=alice, change_summary="Revised",
                                                is_material=material, reviewed_lock_version=shown(entry))  # fmt: skip
    entry.refresh_from_db()
    return version


# Who is told what


def test_a_material_change_notifies_exactly_its_audience_and_a_minor_fix_nobody(
    make_entry, carol_on_phone, dave, bob, alice, mallory, django_capture_on_commit_callbacks
):
    carol = carol_on_phone
    with django_capture_on_commit_callbacks(execute=True):
        entry = make_entry(audience=["phone"])
    [note] = Notification.objects.filter(kind=NotificationKind.MATERIAL_CHANGE)
    assert note.user == carol and note.url == entry.get_absolute_url() and "Refund policy" in note.title
    assert kinds(dave) == []
    assert kinds(alice) == kinds(mallory) == [NotificationKind.REVIEW_REQUESTED]  # on no team
    assert kinds(bob) == [NotificationKind.DRAFT_APPROVED]  # the author, not as audience: bob is on no team

    revise(entry, bob=bob, alice=alice, material=False, callbacks=django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind=NotificationKind.MATERIAL_CHANGE).count() == 1

    revise(entry, bob=bob, alice=alice, material=True, callbacks=django_capture_on_commit_callbacks)
    assert kinds(carol) == [NotificationKind.MATERIAL_CHANGE] * 2 and kinds(dave) == []


def test_an_entry_for_everyone_notifies_every_active_person_but_the_approver(
    make_entry, carol, dave, bob, alice, mallory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_entry()
    told = set(Notification.objects.filter(kind=NotificationKind.MATERIAL_CHANGE).values_list("user", flat=True))
    assert told == {carol.pk, dave.pk, bob.pk, mallory.pk}


def test_a_deactivated_person_gets_nothing(make_entry, carol, bob, alice, django_capture_on_commit_callbacks):
    carol.is_active = False
    carol.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_entry()
    assert kinds(carol) == []
    assert services.notify(user=carol, kind=NotificationKind.INVITATION, title="Hello") is None


def test_the_same_event_twice_notifies_nobody_twice(make_entry, carol, alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = make_entry()
    version = entry.live_version
    before = Notification.objects.count()
    events.entry_published.send(sender=Entry, entry=entry, version=version, user=alice)
    assert Notification.objects.count() == before
    assert services.notify(user=carol, kind="invitation", title="Welcome", key="k1") is not None
    assert services.notify(user=carol, kind="invitation", title="Welcome", key="k1") is None


def test_a_submitted_draft_asks_the_managers_but_not_the_submitter(
    make_entry, bob, alice, mallory, carol, django_capture_on_commit_callbacks
):
    entry = make_entry(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        policy_services.entry_submit(entry=entry, user=bob)
    review_url = f"/manuals/{entry.manual.slug}/{entry.slug}/review/"
    notes = Notification.objects.filter(kind=NotificationKind.REVIEW_REQUESTED)
    assert {n.user for n in notes} == {alice, mallory}
    assert all(n.url == review_url for n in notes)
    assert kinds(bob) == kinds(carol) == []

    policy_services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"body": "Changed."})
    with django_capture_on_commit_callbacks(execute=True):
        policy_services.entry_submit(entry=entry, user=alice)  # a manager submitting is not asked themselves
    assert kinds(alice) == [NotificationKind.REVIEW_REQUESTED]
    assert kinds(mallory) == [NotificationKind.REVIEW_REQUESTED] * 2


def test_changes_requested_and_approval_go_to_the_author(make_entry, bob, alice, django_capture_on_commit_callbacks):
    entry = make_entry(published=False)
    policy_services.entry_submit(entry=entry, user=bob)
    with django_capture_on_commit_callbacks(execute=True):
        policy_services.entry_request_changes(entry=entry, user=alice, comment="Say which receipt counts.")
    [sent_back] = Notification.objects.filter(user=bob)
    assert sent_back.kind == NotificationKind.CHANGES_REQUESTED and "Say which receipt counts." in sent_back.body
    assert sent_back.url == reverse("policies:entry_edit", args=[entry.manual.slug, entry.slug])

    with django_capture_on_commit_callbacks(execute=True):
        version = publish(entry, author=bob, approver=alice)
    [approved] = Notification.objects.filter(user=bob, kind=NotificationKind.DRAFT_APPROVED)
    assert approved.key == f"approved:{version.pk}:{bob.pk}" and approved.url == entry.get_absolute_url()
    assert not Notification.objects.filter(user=alice, kind=NotificationKind.DRAFT_APPROVED).exists()


def test_announcing_to_many_people_costs_a_fixed_number_of_queries(
    make_entry, alice, bob, django_assert_max_num_queries
):
    # Everything that listens to a publication (notifications, the search index) costs the same for 2 people
    # as for 61.
    first, second = make_entry("first"), make_entry("second")
    _user("agent0", "Agents")
    with CaptureQueriesContext(connection) as few:
        events.entry_published.send(
            sender=Entry, entry=first, version=first.live_version, user=alice, asks_acknowledgement=True
        )
    for i in range(1, 60):
        _user(f"agent{i}", "Agents")
    with django_assert_max_num_queries(len(few.captured_queries)):
        events.entry_published.send(
            sender=Entry, entry=second, version=second.live_version, user=alice, asks_acknowledgement=True
        )
    material = Notification.objects.filter(kind=NotificationKind.MATERIAL_CHANGE, url=second.get_absolute_url())
    assert material.count() == 61  # the agents and bob; not alice, who approved it


# Emails


def test_sending_twice_sends_each_email_once(carol, bob, settings):
    with_email(carol, bob)
    prefer(bob, NotifyBy.DAILY)
    for i in range(2):
        services.notify(user=carol, kind=NotificationKind.INVITATION, title=f"Carol {i}", url="/manuals/")
        services.notify(user=bob, kind=NotificationKind.INVITATION, title=f"Bob {i}")
    call_command("run_periodic", stdout=open("/dev/null", "w"))
    call_command("run_periodic", stdout=open("/dev/null", "w"))
    assert sorted(m.subject for m in mail.outbox) == [
        "Policy Manual: 2 new notifications", "Policy Manual: Carol 0", "Policy Manual: Carol 1",
    ]  # fmt: skip
    assert mail.outbox[0].to == ["carol@example.com"]
    assert "https://manual.example.com/manuals/" in mail.outbox[0].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_an_event_is_emailed_by_the_task_at_once_and_the_periodic_work_sends_it_no_more(
    make_entry, carol, alice, bob, django_capture_on_commit_callbacks
):
    with_email(carol)
    with django_capture_on_commit_callbacks(execute=True):
        make_entry()
    assert [m.to for m in mail.outbox] == [["carol@example.com"]]
    call_command("run_periodic", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1


def test_with_a_worker_the_event_only_queues_the_delivery(
    make_entry, carol, alice, bob, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = QUEUED
    with_email(carol)
    with django_capture_on_commit_callbacks(execute=True):
        make_entry()
    assert mail.outbox == [] and len(default_task_backend.results) >= 1
    assert services.send_due_emails() == 1 and mail.outbox[0].to == ["carol@example.com"]


def test_the_daily_digest_sends_one_email_with_everything_once_a_day(carol):
    with_email(carol)
    prefer(carol, NotifyBy.DAILY)
    for title in ("First", "Second", "Third"):
        services.notify(user=carol, kind=NotificationKind.INVITATION, title=title, body=f"About {title}.")
    morning = timezone.make_aware(datetime(2030, 3, 4, 7, 0))
    assert services.send_due_emails(now=morning) == 1
    [digest] = mail.outbox
    assert digest.subject == "Policy Manual: 3 new notifications"
    assert all(word in digest.body for word in ("First", "Second", "About Third."))

    services.notify(user=carol, kind=NotificationKind.INVITATION, title="Fourth")
    assert services.send_due_emails(now=morning + timedelta(hours=5)) == 0  # one a day
    assert services.send_due_emails(now=morning + timedelta(days=1)) == 1
    assert "Fourth" in mail.outbox[1].body and "First" not in mail.outbox[1].body


def test_choosing_no_emails_sends_nothing_and_is_not_reconsidered(carol):
    with_email(carol)
    prefer(carol, NotifyBy.NONE)
    note = services.notify(user=carol, kind=NotificationKind.INVITATION, title="Hello")
    assert services.send_due_emails() == 0 and mail.outbox == []
    note.refresh_from_db()
    assert note.emailed_at is not None and note.read_at is None  # still unread in the app
    prefer(carol, NotifyBy.IMMEDIATE)
    assert services.send_due_emails() == 0


def test_people_without_an_address_get_no_email_and_are_not_reconsidered(carol):
    services.notify(user=carol, kind=NotificationKind.INVITATION, title="Hello")
    assert services.send_due_emails() == 0
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_every_email_links_to_the_preferences_page(carol, bob):
    with_email(carol, bob)
    prefer(bob, NotifyBy.DAILY)
    services.notify(user=carol, kind=NotificationKind.INVITATION, title="One")
    services.notify(user=bob, kind=NotificationKind.INVITATION, title="Two")
    assert services.send_due_emails() == 2
    assert reverse("notifications:settings") == SETTINGS_PATH
    assert all(f"https://manual.example.com{SETTINGS_PATH}" in m.body for m in mail.outbox)


def test_an_emails_links_start_with_the_address_the_site_is_served_on(carol, settings):
    settings.SITE_URL = "http://127.0.0.1:8123/"
    with_email(carol)
    services.notify(user=carol, kind=NotificationKind.INVITATION, title="Changed", url="/manuals/northwind/refunds/")
    assert services.send_due_emails() == 1
    [message] = mail.outbox
    assert "Open it: http://127.0.0.1:8123/manuals/northwind/refunds/\n" in message.body
    assert f"http://127.0.0.1:8123{SETTINGS_PATH}\n" in message.body


def test_a_value_change_republishing_two_entries_sends_each_person_one_email(
    make_entry, manual, carol, dave, bob, alice, mallory, mailoutbox, django_capture_on_commit_callbacks
):
    with_email(carol, dave, bob, alice, mallory)
    window = policy_services.value_create(manual=manual, user=alice, name="refund_window", label="Refund window",
                                          value="30 days")  # fmt: skip
    make_entry("refund-policy", body="Refunds within {{ refund_window }}.")
    make_entry("returns", body="Returns are accepted for {{ refund_window }}.")
    policy_services.value_save_draft(shared_value=window, user=alice, value="45 days", reason="Longer.",
                                     is_material=True)  # fmt: skip
    policy_services.value_submit(shared_value=window, user=alice)
    window.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        policy_services.value_approve(shared_value=window, user=mallory, reviewed_lock_version=window.lock_version)

    # Each person is told in the app about each entry, and gets one email listing both.
    assert kinds(carol) == [NotificationKind.MATERIAL_CHANGE] * 2
    assert sorted(m.to[0] for m in mailoutbox) == [f"{name}@example.com" for name in ("alice", "bob", "carol", "dave")]
    [to_carol] = [m for m in mailoutbox if m.to == ["carol@example.com"]]
    assert to_carol.subject == "Policy Manual: Changed: Refund policy and 1 more"
    for path in ("/manuals/service/refund-policy/", "/manuals/service/returns/"):
        assert f"https://manual.example.com{path}" in to_carol.body
    [to_alice] = [m for m in mailoutbox if m.to == ["alice@example.com"]]
    assert "in 4 places" in to_alice.body  # her change approved in both entries, and both changed for her


def test_separate_changes_are_emailed_separately(make_entry, carol, bob, alice, django_capture_on_commit_callbacks):
    with_email(carol)
    with django_capture_on_commit_callbacks(execute=True):
        make_entry("refund-policy")
        make_entry("returns")
    subjects = [m.subject for m in mail.outbox]
    assert subjects == ["Policy Manual: New: Refund policy", "Policy Manual: New: Returns"]  # first versions


def test_a_failed_email_is_tried_again_on_the_next_run(carol, monkeypatch):
    from django.core.mail import EmailMessage

    with_email(carol)
    services.notify(user=carol, kind=NotificationKind.INVITATION, title="Hello")

    def refuse(self, fail_silently=False):
        raise OSError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        assert services.send_due_emails() == 0
    assert services.send_due_emails() == 1 and len(mail.outbox) == 1


# Reminders


@pytest.fixture
def published(make_entry, carol, dave, alice, bob):
    """An entry for everyone, published after they joined: they have the manual's 14 days to acknowledge it."""
    return make_entry()


def due_of(entry):
    return timezone.localdate(entry.ack_version.approved_at) + timedelta(days=entry.manual.ack_days)


def test_reminders_when_due_soon_and_when_overdue_are_made_once(published, carol, dave):
    entry = published
    ack_services.entry_acknowledge(entry=entry, user=dave)
    due = due_of(entry)

    assert ack_reminders_queue(today=due - timedelta(days=4)) == 0
    ack_reminders_queue(today=due - timedelta(days=3))
    ack_reminders_queue(today=due - timedelta(days=1))
    [soon] = Notification.objects.filter(user=carol)
    assert soon.kind == NotificationKind.ACK_DUE_SOON and soon.url == entry.get_absolute_url()
    assert kinds(dave) == []  # acknowledged

    ack_reminders_queue(today=due + timedelta(days=1))
    ack_reminders_queue(today=due + timedelta(days=2))
    assert kinds(carol) == [NotificationKind.ACK_DUE_SOON, NotificationKind.ACK_OVERDUE]
    assert kinds(dave) == []

    ack_services.entry_acknowledge(entry=entry, user=carol)
    before = Notification.objects.filter(user=carol).count()
    ack_reminders_queue(today=due + timedelta(days=3))
    assert Notification.objects.filter(user=carol).count() == before


def test_a_new_material_change_brings_a_new_due_date_and_new_reminders(
    published, carol, bob, alice, django_capture_on_commit_callbacks
):
    entry = published
    ack_reminders_queue(today=due_of(entry) + timedelta(days=1))
    assert kinds(carol) == [NotificationKind.ACK_OVERDUE]
    approved = timezone.now() + timedelta(days=30)
    policy_services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "New rule."})
    policy_services.entry_submit(entry=entry, user=bob)
    policy_services.entry_approve(entry=entry, user=alice, change_summary="New rule", approved_at=approved,
                                  reviewed_lock_version=shown(entry))  # fmt: skip
    entry.refresh_from_db()
    ack_reminders_queue(today=due_of(entry) + timedelta(days=1))
    assert kinds(carol) == [NotificationKind.ACK_OVERDUE] * 2


def unread_kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user, read_at__isnull=True).values_list("kind", flat=True))


def test_acknowledging_an_entry_marks_read_what_asked_for_it(
    make_entry, carol, dave, bob, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = make_entry()
        other = make_entry("exchange-policy")
    ack_reminders_queue(today=due_of(entry) - timedelta(days=1))
    ack_reminders_queue(today=due_of(entry) + timedelta(days=1))
    asked = [NotificationKind.ACK_DUE_SOON, NotificationKind.ACK_OVERDUE, NotificationKind.MATERIAL_CHANGE]
    assert unread_kinds(carol) == sorted(asked * 2)

    with django_capture_on_commit_callbacks(execute=True):
        ack_services.entry_acknowledge(entry=entry, user=carol)

    # Carol's requests about the entry she acknowledged are read; those about the other entry and dave's are not.
    assert unread_kinds(carol) == sorted(asked)
    assert all(n.url == other.get_absolute_url() for n in Notification.objects.filter(user=carol, read_at=None))
    assert unread_kinds(dave) == sorted(asked * 2)


def test_a_new_due_date_marks_the_old_overdue_reminder_read(
    published, carol, bob, alice, django_capture_on_commit_callbacks
):
    entry = published
    ack_reminders_queue(today=due_of(entry) + timedelta(days=1))
    [overdue] = Notification.objects.filter(user=carol, kind=NotificationKind.ACK_OVERDUE)

    revise(entry, bob=bob, alice=alice, material=True, callbacks=django_capture_on_commit_callbacks)

    overdue.refresh_from_db()
    assert overdue.is_read
    # What asks her now, the material change with its new due date, is unread.
    assert unread_kinds(carol) == [NotificationKind.MATERIAL_CHANGE]


def test_a_minor_fix_keeps_the_overdue_reminder(published, carol, bob, alice, django_capture_on_commit_callbacks):
    entry = published
    ack_reminders_queue(today=due_of(entry) + timedelta(days=1))
    revise(entry, bob=bob, alice=alice, material=False, callbacks=django_capture_on_commit_callbacks)
    assert unread_kinds(carol) == [NotificationKind.ACK_OVERDUE]


def test_managers_get_one_summary_of_overdue_acknowledgements_a_week(published, carol, dave, alice, mallory, bob):
    entry = published
    carol.first_name, carol.last_name = "Carol", "Agent"
    carol.save()
    due = due_of(entry)
    monday = due + timedelta(days=7 - due.weekday())  # the Monday after it fell due
    ack_reminders_queue(today=monday)
    ack_reminders_queue(today=monday + timedelta(days=4))  # Friday, same week
    digests = Notification.objects.filter(kind=NotificationKind.MANAGER_DIGEST)
    assert sorted(n.user.username for n in digests) == ["alice", "mallory"]
    assert "Refund policy" in digests[0].body and "Carol Agent" in digests[0].body and "dave" in digests[0].body
    assert "https://manual.example.com/manuals/service/refund-policy/" in digests[0].body
    assert kinds(bob).count(NotificationKind.MANAGER_DIGEST) == 0

    ack_reminders_queue(today=monday + timedelta(days=7))
    assert Notification.objects.filter(kind=NotificationKind.MANAGER_DIGEST).count() == 4


def test_the_periodic_work_makes_reminders_and_sends_them_once(published, carol):
    with_email(carol)
    with time_machine.travel(timezone.now() + timedelta(days=20), tick=False):
        call_command("run_periodic", stdout=open("/dev/null", "w"))
        call_command("run_periodic", stdout=open("/dev/null", "w"))
    assert [m.to for m in mail.outbox] == [["carol@example.com"]]
    assert "Overdue" in mail.outbox[0].subject


# Pages


def test_the_header_shows_the_unread_count_with_one_query(client, carol, django_assert_num_queries):
    for title in ("One", "Two"):
        services.notify(user=carol, kind=NotificationKind.INVITATION, title=title)
    request = RequestFactory().get("/")
    request.user = carol
    context = unread(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "2"

    client.force_login(carol)
    page = client.get(reverse("notifications:settings"))
    assert 'title="Unread">2</span>' in page.content.decode()

    client.logout()
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert unread(request) == {}


def test_the_list_shows_newest_first_and_marks_all_read(client, carol):
    services.notify(user=carol, kind=NotificationKind.INVITATION, title="Older")
    services.notify(user=carol, kind=NotificationKind.INVITATION, title="Newer")
    client.force_login(carol)
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.index("Newer") < html.index("Older") and "Mark all as read" in html
    client.post(reverse("notifications:mark_read"))
    assert selectors.unread_count(carol) == 0
    assert "Mark all as read" not in client.get(reverse("notifications:list")).content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, carol):
    note = services.notify(user=carol, kind=NotificationKind.INVITATION, title="Go", url="/manuals/")
    client.force_login(carol)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/manuals/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_agent_cannot_see_or_mark_another_persons_notifications(client, carol, dave):
    theirs = services.notify(user=dave, kind=NotificationKind.INVITATION, title="For dave only", url="/manuals/")
    client.force_login(carol)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert "For dave only" not in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:mark_read"), {"id": [theirs.pk]})
    client.post(reverse("notifications:mark_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert services.notifications_mark_read(user=carol, ids=[theirs.pk]) == 0


def test_the_pages_need_a_signed_in_person(client):
    for name in ("notifications:list", "notifications:settings"):
        assert client.get(reverse(name)).status_code == 302


def test_a_person_chooses_how_they_are_emailed_and_the_change_is_in_the_history(client, carol):
    client.force_login(carol)
    page = client.get(SETTINGS_PATH)
    assert page.status_code == 200 and "One email a day" in page.content.decode()
    response = client.post(SETTINGS_PATH, {"notify_by": "daily"})
    assert response.status_code == 302
    carol.profile.refresh_from_db()
    assert carol.profile.notify_by == NotifyBy.DAILY
    latest = carol.profile.history.order_by("-history_date").first()
    assert latest.history_user == carol and "one email a day" in latest.history_change_reason.lower()
    assert client.post(SETTINGS_PATH, {"notify_by": "hourly"}).status_code == 200
    carol.profile.refresh_from_db()
    assert carol.profile.notify_by == NotifyBy.DAILY


def test_the_home_page_partial_lists_the_latest_notifications(carol):
    for i in range(12):
        services.notify(user=carol, kind=NotificationKind.INVITATION, title=f"Note {i}", url="/manuals/")
    latest = selectors.latest_for(carol)
    assert len(latest) == 10 and latest[0].title == "Note 11"
    html = render_to_string("notifications/_list.html", {"notifications": latest})
    assert "Note 11" in html and "Note 1<" not in html and reverse("notifications:list") in html
    assert "No notifications yet" in render_to_string("notifications/_list.html", {"notifications": []})


def test_a_failing_reaction_is_logged_and_the_publication_stands(make_entry, alice, caplog, monkeypatch):
    from policies import notices

    entry = make_entry()

    def broken(*args, **kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(notices, "notifications_send", broken)
    with caplog.at_level("ERROR"):
        events.entry_published.send(sender=Entry, entry=entry, version=entry.live_version, user=alice)
    assert "Notifying failed (entry_published)" in caplog.text and "mail server on fire" in caplog.text
    entry.refresh_from_db()
    assert entry.live_version is not None
