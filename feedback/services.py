"""Writes of feedback: sending, recording, importing, triaging and closing it with a published version."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notify
from policies.models import Entry, EntryVersion, Manual
from policies.permissions import can_approve, can_send_feedback, can_triage_feedback, require

from .importing import ImportPlan, feedback_import_plan
from .models import CLOSED_STATUSES, FeedbackItem, FeedbackStatus, Source


def _save(item: FeedbackItem, *, user, reason: str) -> FeedbackItem:
    item.full_clean()
    item._history_user = user
    item._change_reason = reason
    item.save()
    return item


def feedback_send(*, manual: Manual, entry: Entry | None, user, text: str) -> FeedbackItem:
    """A reader's suggestion or change request about an entry."""
    require(can_send_feedback(user), "Sign in to send feedback.")
    item = FeedbackItem(
        manual=manual,
        entry=entry,
        source=Source.EMPLOYEE,
        received_on=timezone.localdate(),
        text=text,
        submitted_by=user,
    )
    return _save(item, user=user, reason="Sent from the entry page")


def feedback_record(
    *,
    manual: Manual,
    user,
    source: str,
    channel: str,
    received_on: datetime.date,
    text: str,
    entry: Entry | None = None,
    customer_reference: str = "",
) -> FeedbackItem:
    """Customer feedback or a complaint a manager writes down."""
    require(can_triage_feedback(user), "Only managers can record feedback.")
    item = FeedbackItem(
        manual=manual,
        entry=entry,
        source=source,
        channel=channel,
        received_on=received_on,
        customer_reference=customer_reference,
        text=text,
        submitted_by=user,
    )
    return _save(item, user=user, reason="Recorded")


def feedback_import(*, manual: Manual, user, text: str) -> ImportPlan:
    """Import the good lines of a CSV (see ``importing``); lines imported before are skipped. Returns the plan
    that was carried out."""
    require(can_triage_feedback(user), "Only managers can import feedback.")
    with transaction.atomic():
        plan = feedback_import_plan(manual=manual, text=text)
        for row in plan.rows:
            item = FeedbackItem(
                manual=manual,
                entry=row.entry,
                source=row.source,
                channel=row.channel,
                received_on=row.received_on,
                customer_reference=row.customer_reference,
                text=row.text,
                import_key=row.import_key,
            )
            _save(item, user=user, reason=f"Imported (line {row.line})")
    return plan


def feedback_set_status(*, item: FeedbackItem, status: str, user) -> FeedbackItem:
    """Move an item on the board; closing it records who closed it and when, reopening clears that."""
    require(can_triage_feedback(user), "Only managers can triage feedback.")
    if item.status == status:
        return item
    item.status = status
    if status in CLOSED_STATUSES:
        item.closed_at, item.closed_by = timezone.now(), user
    else:
        item.closed_at = item.closed_by = item.closing_version = None
    return _save(item, user=user, reason=f"Marked {FeedbackStatus(status).label.lower()}")


def feedback_link_entry(*, item: FeedbackItem, entry: Entry | None, user) -> FeedbackItem:
    """Say which entry an item is about (or that it is about none yet), so that it shows where that entry is
    reviewed and revised. A closed item keeps the entry that answered it."""
    require(can_triage_feedback(user), "Only managers can triage feedback.")
    if entry is not None and entry.manual_id != item.manual_id:
        raise ValidationError("That entry is in another manual.")
    if item.entry_id == (entry.pk if entry else None):
        return item
    if item.closing_version_id:
        raise ValidationError("This item was answered by a version of its entry; reopen it before moving it.")
    item.entry = entry
    reason = f"About “{entry.title}”" if entry else "About no entry yet"
    return _save(item, user=user, reason=reason)


def feedback_close_with_version(*, items: Iterable[FeedbackItem], version: EntryVersion, user) -> list[FeedbackItem]:
    """Mark ``items`` done as answered by ``version`` and tell each item's submitter, with a link to the entry.
    Items of other entries or already closed are left alone. Returns the items closed."""
    # Whoever may publish the version may say what it answers, even where that is not a manager.
    require(can_triage_feedback(user) or can_approve(user), "Only managers can close feedback.")
    entry = version.entry
    closed = []
    now = timezone.now()
    with transaction.atomic():
        for item in items:
            if item.is_closed or item.entry_id != entry.pk:
                continue
            item.status = FeedbackStatus.DONE
            item.closed_at, item.closed_by, item.closing_version = now, user, version
            closed.append(_save(item, user=user, reason=f"Answered by version {version.number}"))
    url = entry.get_absolute_url()
    for item in closed:
        if item.submitted_by is not None and item.submitted_by_id != user.pk:
            notify(
                user=item.submitted_by,
                kind=NotificationKind.FEEDBACK_ANSWERED,
                title=f"Your feedback on “{entry.title}” was answered",
                body=f"Version {version.number} of “{entry.title}” answers what you wrote:\n\n{item.text}",
                url=url,
                key=f"feedback_answered:{item.pk}",
            )
    return closed
