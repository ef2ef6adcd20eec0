"""Reviews' share of the manual's pages and texts (``policies.contributions``): each review with no change in
the entry's history, and the entries so reviewed in the draft release notes. Registered in
``ReviewsConfig.ready``."""

from __future__ import annotations

from policies import contributions
from policies.selectors import TimelineEvent

from .models import EntryReview


def timeline(*, entry) -> list[TimelineEvent]:
    return [
        TimelineEvent(at=r.reviewed_at, who=r.reviewed_by, what=f"Reviewed, no change (version {r.version.number})",
                      detail=r.note)
        for r in EntryReview.objects.filter(entry=entry).select_related("reviewed_by", "version")
    ]  # fmt: skip


def release_notes_sections(*, manual, since, changed_slugs: set[str]) -> list[str]:
    """A "Reviewed, no change" section naming the entries in the manual reviewed with no change since ``since``
    (ever, if None), leaving out those the notes already list as changed."""
    reviews = EntryReview.objects.filter(entry__manual=manual, entry__retired_at__isnull=True)
    if since:
        reviews = reviews.filter(reviewed_at__gt=since)
    rows = reviews.order_by().values_list("entry__slug", "entry__live_version__title").distinct()
    titles = sorted({title for slug, title in rows if slug not in changed_slugs and title}, key=str.casefold)
    return ["## Reviewed, no change", "", *(f"- **{title}**" for title in titles)] if titles else []


def register() -> None:
    contributions.timeline.register(timeline)
    contributions.release_notes_sections.register(release_notes_sections)
