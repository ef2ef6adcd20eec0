"""Writes of the search app: recording failed searches, and turning one into a feedback item.

A search log row is written once and never changed, so it keeps no history; the feedback item made from failed
searches is written through ``feedback_record`` and has its history there.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from feedback.models import FeedbackItem, Source
from feedback.services import feedback_record
from people.models import Team
from people.selectors import user_team_slugs
from policies.models import Entry, Manual
from policies.permissions import can_send_feedback, can_view_failed_searches, require

from . import selectors
from .models import FailedSearchFeedback, SearchLog, SearchOutcome
from .text import QUERY_MAX, clean_line, normalise_query


def search_log_record(
    *, manual: Manual, user, query: str, outcome: str, result_count: int = 0, entry: Entry | None = None
) -> SearchLog | None:
    """Record a search that found nothing (``no_results``) or a result that did not help (``not_helpful``,
    naming the ``entry``). The same person, query and outcome (and entry) count once a day, so reloading the
    page adds nothing. Returns the row, or None for an empty query."""
    if outcome == SearchOutcome.NOT_HELPFUL:
        require(can_send_feedback(user), "Sign in to say a result did not help.")
    typed = clean_line(query)[:QUERY_MAX]
    normalised = normalise_query(typed)
    if not normalised:
        return None
    teams = sorted(user_team_slugs(user))
    log, _created = SearchLog.objects.get_or_create(
        manual=manual,
        user=user if getattr(user, "is_authenticated", False) else None,
        normalised_query=normalised,
        outcome=outcome,
        entry=entry if outcome == SearchOutcome.NOT_HELPFUL else None,
        day=timezone.localdate(),
        defaults={"query": typed, "teams": f",{','.join(teams)}," if teams else "", "result_count": result_count},
    )
    return log


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def _feedback_text(manual: Manual, row: selectors.FailedSearch) -> str:
    names = dict(Team.objects.filter(slug__in=row.teams).values_list("slug", "name"))
    first, last = timezone.localdate(row.first_searched), timezone.localdate(row.last_searched)
    when = (
        f"on {date_format(last, 'j F Y')}"
        if first == last
        else f"between {date_format(first, 'j F Y')} and {date_format(last, 'j F Y')}"
    )
    people = "one person" if row.people == 1 else f"{row.people} people"
    lines = [f"People searched the manual for “{row.query}” {_times(row.count)} ({people}) {when}."]
    if row.no_results:
        lines.append(f"Nothing was found {_times(row.no_results)}.")
    if row.not_helpful:
        titles = dict(Entry.objects.filter(manual=manual, slug__in=row.entries).values_list("slug", "title"))
        named = ", ".join(f"“{titles.get(slug, slug)}”" for slug in row.entries)
        lines.append(f"A result did not help {_times(row.not_helpful)}" + (f": {named}." if named else "."))
    if row.teams:
        lines.append("Teams: " + ", ".join(names.get(slug, slug) for slug in row.teams) + ".")
    else:
        lines.append("The people who searched are in no team.")
    return "\n".join(lines)


def failed_search_to_feedback(*, manual: Manual, user, query: str) -> tuple[FeedbackItem, bool]:
    """Turn the failed searches for ``query`` (normalised) into one feedback item saying what was searched, how
    often and by which teams. A query turned into feedback before keeps its item: (that item, False). Raises
    ``LookupError`` when nobody searched for it."""
    require(can_view_failed_searches(user), "Only managers can turn failed searches into feedback.")
    normalised = normalise_query(query)
    existing = FailedSearchFeedback.objects.filter(manual=manual, normalised_query=normalised).first()
    if existing is not None:
        return existing.item, False
    row = selectors.failed_search(manual, normalised)
    if row is None:
        raise LookupError(f"Nobody searched for “{normalised}”.")
    entry = None
    if len(row.entries) == 1 and not row.no_results:
        entry = Entry.objects.filter(manual=manual, slug=row.entries[0]).first()
    try:
        with transaction.atomic():
            item = feedback_record(
                manual=manual,
                user=user,
                source=Source.SEARCH,
                channel="",
                received_on=timezone.localdate(),
                text=_feedback_text(manual, row),
                entry=entry,
            )
            FailedSearchFeedback.objects.create(manual=manual, normalised_query=normalised, item=item)
    except IntegrityError:  # someone else turned it into feedback at the same moment: theirs stands
        return FailedSearchFeedback.objects.get(manual=manual, normalised_query=normalised).item, False
    return item, True
