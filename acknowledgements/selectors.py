"""Reads about acknowledgements besides who is asked (``obligations``): what changed for a person since their
last visit, and who had acknowledged what at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from people.selectors import user_team_slugs
from policies.models import EntryVersion, Manual

from .models import Acknowledgement
from .obligations import applies_to


def acknowledged_as_of(manual: Manual, when: datetime) -> dict[tuple[int, int], EntryVersion]:
    """(user id, entry id) -> the newest version each person had acknowledged by ``when``. One query."""
    result: dict[tuple[int, int], EntryVersion] = {}
    for ack in (
        Acknowledgement.objects.filter(entry__manual=manual, acknowledged_at__lte=when)
        .select_related("version")
        .only("user_id", "entry_id", "version__number", "version__id", "version__entry_id")
        .order_by("version__number")
    ):
        result[(ack.user_id, ack.entry_id)] = ack.version
    return result



def changed_since(user, since: datetime | None, *, limit: int = 20) -> list[EntryVersion]:
    """Versions published since ``since`` (the person's last visit) that apply to them, newest first.

    One query for the versions and one for the person's teams. On a first visit, the last 30 days.
    """
    since = since or timezone.now() - timedelta(days=30)
    teams = user_team_slugs(user)
    versions = (
        EntryVersion.objects.filter(approved_at__gt=since, entry__live_version__isnull=False,
                                    entry__retired_at__isnull=True, entry__manual__opened_at__isnull=False)
        .select_related("entry", "entry__manual")
        .defer("body", "body_html", "entry__body", "entry__body_html")
        .order_by("-approved_at")[:200]
    )  # fmt: skip
    return [v for v in versions if applies_to(v.audience, teams)][:limit]
