"""Reminders about acknowledgements: to each person as theirs fall due, and a weekly summary for managers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import F, Value
from django.db.models.functions import Concat, Trim
from django.utils import timezone
from django.utils.formats import date_format

from policies.acknowledgements import applies_to, due_date
from policies.models import Acknowledgement, Entry

from .. import selectors
from ..models import NotificationKind
from .emails import absolute_url
from .notify import notifications_create

DUE_SOON_DAYS = 3


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def queue_reminders(*, today: date | None = None) -> int:
    """Notify people whose acknowledgements fall due within three days or are overdue, and send managers a
    summary of overdue acknowledgements per entry once a week. Returns how many notifications were made.

    Each reminder is keyed by entry, due date and person, so it is made once however often this runs; a new
    material change brings a new due date and so a new reminder. The managers' summary is keyed by ISO week.
    A handful of queries whatever the number of people and entries, and a few more per thousand reminders.
    """
    today = today or timezone.localdate()
    entries = list(
        Entry.objects.live()
        .filter(ack_version__isnull=False)
        .select_related("ack_version", "live_version", "manual")
        .only("id", "slug", "manual__slug", "manual__title", "manual__ack_days", "ack_version__number",
              "ack_version__audience", "ack_version__approved_at", "live_version__title")
        .order_by("manual__title", "live_version__title", "id")
    )  # fmt: skip
    if not entries:
        return 0
    people = list(get_user_model().objects.filter(is_active=True).values_list("pk", "date_joined"))
    teams = selectors.team_slugs_by_user()
    done = set(
        Acknowledgement.objects.filter(entry__in=[e.pk for e in entries],
                                       version__number__gte=F("entry__ack_version__number"))
        .values_list("user_id", "entry_id")
    )  # fmt: skip

    rows: list[dict] = []
    overdue_by_entry: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        version = entry.ack_version
        url = entry.get_absolute_url()
        title = entry.live_version.title
        for user_id, joined in people:
            if (user_id, entry.pk) in done or not applies_to(version.audience, teams.get(user_id, set())):
                continue
            due = due_date(asked_at=version.approved_at, joined_at=joined, days=entry.manual.ack_days)
            if due < today:
                overdue_by_entry[entry.pk].append(user_id)
                rows.append({
                    "user_id": user_id, "kind": NotificationKind.ACK_OVERDUE, "url": url,
                    "title": f"Overdue: please acknowledge “{title}”",
                    "body": f"Acknowledging “{title}” in {entry.manual.title} was due on {_day(due)}. "
                            "Please read it and acknowledge it.",
                    "key": f"ack_overdue:{entry.pk}:{due.isoformat()}:{user_id}",
                })  # fmt: skip
            elif (due - today).days <= DUE_SOON_DAYS:
                rows.append({
                    "user_id": user_id, "kind": NotificationKind.ACK_DUE_SOON, "url": url,
                    "title": f"Please acknowledge “{title}” by {_day(due)}",
                    "body": f"“{title}” in {entry.manual.title} applies to you. Please read it and acknowledge "
                            f"it by {_day(due)}.",
                    "key": f"ack_due_soon:{entry.pk}:{due.isoformat()}:{user_id}",
                })  # fmt: skip
    if overdue_by_entry:
        rows.extend(_manager_digest(entries, overdue_by_entry, today))
    return notifications_create(rows)


def _manager_digest(entries: list[Entry], overdue_by_entry: dict[int, list[int]], today: date) -> list[dict]:
    """The weekly summary for each manager: every entry with overdue acknowledgements, and who is late."""
    names = {
        pk: (full or username) for pk, full, username in _names({pk for ids in overdue_by_entry.values() for pk in ids})
    }
    lines = []
    total = 0
    for entry in entries:
        late = overdue_by_entry.get(entry.pk)
        if not late:
            continue
        total += len(late)
        who = sorted(names.get(pk, "?") for pk in late)
        shown = ", ".join(who[:10]) + (f" and {len(who) - 10} more" if len(who) > 10 else "")
        lines.append(
            f"- {entry.live_version.title} ({entry.manual.title}): {len(late)} overdue: {shown}\n"
            f"  {absolute_url(entry.get_absolute_url())}"
        )
    year, week, _ = today.isocalendar()
    monday = today - timedelta(days=today.weekday())
    title = f"Overdue acknowledgements, week of {_day(monday)}: {total} across {len(lines)} entr" + (
        "ies" if len(lines) != 1 else "y"
    )
    body = "Acknowledgements past their due date, by entry:\n\n" + "\n".join(lines)
    return [
        {"user_id": pk, "kind": NotificationKind.MANAGER_DIGEST, "title": title, "body": body, "url": "",
         "key": f"manager_digest:{year}-W{week:02d}:{pk}"}
        for pk in selectors.managers().values_list("pk", flat=True)
    ]  # fmt: skip


def _names(user_ids: set[int]):
    """(id, full name, username) of each of ``user_ids``. One query."""
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .annotate(full=Trim(Concat("first_name", Value(" "), "last_name")))
        .values_list("pk", "full", "username")
    )
