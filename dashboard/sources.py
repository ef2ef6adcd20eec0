"""The rows the manager's dashboard and the health check read, each fetched once, on first use.

``Sources`` holds one manual's reads: the page, one chart's CSV and the header's health score each pay only for
what they use, and the page costs the same queries whatever the size of the manual (the entries by kind and
status, the live entries with their text, the feedback counts, the feedback per entry and month, the feedback
answered by a version, the failed searches, and the acknowledgement report's four when its figures are not
kept).

The acknowledgement figures are the acknowledgement report's own (``acknowledgements.reports``, which asks
``acknowledgements.obligations`` who is asked, by when, and whether it is done). The report reads
every acknowledgement of the manual, so its cost grows with them (about half a second at 2,000 people and 500
entries, 340,000 acknowledgements, on PostgreSQL) where the rest of the dashboard stays small. So the figures
are kept per manual and shown as kept; once they are ``ACK_FIGURES_SECONDS`` old, or the manual changed or the
day turned since, the background worker counts them again (``tasks.recount_ack_figures``). Only the very first
view of a manual, or "Count again" (``fresh``), counts them in the request; the dashboard says when they were
counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from html import unescape

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Func, IntegerField, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.html import strip_tags

from acknowledgements.reports import EntryRow, TeamRow, Totals, ack_report
from feedback.models import CLOSED_STATUSES, FeedbackItem, FeedbackStatus, Source
from people.models import Team
from policies.models import Entry, Manual
from policies.scheduling import add_months

ACK_FIGURES_SECONDS = 600
COMPLAINT_DAYS = 30  # an open complaint older than this is a finding of the health check
FEEDBACK_MONTHS = 12
SEARCH_DAYS = 90
SEARCH_LIMIT = 10


class DaysBetween(Func):
    """Whole days from the second date to the first: ``DaysBetween(later, earlier)``. PostgreSQL and SQLite."""

    arity = 2
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(", **extra_context,
        )  # fmt: skip


@dataclass(frozen=True)
class LiveEntry:
    """A live entry as the health check and the review chart read it: the working copy's owner and review date,
    the live version's kind and text."""

    id: int
    slug: str
    owner: str
    owner_user_id: int | None
    owner_team_id: int | None
    next_review_on: date | None
    kind: str
    title: str
    summary: str
    body: str  # the live version's rendered HTML
    channels: list[str]
    targets: list[dict]  # a service standard's measurable targets

    @property
    def has_owner(self) -> bool:
        return bool(self.owner_user_id or self.owner_team_id or self.owner.strip())

    @property
    def text(self) -> str:
        """What readers read: the rendered text, so shared values count as the words they stand for."""
        return f"{self.title}\n{self.summary}\n{unescape(strip_tags(self.body))}"


@dataclass(frozen=True)
class AckFigures:
    """What the dashboard shows of the acknowledgement report, and when it was counted."""

    teams: list[TeamRow]
    entries: list[EntryRow]
    totals: Totals
    team_choices: list[tuple[str, str]]
    counted_at: datetime


@dataclass(frozen=True)
class FeedbackCounts:
    open: int
    old_complaints: int  # open complaints received more than COMPLAINT_DAYS ago
    oldest_complaint: date | None


ACK_RECOUNT_AFTER = timedelta(seconds=ACK_FIGURES_SECONDS)
ACK_FIGURES_KEPT_SECONDS = 7 * 24 * 3600  # shown, however old, until the worker has counted them again


def ack_figures_key(manual: Manual) -> str:
    return f"dashboard:acks:{manual.pk}"


def ack_figures_stamp(manual: Manual) -> str:
    """What the kept figures were counted for: the manual's content as of then, and the day (due dates pass)."""
    return f"{manual.content_changed_at.timestamp()}:{timezone.localdate().isoformat()}"


def ack_figures_count(manual: Manual) -> AckFigures:
    """Count the acknowledgement figures now (the report's four queries) and keep them."""
    report = ack_report(manual)
    figures = AckFigures(teams=report.teams, entries=report.entries, totals=report.totals,
                         team_choices=report.team_choices, counted_at=timezone.now())  # fmt: skip
    cache.set(ack_figures_key(manual), (figures, ack_figures_stamp(manual)), ACK_FIGURES_KEPT_SECONDS)
    return figures


def ack_figures_recount_soon(manual: Manual) -> None:
    """Ask the worker to count the figures again, once however many pages ask meanwhile."""
    from .tasks import recount_ack_figures

    if cache.add(f"{ack_figures_key(manual)}:queued", True, ACK_FIGURES_SECONDS):
        transaction.on_commit(lambda: recount_ack_figures.enqueue(manual.pk), robust=True)


class Sources:
    """The rows the dashboard and the health check read, each fetched on first use (one query each, the
    acknowledgement report four)."""

    def __init__(self, manual: Manual, *, today: date | None = None, fresh: bool = False):
        self.manual = manual
        self.today = today or timezone.localdate()
        self.fresh = fresh  # count the acknowledgements again rather than take the figures kept

    @cached_property
    def status_counts(self) -> dict[tuple[str, str], int]:
        """(kind, status) -> how many of the manual's entries."""
        rows = Entry.objects.filter(manual=self.manual).values_list("kind", "status").annotate(n=Count("id"))
        return {(kind, status): n for kind, status, n in rows.order_by()}

    @cached_property
    def live(self) -> list[LiveEntry]:
        """The manual's live entries in reading order, with the text readers see."""
        rows = (
            Entry.objects.live()
            .filter(manual=self.manual)
            .order_by("section__order", "section_id", "order", "id")
            .values_list("id", "slug", "owner", "owner_user_id", "owner_team_id", "next_review_on",
                         "live_version__kind", "live_version__title", "live_version__summary",
                         "live_version__body_html", "live_version__channels", "live_version__targets")
        )  # fmt: skip
        return [LiveEntry(*row[:-2], channels=list(row[-2] or []), targets=list(row[-1] or [])) for row in rows]

    @cached_property
    def acks(self) -> AckFigures:
        """The figures kept for the manual. Counted here only the first time (or when asked to count again);
        when they are older than ``ACK_FIGURES_SECONDS``, or the manual changed or the day turned since, they are
        shown as they are and counted again by the background worker, so no page waits for the count."""
        kept = None if self.fresh else cache.get(ack_figures_key(self.manual))
        if kept is None:
            return ack_figures_count(self.manual)
        figures, stamp = kept
        if stamp != ack_figures_stamp(self.manual) or timezone.now() - figures.counted_at > ACK_RECOUNT_AFTER:
            ack_figures_recount_soon(self.manual)
        return figures

    @cached_property
    def feedback_counts(self) -> FeedbackCounts:
        old = Q(
            source=Source.COMPLAINT,
            status__in=[FeedbackStatus.NEW, FeedbackStatus.PLANNED],
            received_on__lt=self.today - timedelta(days=COMPLAINT_DAYS),
        )
        counts = FeedbackItem.objects.filter(manual=self.manual).aggregate(
            open=Count("id", filter=~Q(status__in=CLOSED_STATUSES)),
            old_complaints=Count("id", filter=old),
            oldest_complaint=Min("received_on", filter=old),
        )
        return FeedbackCounts(**counts)

    @cached_property
    def feedback_months(self) -> list[date]:
        """The first day of each of the last ``FEEDBACK_MONTHS`` months, this one last."""
        this_month = self.today.replace(day=1)
        return [add_months(this_month, n) for n in range(1 - FEEDBACK_MONTHS, 1)]

    @cached_property
    def feedback_by_entry(self) -> list[tuple[int | None, str, date, int]]:
        """(entry id, title, month, items) of the feedback received in ``feedback_months``."""
        rows = (
            FeedbackItem.objects.filter(
                manual=self.manual,
                received_on__gte=self.feedback_months[0],
                received_on__lt=add_months(self.feedback_months[-1], 1),
            )
            # The month as numbers: thousands of rows are read much faster than as dates.
            .annotate(year=ExtractYear("received_on"), month=ExtractMonth("received_on"))
            .values_list("entry_id", "entry__title", "entry__live_version__title", "year", "month")
            .annotate(n=Count("id"))
            .order_by()
        )
        return [(pk, live or title or "", date(year, month, 1), n) for pk, title, live, year, month, n in rows]

    @cached_property
    def turnaround_days(self) -> Counter[int]:
        """Days from receiving an item to closing it with a version -> how many items took that long. Counted by
        the database, so the rows are a few hundred whatever the number of items."""
        rows = (
            FeedbackItem.objects.filter(manual=self.manual, closing_version__isnull=False, closed_at__isnull=False)
            .annotate(days=DaysBetween(TruncDate("closed_at"), "received_on"))
            .values_list("days")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts: Counter[int] = Counter()
        for days, n in rows:
            counts[max(days, 0)] += n
        return counts

    @cached_property
    def team_names(self) -> dict[str, str]:
        """Team slug -> name: from the acknowledgement report when it has been read, else one query."""
        if "acks" in self.__dict__:
            return dict(self.acks.team_choices)
        return dict(Team.objects.values_list("slug", "name"))

    @cached_property
    def failed_searches(self) -> list | None:
        """The searches that most often found nothing in the last ``SEARCH_DAYS`` days, or None while the search
        app does not record them."""
        try:
            from search.selectors import top_failed_searches
        except ImportError:
            return None
        since = timezone.now() - timedelta(days=SEARCH_DAYS)
        return list(top_failed_searches(self.manual, limit=SEARCH_LIMIT, since=since))


# The charts -----------------------------------------------------------------------------------------------------
