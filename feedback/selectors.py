"""Reads of feedback: the triage board, an entry's open items, and the CSV download."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from policies.models import Entry, Manual

from .models import FeedbackItem, FeedbackStatus

AGES = {"7": 7, "30": 30, "90": 90}


def feedback_board(
    *,
    manual: Manual,
    status: str = "",
    entry: str = "",
    channel: str = "",
    source: str = "",
    age: str = "",
    item: str = "",
) -> QuerySet[FeedbackItem]:
    """The manual's feedback, filtered as the board asks: ``entry`` is a slug (or ``none``), ``age`` the days
    an item must be older than (7, 30 or 90), ``item`` one item's number. Unknown filter values are ignored."""
    items = FeedbackItem.objects.filter(manual=manual).select_related(
        "entry__manual", "submitted_by", "closed_by", "closing_version"
    )
    if item.isdigit():
        items = items.filter(pk=int(item))
    if status:
        items = items.filter(status=status)
    if entry == "none":
        items = items.filter(entry__isnull=True)
    elif entry:
        items = items.filter(entry__slug=entry)
    if channel:
        items = items.filter(channel=channel)
    if source:
        items = items.filter(source=source)
    if age in AGES:
        items = items.filter(received_on__lt=timezone.localdate() - datetime.timedelta(days=AGES[age]))
    return items


def feedback_status_counts(items: QuerySet[FeedbackItem]) -> dict[str, int]:
    """How many of ``items`` have each status, in one query (every status present, zero if none)."""
    counts = dict.fromkeys(FeedbackStatus.values, 0)
    for row in items.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def feedback_open_for_entry(entry: Entry) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.open().filter(entry=entry).select_related("submitted_by").order_by("received_on")


def feedback_chosen(*, entry: Entry, ids: list[str]) -> QuerySet[FeedbackItem]:
    """The entry's open items among ``ids`` as posted by a form (anything not a number is ignored)."""
    return feedback_open_for_entry(entry).filter(pk__in=[int(i) for i in ids if i.isdigit()])


def feedback_answered_by_entry(entry: Entry) -> QuerySet[FeedbackItem]:
    """Items closed by one of the entry's versions, for its history."""
    return FeedbackItem.objects.filter(entry=entry, closing_version__isnull=False).select_related(
        "closing_version", "closed_by"
    )


def feedback_answered_since(manual: Manual, since) -> dict[str, list[FeedbackItem]]:
    """Items closed by a published version since ``since`` (ever, if None), by the slug of their entry, oldest
    first: the release notes name them under the revision that answered them."""
    items = FeedbackItem.objects.filter(manual=manual, closing_version__isnull=False, entry__isnull=False)
    if since:
        items = items.filter(closed_at__gt=since)
    answered: dict[str, list[FeedbackItem]] = {}
    for item in items.select_related("entry", "closing_version").order_by("received_on", "pk"):
        answered.setdefault(item.entry.slug, []).append(item)
    return answered


def feedback_entries(manual: Manual) -> QuerySet[Entry]:
    """Every entry of ``manual`` by title, with what the entry filter and the entry boxes' suggestions (the live
    ones) need."""
    return Entry.objects.filter(manual=manual).order_by("title").only("slug", "title", "live_version", "retired_at")
