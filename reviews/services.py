"""The review schedule: every published entry is read again every ``review_every_months`` calendar months.

An entry is next due for review (``Entry.next_review_on``) that many months after the later of its last
publication and its last recorded review. Publishing a version restarts the cycle (``policies`` does that as the
version goes live), and so does "Reviewed, no change" (``entry_review_record``), which records an
``EntryReview`` of the live version without making a new one. The reviews page lists what is overdue or due
soon, grouped by owner (``selectors``), and ``review_reminders_send`` tells the owners before the date and again
once it has passed: when a manager presses "Send reminders now", or on the schedule a manager starts, which the
periodic work keeps (``periodic.py``).

A review of an entry that is not in the manual is refused with ``TransitionError`` code ``not_live``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from notifications.models import NotificationKind
from notifications.services import notifications_create
from people.selectors import people_managers
from policies.models import Entry
from policies.permissions import can_manage, can_record_review, require
from policies.scheduling import add_months
from policies.services.common import TransitionError, save_with_history
from policies.text import normalise_text

from .models import EntryReview, ReminderSchedule

# Owners are reminded this many days before an entry falls due.
REMIND_DAYS_BEFORE = 14


@transaction.atomic
def entry_review_record(*, entry: Entry, user, note: str = "") -> EntryReview:
    """Record that ``user`` read the live version of ``entry`` and found nothing to change: no new version, but
    the review cycle starts again from today. Owners, editors and managers may record one."""
    entry = Entry.objects.select_for_update(of=("self",)).select_related("owner_team", "live_version").get(pk=entry.pk)
    require(can_record_review(user, entry), "Only the entry's owner, editors and managers can record a review.")
    if not entry.is_live:
        raise TransitionError("Only an entry in the manual can be reviewed.", code="not_live")
    note = normalise_text(note or "")
    review = EntryReview(entry=entry, version=entry.live_version, reviewed_by=user, reviewed_at=timezone.now(),
                         note=note)  # fmt: skip
    reason = "Reviewed, no change" + (f": {' '.join(note.split())}" if note else "")
    save_with_history(review, user=user, reason=reason)
    # The cycle starts again from the review: nothing else it could start from (a publication, an earlier review)
    # is later than now.
    entry.next_review_on = add_months(timezone.localdate(review.reviewed_at), entry.review_every_months)
    save_with_history(entry, user=user, reason=reason)
    return review


# Reminders ------------------------------------------------------------------------------------------------------


def review_reminders_send(*, today: date | None = None) -> int:
    """Tell each live entry's owner that its review is due within ``REMIND_DAYS_BEFORE`` days, or overdue.
    Returns how many notifications were made.

    The owner is the person who owns the entry, else every active member of the owning team, else the managers.
    Each reminder is keyed by entry, due date, kind and person, so running this daily sends each once; a review
    or a new version moves the due date and so brings a new reminder when the next one falls due.
    """
    today = today or timezone.localdate()
    entries = list(
        Entry.objects.live()
        .filter(next_review_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE))
        .select_related("live_version", "manual", "owner_user")
        .order_by("next_review_on", "id")
    )
    if not entries:
        return 0
    team_ids = {e.owner_team_id for e in entries if not e.owner_user_id and e.owner_team_id}
    members: dict[int, list[int]] = {}
    for team_id, user_id in (
        get_user_model()
        .objects.filter(is_active=True, profile__teams__in=team_ids)
        .values_list("profile__teams", "pk")
        .order_by("pk")
    ):
        members.setdefault(team_id, []).append(user_id)
    managers = None

    rows: list[dict] = []
    for entry in entries:
        if entry.owner_user_id:
            recipients = [entry.owner_user_id] if entry.owner_user.is_active else []
        else:
            recipients = members.get(entry.owner_team_id, []) if entry.owner_team_id else []
        if not recipients:
            if managers is None:
                managers = list(people_managers().order_by("pk").values_list("pk", flat=True))
            recipients = managers
        due = entry.next_review_on
        title = entry.live_version.title
        day = date_format(due, "j F Y")
        if due < today:
            kind = NotificationKind.REVIEW_OVERDUE
            heading = f"Review overdue: “{title}”"
            body = f"“{title}” in {entry.manual.title} was due for review on {day}."
        else:
            kind = NotificationKind.REVIEW_DUE_SOON
            heading = f"Review “{title}” by {day}"
            body = f"“{title}” in {entry.manual.title} is due for review on {day}."
        body += " Revise it, or record that it was reviewed with no change."
        url = reverse("reviews:schedule", kwargs={"manual": entry.manual.slug})
        rows += [
            {"user_id": user_id, "kind": kind, "title": heading, "body": body, "url": url,
             "key": f"{kind}:{entry.pk}:{due.isoformat()}:{user_id}"}
            for user_id in recipients
        ]  # fmt: skip
    return notifications_create(rows)


# Reminders on a schedule, kept by the periodic work ----------------------------------------------------------------


@transaction.atomic
def review_reminders_schedule(*, user, enabled: bool, every_hours: int = 24) -> ReminderSchedule:
    """Start (or stop) sending review reminders every ``every_hours`` with the periodic work. Starting makes
    the next periodic run send them, and each run after that which finds ``every_hours`` gone by."""
    require(can_manage(user), "Only managers can schedule reminders.")
    ReminderSchedule.objects.get_or_create(job=ReminderSchedule.REVIEW_REMINDERS)
    schedule = ReminderSchedule.objects.select_for_update().get(job=ReminderSchedule.REVIEW_REMINDERS)
    schedule.enabled, schedule.every_hours, schedule.changed_by = enabled, every_hours, user
    schedule.next_run_at = timezone.now() if enabled else None
    save_with_history(schedule, user=user, reason="Started review reminders" if enabled else "Stopped review reminders")
    return schedule


@transaction.atomic
def review_reminders_run_due(*, now: datetime) -> int | None:
    """Send the review reminders if the schedule is on and its next run has come, and set the run after it
    ``every_hours`` later. Returns the reminders made, or None when nothing was due. The schedule's row is
    locked, so two periodic runs at once send once."""
    schedule = (
        ReminderSchedule.objects.select_for_update()
        .filter(job=ReminderSchedule.REVIEW_REMINDERS, enabled=True, next_run_at__lte=now)
        .first()
    )
    if schedule is None:
        return None
    count = review_reminders_send(today=timezone.localdate(now))
    # Only the fields kept out of the schedule's history change here, so no history record is made for them.
    ReminderSchedule.objects.filter(pk=schedule.pk).update(
        last_run_at=now, last_count=count, next_run_at=now + timedelta(hours=schedule.every_hours)
    )
    return count
