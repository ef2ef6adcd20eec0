"""Effective dates: a version approved now that takes effect on a later day.

``entry_approve`` keeps such a version as the entry's ``scheduled_version``; readers go on seeing the live
version, with a notice and a way to read the new one ahead, and a material change can be acknowledged at once.
On the day, ``versions_take_effect`` makes it the live text. Nobody has to act: the check runs from the reading
pages at most once a minute per process (``ScheduledVersionsMiddleware``), from the background worker (a job
queued at approval for the moment it falls due) and from ``manage.py publish_scheduled`` for cron.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import events
from .models import Entry


def effect_start(day: date) -> datetime:
    """The moment a version with effective date ``day`` takes effect: the start of that day, local time."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def is_scheduled(effective_date: date | None, *, now: datetime | None = None) -> bool:
    """Whether a version approved ``now`` with ``effective_date`` waits for its day."""
    return bool(effective_date) and effect_start(effective_date) > (now or timezone.now())


def versions_take_effect(*, now: datetime | None = None) -> list[Entry]:
    """Make every scheduled version whose day has come the live text of its entry. Returns the entries changed.
    Safe to run at any time and from several places at once: each entry is locked and checked again."""
    from .reviews import next_review_on
    from .services.common import save_with_history, touch_manual

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
            entry.live_version, entry.scheduled_version = version, None
            entry.last_published_at = version.takes_effect_at
            entry.first_published_at = entry.first_published_at or version.takes_effect_at
            entry.next_review_on = next_review_on(entry)
            save_with_history(entry, user=version.approver, reason=f"Version {version.number} took effect")
            touch_manual(entry.manual)
            events.announce(events.entry_published, Entry, entry=entry, version=version, user=version.approver)
        changed.append(entry)
    return changed


class ScheduledVersionsMiddleware:
    """Before a request, make due versions live, checking at most every ``SCHEDULED_VERSIONS_CHECK_SECONDS``
    per process (one small indexed query); 0 turns the check off (the tests, or a site relying on cron)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.next_check = 0.0

    def __call__(self, request):
        every = getattr(settings, "SCHEDULED_VERSIONS_CHECK_SECONDS", 60)
        if every and time.monotonic() >= self.next_check:
            self.next_check = time.monotonic() + every
            versions_take_effect()
        return self.get_response(request)
