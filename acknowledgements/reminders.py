"""Reminders about acknowledgements: to each person as theirs fall due, and a weekly summary for managers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat, Trim
from django.utils import timezone
from django.utils.formats import date_format

from notifications.models import NotificationKind
from notifications.services import absolute_url, notifications_create
from people.selectors import users_with_perm
from policies.models import Entry

from . import obligations

DUE_SOON_DAYS = 3


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def ack_reminders_queue(*, today: date | None = None) -> int:
    """Notify people whose acknowledgements fall due within three days or are overdue, and send managers a
    summary of overdue acknowledgements per entry once a week. Returns how many notifications were made.

    Each reminder is keyed by entry, due date and person, so it is made once however often this runs; a new
    material change brings a new due date and so a new reminder. The managers' summary is keyed by ISO week.
    A handful of queries whatever the number of people and entries, and a few more per thousand reminders.
    """
    today = today or timezone.localdate()
    entries = list(
        obligations.asking_entries()
        .select_related("live_version")
        .only("id", "slug", "manual__slug", "manual__title", "manual__ack_days", "manual__opened_at",
              "ack_version__number", "ack_version__audience", "ack_version__approved_at", "live_version__title")
        .order_by("manual__title", "live_version__title", "id")
    )  # fmt: skip
    if not entries:
        return 0
    rows: list[dict] = []
    overdue_by_entry: dict[int, list[int]] = defaultdict(list)
    urls = {entry.pk: entry.get_absolute_url() for entry in entries}
    for due in obligations.obligations(entries, obligations.readers()):
        if due.done:
            continue
        entry, user_id, day = due.entry, due.user_id, due.due
        url, title = urls[entry.pk], entry.live_version.title
        if due.overdue(today):
            overdue_by_entry[entry.pk].append(user_id)
            rows.append({
                "user_id": user_id, "kind": NotificationKind.ACK_OVERDUE, "url": url,
                "title": f"Overdue: please acknowledge “{title}”",
                "body": f"Acknowledging “{title}” in {entry.manual.title} was due on {_day(day)}. "
                        "Please read it and acknowledge it.",
                "key": f"ack_overdue:{entry.pk}:{day.isoformat()}:{user_id}",
            })  # fmt: skip
        elif (day - today).days <= DUE_SOON_DAYS:
            rows.append({
                "user_id": user_id, "kind": NotificationKind.ACK_DUE_SOON, "url": url,
                "title": f"Please acknowledge “{title}” by {_day(day)}",
                "body": f"“{title}” in {entry.manual.title} applies to you. Please read it and acknowledge "
                        f"it by {_day(day)}.",
                "key": f"ack_due_soon:{entry.pk}:{day.isoformat()}:{user_id}",
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
        for pk in users_with_perm("policies.manage_manual").values_list("pk", flat=True)
    ]  # fmt: skip


def _names(user_ids: set[int]):
    """(id, full name, username) of each of ``user_ids``. One query."""
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .annotate(full=Trim(Concat("first_name", Value(" "), "last_name")))
        .values_list("pk", "full", "username")
    )
