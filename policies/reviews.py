"""The review schedule: every published entry is read again every ``review_every_months`` calendar months.

An entry is next due for review (``Entry.next_review_on``) that many months after the later of its last
publication and its last recorded review. Publishing a version restarts the cycle (``entry_approve``), and so
does "Reviewed, no change" (``entry_review_record``), which records an ``EntryReview`` of the live version
without making a new one. The reviews page lists what is overdue or due soon, grouped by owner, and
``review_reminders_send`` tells the owners before the date and again once it has passed.

A review of an entry that is not in the manual is refused with ``TransitionError`` code ``not_live``.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from people.selectors import people_managers

from .models import Entry, EntryReview, Manual, ReminderSchedule
from .permissions import can_manage, can_record_review, require
from .services.common import TransitionError, save_with_history
from .text import normalise_text

# The reviews page shows what falls due within this many days; owners are reminded this many days before.
DUE_SOON_DAYS = 30
REMIND_DAYS_BEFORE = 14
NO_OWNER = "No owner"


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, clamped to the end of a shorter month: 31 January plus one
    month is 28 (or 29) February, not 2 or 3 March."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def next_review_on(entry: Entry, *, since: datetime | None = None) -> date | None:
    """When ``entry`` is next due for review: ``review_every_months`` after the later of its last publication,
    its last recorded review and ``since``. None for an entry never published."""
    if not entry.last_published_at:
        return None
    starts = [entry.last_published_at]
    if since:
        starts.append(since)
    if entry.pk:
        last_review = entry.reviews.aggregate(at=Max("reviewed_at"))["at"]
        if last_review:
            starts.append(last_review)
    return add_months(timezone.localdate(max(starts)), entry.review_every_months)


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
    entry.next_review_on = next_review_on(entry, since=review.reviewed_at)
    save_with_history(entry, user=user, reason=reason)
    return review


# The reviews page -----------------------------------------------------------------------------------------------


@dataclass
class OwnerReviews:
    owner: str
    entries: list[Entry]


def reviews_due(manual: Manual, *, today: date | None = None, owned_by=None) -> list[OwnerReviews]:
    """Entries of ``manual`` overdue for review or due within ``DUE_SOON_DAYS``, grouped by owner (by name,
    entries without an owner last), soonest first within a group. With ``owned_by``, only the entries that
    person owns, themselves or through a team. One query, whatever the number of entries."""
    today = today or timezone.localdate()
    entries = (
        Entry.objects.live()
        .filter(manual=manual, next_review_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("live_version", "owner_user", "owner_team")
        .order_by("next_review_on", "live_version__title", "id")
    )
    if owned_by is not None:
        entries = entries.filter(Q(owner_user=owned_by) | Q(owner_team__members__user=owned_by)).distinct()
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        entry.review_is_overdue = entry.next_review_on < today
        groups.setdefault(entry.owner_label or NO_OWNER, []).append(entry)
    order = sorted(groups, key=lambda label: (label == NO_OWNER, label.casefold()))
    return [OwnerReviews(owner=label, entries=groups[label]) for label in order]


def reviews_due_for_owner(user, *, today: date | None = None) -> list[Entry]:
    """The live entries ``user`` owns, themselves or through a team, overdue for review or due within
    ``DUE_SOON_DAYS``, in every manual, soonest first: for the person's own page. One query."""
    today = today or timezone.localdate()
    entries = (
        Entry.objects.live()
        .filter(next_review_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        .filter(Q(owner_user=user) | Q(owner_team__members__user=user))
        .distinct()
        .select_related("live_version", "manual")
        .order_by("next_review_on", "id")
    )
    for entry in entries:
        entry.review_is_overdue = entry.next_review_on < today
    return list(entries)


# Reminders ------------------------------------------------------------------------------------------------------


def review_reminders_send(*, today: date | None = None) -> int:
    """Tell each live entry's owner that its review is due within ``REMIND_DAYS_BEFORE`` days, or overdue.
    Returns how many notifications were made.

    The owner is the person who owns the entry, else every active member of the owning team, else the managers.
    Each reminder is keyed by entry, due date, kind and person, so running this daily sends each once; a review
    or a new version moves the due date and so brings a new reminder when the next one falls due.
    """
    from notifications.models import NotificationKind
    from notifications.services import notifications_create

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
        url = reverse("policies:review_schedule", kwargs={"manual": entry.manual.slug})
        rows += [
            {"user_id": user_id, "kind": kind, "title": heading, "body": body, "url": url,
             "key": f"{kind}:{entry.pk}:{due.isoformat()}:{user_id}"}
            for user_id in recipients
        ]  # fmt: skip
    return notifications_create(rows)


# Reminders from the background worker ---------------------------------------------------------------------------


def reminder_schedule() -> ReminderSchedule:
    return ReminderSchedule.objects.get_or_create(job=ReminderSchedule.REVIEW_REMINDERS)[0]


@transaction.atomic
def review_reminders_schedule(*, user, enabled: bool, every_hours: int = 24) -> ReminderSchedule:
    """Start (or stop) the background worker sending review reminders every ``every_hours``. Starting runs them
    at once, and each run queues the next; stopping, or starting again, makes any queued run do nothing."""
    from .tasks import review_reminders

    require(can_manage(user), "Only managers can schedule reminders.")
    reminder_schedule()
    schedule = ReminderSchedule.objects.select_for_update().get(job=ReminderSchedule.REVIEW_REMINDERS)
    schedule.enabled, schedule.every_hours, schedule.changed_by = enabled, every_hours, user
    schedule.token = uuid.uuid4().hex if enabled else ""
    schedule.next_run_at = timezone.now() if enabled else None
    save_with_history(schedule, user=user, reason="Started review reminders" if enabled else "Stopped review reminders")
    if enabled:
        token = schedule.token
        transaction.on_commit(lambda: review_reminders.enqueue(token=token))
    return schedule


def review_reminders_scheduled_run(*, token: str, can_defer: bool) -> int:
    """One run of the schedule that ``token`` belongs to: send the reminders and, where the task backend can
    wait, queue the next run. A run of a stopped or restarted schedule sends nothing. Returns the reminders made."""
    from .tasks import review_reminders

    schedule = ReminderSchedule.objects.filter(job=ReminderSchedule.REVIEW_REMINDERS, enabled=True, token=token).first()
    if schedule is None:
        return 0
    count = review_reminders_send()
    now = timezone.now()
    next_run = now + timedelta(hours=schedule.every_hours) if can_defer else None
    ReminderSchedule.objects.filter(pk=schedule.pk, token=token).update(
        last_run_at=now, last_count=count, next_run_at=next_run
    )
    if next_run:
        review_reminders.using(run_after=next_run).enqueue(token=token)
    return count
