"""The review schedule: due dates in calendar months, "Reviewed, no change", the reviews page and reminders."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from notifications.models import Notification, NotificationKind
from policies import services
from policies.models import Entry
from policies.scheduling import add_months
from policies.selectors import entry_timeline
from reviews.models import EntryReview, ReminderSchedule
from reviews.selectors import reminder_schedule
from reviews.services import entry_review_record, review_reminders_schedule, review_reminders_send

from .conftest import _user, publish

URL = "/manuals/service/reviews/"
START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
QUERIES = 7  # session, user, two for permissions, manual, due entries (owners and versions joined), unread count
REMINDER_KINDS = [NotificationKind.REVIEW_DUE_SOON, NotificationKind.REVIEW_OVERDUE]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def reminders():
    return Notification.objects.filter(kind__in=REMINDER_KINDS)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
        (date(2026, 1, 1), 24, date(2028, 1, 1)),
    ],
)
def test_add_months_moves_by_calendar_months_and_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_publishing_sets_the_next_review_date(clock, make_entry):
    entry = make_entry(review_every_months=1)
    assert entry.next_review_on == date(2026, 2, 28)


def test_a_draft_has_no_review_date(clock, make_entry):
    assert make_entry(published=False).next_review_on is None


def test_a_new_version_restarts_the_cycle(clock, make_entry, bob, alice):
    entry = make_entry(review_every_months=6)
    clock.move_to(datetime(2026, 3, 31, 9, 0, tzinfo=UTC))
    entry = services.entry_save_draft(
        entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 60 days."}
    )
    publish(entry, author=bob, approver=alice, summary="Longer refunds")
    entry.refresh_from_db()
    assert entry.next_review_on == date(2026, 9, 30)


def test_reviewed_no_change_restarts_the_cycle_without_a_version(clock, make_entry, bob):
    entry = make_entry(review_every_months=1)
    clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    review = entry_review_record(entry=entry, user=bob, note="Checked against the new returns law.")
    entry.refresh_from_db()
    assert entry.next_review_on == date(2026, 4, 10)
    assert entry.versions.count() == 1
    assert review.version == entry.live_version
    assert review.history.count() == 1


def test_a_review_appears_in_the_history_timeline(clock, make_entry, bob, client):
    entry = make_entry()
    clock.shift(timedelta(days=3))
    entry_review_record(entry=entry, user=bob, note="Still right.")
    newest = entry_timeline(entry)[0]
    assert newest.what == "Reviewed, no change (version 1)"
    assert newest.detail == "Still right."
    assert newest.who == bob
    client.force_login(bob)
    page = client.get(f"/manuals/service/{entry.slug}/history/").content.decode()
    assert "Reviewed, no change (version 1)" in page
    assert page.count("Reviewed, no change") == 1


def test_reviews_since_the_previous_edition_are_in_the_release_notes(clock, make_entry, bob, alice):
    early = make_entry("early-entry")
    later = make_entry("later-entry")
    entry_review_record(entry=early, user=bob, note="")
    clock.shift(timedelta(days=1))
    services.edition_release(manual=early.manual, user=alice, label="2026.1", release_notes="First.")
    clock.shift(timedelta(days=1))
    entry_review_record(entry=later, user=bob, note="")
    notes = services.edition_draft_notes(later.manual)
    assert "## Reviewed, no change" in notes
    assert "- **Later entry**" in notes
    assert "Early entry" not in notes
    assert not notes.startswith("No entries changed")


def test_owners_editors_and_managers_may_record_a_review(clock, make_entry, alice, bob, carol, phone):
    erin = _user("erin", "Agents")
    erin.profile.teams.add(phone)
    by_carol = make_entry("carols", owner_user=carol)
    by_phone = make_entry("phones", owner_team=phone)
    entry_review_record(entry=by_carol, user=carol)
    entry_review_record(entry=by_phone, user=erin)
    entry_review_record(entry=by_phone, user=alice)
    entry_review_record(entry=by_phone, user=bob)
    with pytest.raises(PermissionDenied):
        entry_review_record(entry=by_phone, user=carol)
    assert EntryReview.objects.count() == 4


def test_a_draft_cannot_be_reviewed(clock, make_entry, bob):
    entry = make_entry(published=False)
    with pytest.raises(services.TransitionError) as refused:
        entry_review_record(entry=entry, user=bob)
    assert refused.value.code == "not_live"


# The reviews page ----------------------------------------------------------------------------------------------


def test_an_agent_sees_and_reviews_only_the_entries_they_own(clock, make_entry, carol, phone, client):
    carol.profile.teams.add(phone)
    mine = make_entry("carols", review_every_months=1, owner_user=carol)
    make_entry("phones", review_every_months=1, owner_team=phone)
    other = make_entry("someone-elses", review_every_months=1)
    clock.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    client.force_login(carol)

    response = client.get(URL)

    assert response.status_code == 200
    assert [e.slug for g in response.context["groups"] for e in g.entries] == ["carols", "phones"]
    page = response.content.decode()
    assert "Suggest a change" in page and "/edit/" not in page
    assert 'href="/manuals/service/new/"' not in page  # the workspace offers an agent only what they may open
    suggest = client.get("/manuals/service/carols/?suggest=1").content.decode()
    assert 'id="feedback" open' in suggest
    assert client.post(URL, {"entry": mine.pk, "note": "Still right."}).status_code == 302
    assert EntryReview.objects.get().entry == mine
    home = client.get("/my/").content.decode()
    assert "Yours to review" in home and "/manuals/service/reviews/#review-" in home
    assert client.post(URL, {"entry": other.pk}).status_code == 403
    assert not EntryReview.objects.filter(entry=other).exists()


def test_the_reviews_page_groups_due_entries_by_owner_with_no_owner_last(clock, make_entry, alice, bob, chat, client):
    make_entry("zebra-rule", review_every_months=1, owner_team=chat)
    make_entry("unowned", review_every_months=1)
    make_entry("alices", review_every_months=2, owner_user=alice)
    make_entry("far-off", review_every_months=12, owner_user=alice)
    clock.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))  # the one-month entries are overdue, alice's due soon
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    groups = [(g.owner, [e.slug for e in g.entries]) for g in response.context["groups"]]
    assert groups == [("alice", ["alices"]), ("Chat support", ["zebra-rule"]), ("No owner", ["unowned"])]
    page = response.content.decode()
    assert "overdue" in page
    assert "Reviewed, no change" in page
    assert "/manuals/service/zebra-rule/edit/" in page
    assert 'href="/manuals/service/reviews/"' in page  # in the workspace navigation


def test_reviewed_no_change_from_the_reviews_page(clock, make_entry, bob, client):
    entry = make_entry(review_every_months=1)
    clock.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    client.force_login(bob)
    response = client.post(URL, {"entry": entry.pk, "note": "Fine as it is."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.next_review_on == date(2026, 4, 5)
    assert EntryReview.objects.get().note == "Fine as it is."
    assert not client.get(URL).context["groups"]


def test_the_reviews_page_costs_the_same_queries_at_any_size(
    clock, make_entry, alice, bob, phone, client, django_assert_num_queries
):
    def page_at(day):
        clock.move_to(day)
        client.force_login(bob)
        with django_assert_num_queries(QUERIES):
            response = client.get(URL)
        assert response.status_code == 200
        return sum(len(g.entries) for g in response.context["groups"])

    make_entry("first", review_every_months=1, owner_team=phone)
    make_entry("second", review_every_months=1, owner_user=alice)
    assert page_at(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)) == 2
    clock.move_to(START)
    for n in range(8):
        make_entry(f"more-{n}", review_every_months=1, owner_team=phone if n % 2 else None)
    assert page_at(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)) == 10


# Reminders -----------------------------------------------------------------------------------------------------


def test_reminders_go_to_the_owner_person(clock, make_entry, carol):
    make_entry(review_every_months=1, owner_user=carol)
    clock.move_to(datetime(2026, 2, 13, 9, 0, tzinfo=UTC))  # 15 days before 28 February: too early
    assert review_reminders_send() == 0
    clock.move_to(datetime(2026, 2, 14, 9, 0, tzinfo=UTC))
    assert review_reminders_send() == 1
    note = reminders().get()
    assert (note.user, note.kind) == (carol, NotificationKind.REVIEW_DUE_SOON)
    assert note.url == URL


def test_reminders_go_to_the_owning_team_else_the_managers(clock, make_entry, alice, mallory, carol, phone):
    erin = _user("erin", "Agents")
    erin.profile.teams.add(phone)
    gone = _user("gone", "Agents", is_active=False)
    gone.profile.teams.add(phone)
    by_team = make_entry("by-team", review_every_months=1, owner_team=phone)
    unowned = make_entry("unowned", review_every_months=1)
    clock.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    review_reminders_send()
    sent = {(n.user.username, n.key.split(":")[1], n.kind) for n in reminders()}
    overdue = NotificationKind.REVIEW_OVERDUE
    assert sent == {
        ("erin", str(by_team.pk), overdue),
        ("alice", str(unowned.pk), overdue),
        ("mallory", str(unowned.pk), overdue),
    }


def test_reminders_are_sent_once_per_entry_due_date_and_kind(clock, make_entry, carol, bob):
    entry = make_entry(review_every_months=1, owner_user=carol)
    clock.move_to(datetime(2026, 2, 20, 9, 0, tzinfo=UTC))
    review_reminders_send()
    review_reminders_send()
    assert reminders().count() == 1
    clock.move_to(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    review_reminders_send()
    review_reminders_send()
    assert list(reminders().order_by("id").values_list("kind", flat=True)) == REMINDER_KINDS
    entry_review_record(entry=entry, user=bob)  # the next due date brings its own reminders
    clock.move_to(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    assert review_reminders_send() == 1
    assert Entry.objects.get(pk=entry.pk).next_review_on == date(2026, 4, 1)


def test_the_own_page_costs_the_same_queries_however_many_reviews_are_due(
    clock, make_entry, carol, client, django_assert_num_queries
):
    make_entry("first", review_every_months=1, owner_user=carol)
    clock.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    client.force_login(carol)
    client.get("/my/")
    with django_assert_num_queries(15) as first:
        assert "Yours to review" in client.get("/my/").content.decode()
    clock.move_to(datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    for n in range(4):
        make_entry(f"more-{n}", review_every_months=1, owner_user=carol)
    clock.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get("/my/").content.decode()
    assert page.count("/manuals/service/reviews/#review-") == 5


def run_periodic() -> list[str]:
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    return out.getvalue().splitlines()


def test_reminders_go_out_with_the_periodic_work_only_once_a_manager_starts_them(clock, make_entry, alice, carol):
    make_entry(review_every_months=1, owner_user=carol)
    clock.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with pytest.raises(PermissionDenied):
        review_reminders_schedule(user=carol, enabled=True)
    assert not any("review reminder" in line for line in run_periodic())
    assert reminders().count() == 0

    review_reminders_schedule(user=alice, enabled=True)
    assert "1 review reminder made" in run_periodic()
    assert not any("review reminder" in line for line in run_periodic())  # the next run is a day away
    assert reminders().count() == 1
    schedule = reminder_schedule()
    assert schedule.last_count == 1 and schedule.next_run_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert schedule.history.first().history_change_reason == "Started review reminders"


def test_the_schedule_runs_once_a_day_and_a_stop_ends_it(clock, make_entry, alice, carol):
    make_entry("first", review_every_months=1, owner_user=carol)
    make_entry("second", review_every_months=2, owner_user=carol)
    clock.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    review_reminders_schedule(user=alice, enabled=True)
    review_reminders_schedule(user=alice, enabled=True)  # started twice: still one run a day
    assert "1 review reminder made" in run_periodic()
    clock.move_to(datetime(2026, 3, 3, 8, 55, tzinfo=UTC))
    assert not any("review reminder" in line for line in run_periodic())
    clock.move_to(datetime(2026, 3, 17, 9, 5, tzinfo=UTC))  # "second" falls due on 31 March: 14 days ahead
    assert "1 review reminder made" in run_periodic()
    assert reminders().count() == 2
    review_reminders_schedule(user=alice, enabled=False)
    clock.move_to(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    assert not any("review reminder" in line for line in run_periodic())
    assert reminders().count() == 2
    assert reminder_schedule().last_run_at == datetime(2026, 3, 17, 9, 5, tzinfo=UTC)


def test_the_reviews_page_sends_reminders_now_and_starts_them(
    clock, make_entry, alice, bob, carol, client, django_capture_on_commit_callbacks
):
    make_entry(review_every_months=1, owner_user=carol)
    clock.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    reminders_url = "/manuals/service/reviews/reminders/"
    client.force_login(bob)
    assert "Send reminders now" not in client.get(URL).content.decode()
    assert client.post(reminders_url, {"action": "send"}).status_code == 403
    client.force_login(alice)
    page = client.post(reminders_url, {"action": "send"}, follow=True).content.decode()
    assert "Made 1 review reminder;" in page and reminders().count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reminders_url, {"action": "start"})
    page = client.get(URL).content.decode()
    assert "Reminders started" in page and "Stop daily reminders" in page
    assert "next run 2 Mar 2026, 09:00" in page  # the periodic work's next run sends them
    assert reminders().count() == 1
    assert ReminderSchedule.objects.get().changed_by == alice


def test_a_reminder_says_what_is_due_and_when_and_the_due_day_is_not_yet_overdue(clock, make_entry, carol):
    entry = make_entry(review_every_months=1, owner_user=carol)
    title, manual = entry.live_version.title, entry.manual.title
    clock.move_to(datetime(2026, 2, 28, 9, 0, tzinfo=UTC))  # the due day itself
    review_reminders_send()
    note = reminders().get()
    assert note.kind == NotificationKind.REVIEW_DUE_SOON
    assert note.title == f"Review “{title}” by 28 February 2026"
    assert note.body == (
        f"“{title}” in {manual} is due for review on 28 February 2026. "
        "Revise it, or record that it was reviewed with no change."
    )
    clock.move_to(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    review_reminders_send()
    late = reminders().get(kind=NotificationKind.REVIEW_OVERDUE)
    assert late.title == f"Review overdue: “{title}”"
    assert late.body.startswith(f"“{title}” in {manual} was due for review on 28 February 2026. Revise it")


def test_an_entry_whose_owner_has_left_reminds_the_managers(clock, make_entry, alice, mallory):
    gone = _user("gone", "Agents", is_active=False)
    make_entry(review_every_months=1, owner_user=gone)
    clock.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    review_reminders_send()
    assert sorted(n.user.username for n in reminders()) == ["alice", "mallory"]
