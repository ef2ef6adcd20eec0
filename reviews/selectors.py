"""Reads of the review schedule: what is overdue or due soon, for the reviews page and a person's own page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from policies.models import Entry, Manual

from .models import ReminderSchedule

# The reviews page shows what falls due within this many days.
DUE_SOON_DAYS = 30
NO_OWNER = "No owner"


def _overdue(today: date) -> ExpressionWrapper:
    """``review_is_overdue`` for each entry of a query: its review date has passed."""
    return ExpressionWrapper(Q(next_review_on__lt=today), output_field=BooleanField())


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
        .annotate(review_is_overdue=_overdue(today))
        .order_by("next_review_on", "live_version__title", "id")
    )
    if owned_by is not None:
        entries = entries.filter(Q(owner_user=owned_by) | Q(owner_team__members__user=owned_by)).distinct()
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
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
        .annotate(review_is_overdue=_overdue(today))
        .order_by("next_review_on", "id")
    )
    return list(entries)


def reminder_schedule() -> ReminderSchedule:
    """The review reminders' schedule; off (and not yet stored) until a manager first starts or stops it."""
    found = ReminderSchedule.objects.filter(job=ReminderSchedule.REVIEW_REMINDERS).first()
    return found or ReminderSchedule(job=ReminderSchedule.REVIEW_REMINDERS)
