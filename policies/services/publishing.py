"""A version goes live: the one function every path calls.

Approval (``entry_approve``), a shared value's approval (``value_approve``), an effective date arriving
(``versions_take_effect`` below) and an import with ``--publish`` all make a version the text readers see
through ``version_publish``, so each applies the same rules:

- the acknowledgement rule, once: a material change, or a first version, asks its audience again; a minor fix
  carries their acknowledgements forward;
- the entry's publication dates and its next review date (``review_every_months`` after it goes live);
- ``events.version_going_live`` inside the transaction, for work that must stand or fall with the publication
  (the feedback items the reviewer ticked are closed by it), then ``events.entry_published`` after the commit,
  saying whether the audience is asked again, for notifications and the search index.

A version that takes effect later is published here too, as the entry's scheduled version: its audience is asked
at once (they may read it ahead), and on its day the same function makes it live.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .. import events
from ..models import Entry, EntryVersion
from ..scheduling import add_months
from .common import save_with_history, touch_manual


def asks_acknowledgement(entry: Entry, version: EntryVersion) -> bool:
    """Whether publishing ``version`` asks its audience to acknowledge it: a material change, or the entry's first
    version anyone is asked about. A minor fix carries acknowledgements forward."""
    if entry.ack_version_id == version.pk:
        return False  # asked already (a scheduled version asked when it was approved)
    return bool(version.is_material or entry.ack_version_id is None)


def version_publish(
    *,
    entry: Entry,
    version: EntryVersion,
    user,
    now: datetime,
    reason: str,
    answers: Sequence[int] = (),
    value_change=None,
) -> bool:
    """Make the saved ``version`` the live text of the locked ``entry`` (or, when it takes effect after ``now``,
    its scheduled version), save the entry with ``reason`` in its history and announce it. ``answers`` are ids
    of feedback items the version answers, closed in the same transaction; ``value_change`` the shared value's
    version that republished it (its notifications are then sent as one email per person). Returns whether the
    version's audience is asked to acknowledge it."""
    asks = asks_acknowledgement(entry, version)
    if asks:
        entry.ack_version = version
    live = version.takes_effect_at is not None and version.takes_effect_at <= now
    if live:
        moment = version.takes_effect_at
        entry.live_version = version
        if entry.scheduled_version_id == version.pk:
            entry.scheduled_version = None
        entry.first_published_at = entry.first_published_at or moment
        entry.last_published_at = moment
        # A new version restarts the review cycle (a review with no change restarts it too: see the reviews app).
        entry.next_review_on = add_months(timezone.localdate(moment), entry.review_every_months)
    else:
        entry.scheduled_version = version
    save_with_history(entry, user=user, reason=reason)
    touch_manual(entry.manual)
    events.version_going_live.send(sender=Entry, entry=entry, version=version, user=user, answers=list(answers))
    events.announce(
        events.entry_published, Entry, entry=entry, version=version, user=user, asks_acknowledgement=asks, live=live,
        value_change=value_change,
    )
    return asks


def versions_take_effect(*, now: datetime | None = None) -> list[Entry]:
    """Make every scheduled version whose day has come the live text of its entry. Returns the entries changed.
    Safe to run at any time and from several places at once: each entry is locked and checked again."""
    now = now or timezone.now()
    due = list(
        Entry.objects.filter(scheduled_version__takes_effect_at__lte=now).values_list("pk", flat=True).order_by("pk")
    )
    changed = []
    for pk in due:
        with transaction.atomic():
            entry = (
                Entry.objects.select_for_update(of=("self",)).select_related("scheduled_version", "manual").get(pk=pk)
            )
            version = entry.scheduled_version
            if version is None or version.takes_effect_at is None or version.takes_effect_at > now:
                continue
            reason = f"Version {version.number} took effect"
            version_publish(entry=entry, version=version, user=version.approver, now=now, reason=reason)
        changed.append(entry)
    return changed


@task()
def take_effect() -> int:
    """``versions_take_effect`` on the background worker: queued at approval for the moment a version falls due
    (``entries._queue_taking_effect``). Running it early or twice changes nothing."""
    return len(versions_take_effect())
