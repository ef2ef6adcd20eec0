"""Dates of the manual's calendar: effective dates, and months counted for the review cycle.

Effective dates: a version approved now that takes effect on a later day.

``entry_approve`` keeps such a version as the entry's ``scheduled_version``; readers go on seeing the live
version, with a notice and a way to read the new one ahead, and a material change can be acknowledged at once.
On the day, ``services.publishing.versions_take_effect`` makes it the live text. Nobody has to act: the periodic
work runs it (``manage.py run_periodic`` from cron, or its job on the background worker), and approval queues a
job for the moment the version falls due.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.utils import timezone


def effect_start(day: date) -> datetime:
    """The moment a version with effective date ``day`` takes effect: the start of that day, local time."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def is_scheduled(effective_date: date | None, *, now: datetime | None = None) -> bool:
    """Whether a version approved ``now`` with ``effective_date`` waits for its day."""
    return bool(effective_date) and effect_start(effective_date) > (now or timezone.now())


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, clamped to the end of a shorter month: 31 January plus one
    month is 28 (or 29) February, not 2 or 3 March. Reviews fall due this way (``Entry.review_every_months``)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
