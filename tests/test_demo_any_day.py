"""The demo's story holds whatever the day, month and time zone it is loaded in."""

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from demo import story
from policies import selectors
from policies.models import Edition, Entry, EntryStatus, EntryVersion, Manual

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Every day of one week, the first of January, both changes to and from daylight saving time (in the zone that
# changes that day), the 29th of February and a Sunday at a month's end; in UTC and two zones far from it.
DAYS = [
    (datetime(2026, 12, 7, 8, 30), "UTC"),  # Monday
    (datetime(2026, 12, 8, 23, 50), "America/New_York"),  # Tuesday, late: already Wednesday in UTC
    (datetime(2026, 12, 9, 0, 10), "Pacific/Auckland"),  # Wednesday, just after midnight: Tuesday in UTC
    (datetime(2026, 12, 10, 12, 0), "UTC"),  # Thursday
    (datetime(2026, 12, 11, 17, 0), "America/New_York"),  # Friday
    (datetime(2026, 12, 12, 9, 0), "Pacific/Auckland"),  # Saturday
    (datetime(2026, 12, 13, 9, 0), "UTC"),  # Sunday
    (datetime(2027, 1, 1, 0, 5), "America/New_York"),  # New Year's Day
    (datetime(2026, 3, 8, 3, 30), "America/New_York"),  # clocks go forward there that night
    (datetime(2026, 4, 5, 2, 30), "Pacific/Auckland"),  # clocks go back there that night
    (datetime(2028, 2, 29, 10, 0), "UTC"),  # a leap day
    (datetime(2026, 5, 31, 15, 0), "Pacific/Auckland"),  # a Sunday at a month's end
]


def _load(now_local: datetime, zone: str) -> None:
    with override_settings(TIME_ZONE=zone, PASSWORD_HASHERS=FAST_HASHER):
        with time_machine.travel(now_local.replace(tzinfo=ZoneInfo(zone)), tick=False):
            call_command("load_demo", force=True, stdout=io.StringIO())
            _check_the_story_promises()


def _check_the_story_promises() -> None:
    manual = Manual.objects.get(slug=story.DEMO_MANUAL_SLUG)
    today = timezone.localdate()
    versions = EntryVersion.objects.filter(entry__manual=manual)
    stamps = [timezone.localtime(v.approved_at) for v in versions]

    # A year of history, on working days in office hours, all of it before today.
    first = min(timezone.localdate(v.approved_at) for v in versions.filter(number=1))
    assert 340 <= (today - first).days <= 370
    assert all(s.weekday() < 5 and 9 <= s.hour < 18 for s in stamps)
    assert max(stamps).date() < today
    # Two editions, one draft in review, one entry retired.
    assert Edition.objects.filter(manual=manual).count() == 2
    in_review = Entry.objects.get(manual=manual, status=EntryStatus.IN_REVIEW)
    assert in_review.slug == "phone-protocol" and timezone.localdate(in_review.submitted_at) < today
    assert Entry.objects.get(manual=manual, status=EntryStatus.RETIRED).slug == "price-match-promise"
    # The manual three months back is not today's.
    past = timezone.make_aware(datetime.combine(story.three_months_back(today), time(12)))
    then = {p.entry_slug for p in selectors.manual_snapshot_as_of(manual, past, bodies=False).pages}
    now = {e.slug for e in Entry.objects.live().filter(manual=manual)}
    assert "price-match-promise" in then and "price-match-promise" not in now


@pytest.mark.parametrize(("now_local", "zone"), DAYS, ids=[f"{d:%a-%Y-%m-%d-%H%M}-{z}" for d, z in DAYS])
def test_the_demo_loads_and_keeps_its_promises(now_local, zone, django_db_blocker, django_db_setup):
    with django_db_blocker.unblock(), transaction.atomic():
        _load(now_local, zone)
        transaction.set_rollback(True)


def test_the_schedule_keeps_its_order_on_every_day_of_a_year():
    starts = story.story_schedule()
    assert starts == sorted(starts, reverse=True) and len(set(starts)) == len(starts)
    for offset in range(366):
        today = date(2026, 1, 1) + timedelta(days=offset)
        days = [story.working_days_back(today, start) for start in starts]
        assert days == sorted(days) and len(set(days)) == len(days)
        assert all(day.weekday() < 5 and day < today for day in days)
        assert 350 <= (today - days[0]).days <= 366, today
