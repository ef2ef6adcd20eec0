"""Reads for the manager's dashboard: what each chart shows, from a fixed number of queries.

``Sources`` fetches each kind of row the dashboard and the health check read once, on first use, so the page,
one chart's CSV and the header's health score each pay only for what they read. The page costs the same queries
whatever the size of the manual: the entries by kind and status, the live entries with their text, the
acknowledgement report's four, the feedback counts, the feedback per entry and month, the feedback answered by
a version, and the failed searches (which the search app reads).

The acknowledgement figures are the acknowledgement report's own (``policies.ack_reports``), kept for
``ACK_FIGURES_SECONDS`` under the manual's content stamp and the day. The report reads every acknowledgement of
the manual, so its cost grows with them (about half a second at 2,000 people and 500 entries, 340,000
acknowledgements, on PostgreSQL) where the rest of the dashboard stays small; the dashboard says when they were
counted and offers to count them again (``fresh``).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, Func, IntegerField, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from feedback.models import CLOSED_STATUSES, FeedbackItem, FeedbackStatus, Source
from people.models import Team
from policies.ack_reports import EntryRow, TeamRow, Totals, ack_report
from policies.models import Entry, EntryKind, EntryStatus, Manual
from policies.reviews import DUE_SOON_DAYS, add_months

from .charts import Chart, Series

ACK_FIGURES_SECONDS = 600
COMPLAINT_DAYS = 30  # an open complaint older than this is a finding of the health check
FEEDBACK_MONTHS = 12
FEEDBACK_TOP = 6  # entries drawn in the feedback chart (the CSV has every one)
REVIEW_MONTHS = 12
SEARCH_DAYS = 90
SEARCH_LIMIT = 10
TURNAROUND_BUCKETS = (  # (label, fewer days than)
    ("Under a week", 7), ("1–4 weeks", 28), ("1–3 months", 91), ("Longer", None),
)  # fmt: skip
STATUS_TONES = {
    EntryStatus.DRAFT: "muted", EntryStatus.IN_REVIEW: "warn", EntryStatus.PUBLISHED: "ok",
    EntryStatus.RETIRED: "sand",
}  # fmt: skip


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
    body: str
    channels: list[str]
    targets: list[dict]  # a service standard's measurable targets

    @property
    def has_owner(self) -> bool:
        return bool(self.owner_user_id or self.owner_team_id or self.owner.strip())

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.summary}\n{self.body}"


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
                         "live_version__kind", "live_version__title", "live_version__summary", "live_version__body",
                         "live_version__channels", "live_version__targets")
        )  # fmt: skip
        return [LiveEntry(*row[:-2], channels=list(row[-2] or []), targets=list(row[-1] or [])) for row in rows]

    @cached_property
    def acks(self) -> AckFigures:
        key = f"dashboard:acks:{self.manual.pk}:{self.manual.content_changed_at.timestamp()}:{self.today.isoformat()}"
        figures = None if self.fresh else cache.get(key)
        if figures is None:
            report = ack_report(self.manual)
            figures = AckFigures(teams=report.teams, entries=report.entries, totals=report.totals,
                                 team_choices=report.team_choices, counted_at=timezone.now())  # fmt: skip
            cache.set(key, figures, ACK_FIGURES_SECONDS)
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


def _url(name: str, manual: Manual, query: str = "") -> str:
    name = f"policies:{name}" if name.startswith("dashboard:") else name
    return reverse(name, kwargs={"manual": manual.slug}) + (f"?{query}" if query else "")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _month_label(month: date, first: bool) -> str:
    """A column's label: "Mar", with the year under it for the first column and every January."""
    short = date_format(month, "M")
    return f"{short}\n{month.year}" if first or month.month == 1 else short


def _initial(month: date) -> str:
    return date_format(month, "M")[:1]


def entries_chart(src: Sources) -> Chart:
    """Every entry of the manual, by kind and by status."""
    statuses = list(EntryStatus)
    kinds = list(EntryKind)
    series = [
        Series(
            status.label, STATUS_TONES.get(status, "muted"), tuple(src.status_counts.get((k, status), 0) for k in kinds)
        )
        for status in statuses
    ]
    totals = Counter()
    for (_kind, status), n in src.status_counts.items():
        totals[status] += n
    total = sum(totals.values())
    summary = (
        f"{_plural(total, 'entry', 'entries')}: "
        + ", ".join(f"{totals[s]:,} {s.label.lower()}" for s in statuses)
        + "."
    )
    rows = [
        [kind.label, *(src.status_counts.get((kind, s), 0) for s in statuses),
         sum(src.status_counts.get((kind, s), 0) for s in statuses)]
        for kind in kinds
    ]  # fmt: skip
    return Chart(
        slug="entries", title="Entries by kind and status", summary=summary, kind="bars",
        labels=[k.label for k in kinds], series=series, head=["Kind", *(s.label for s in statuses), "Total"],
        rows=rows, empty="The manual has no entries yet.",
    )  # fmt: skip


def reviews_chart(src: Sources) -> Chart:
    """Live entries overdue for review, and those falling due in this month and each of the months after it, up
    to ``REVIEW_MONTHS`` in all."""
    this_month = src.today.replace(day=1)
    months = [add_months(this_month, n) for n in range(REVIEW_MONTHS)]
    after = add_months(this_month, REVIEW_MONTHS)
    soon_until = src.today + timedelta(days=DUE_SOON_DAYS)
    overdue, due, later, soon = 0, Counter(), 0, 0
    for entry in src.live:
        if entry.next_review_on is None:
            continue
        if entry.next_review_on < src.today:
            overdue += 1
        elif entry.next_review_on < after:
            due[entry.next_review_on.replace(day=1)] += 1
        else:
            later += 1
        soon += src.today <= entry.next_review_on <= soon_until
    coming = sum(due.values())
    # The reviews page lists the overdue and those due within DUE_SOON_DAYS: say both.
    summary = (
        f"{_plural(overdue, 'entry is', 'entries are')} overdue for review and {soon:,} due within "
        f"{DUE_SOON_DAYS} days; {coming:,} fall{'s' if coming == 1 else ''} due by the end of "
        f"{date_format(months[-1], 'F Y')}" + (f", {later:,} later." if later else ".")
    )
    labels = ["Late", *(_month_label(m, i == 0) for i, m in enumerate(months))]
    short = ["Late", *(_initial(m) for m in months)]
    series = [
        Series("Overdue", "danger", (overdue, *(0 for _ in months))),
        Series("Due", "accent", (0, *(due[m] for m in months))),
    ]
    rows = [["Overdue", overdue, ""], *([date_format(m, "F Y"), "", due[m]] for m in months)]
    if later:
        rows.append([f"From {date_format(after, 'F Y')}", "", later])
    return Chart(
        slug="reviews", title="Reviews overdue and due by month", summary=summary, kind="columns", labels=labels,
        short_labels=short, series=series, head=["Month", "Overdue", "Due"], rows=rows,
        empty="No entry is live yet, so none is due.",
        link=("Open the reviews page", _url("policies:review_schedule", src.manual)),
    )  # fmt: skip


def acknowledgements_chart(src: Sources) -> Chart:
    """What each team has acknowledged of what is asked of it, least complete first."""
    teams = sorted((t for t in src.acks.teams if t.asked), key=lambda t: (t.done / t.asked, t.name.casefold()))
    totals = src.acks.totals
    if totals.asked:
        summary = f"{totals.percent}% of what is asked is acknowledged, across {_plural(len(teams), 'team')}" + (
            f"; {_plural(totals.overdue, 'acknowledgement is', 'acknowledgements are')} overdue, by "
            f"{_plural(totals.people_overdue, 'person', 'people')}."
            if totals.overdue
            else "; none is overdue."
        )
    else:
        summary = "No live entry asks anyone to acknowledge it yet."

    def share(part: int, whole: int) -> float:
        return 100 * part / whole

    series = [
        Series("Done", "ok", tuple(share(t.done, t.asked) for t in teams)),
        Series("Pending", "accent", tuple(share(t.pending - t.overdue, t.asked) for t in teams)),
        Series("Overdue", "danger", tuple(share(t.overdue, t.asked) for t in teams)),
    ]
    rows = [[t.name, t.people, t.asked, t.done, t.overdue, f"{t.percent}%"] for t in teams]
    return Chart(
        slug="acknowledgements", title="Acknowledgement by team", summary=summary, kind="bars",
        labels=[t.name for t in teams], series=series, percent=True, value_labels=[f"{t.percent}%" for t in teams],
        head=["Team", "People", "Asked", "Done", "Overdue", "Done %"], rows=rows,
        empty="Nothing is asked of anyone yet.",
        link=("Open the acknowledgement report", _url("policies:ack_report", src.manual, "view=teams")),
        note=f"Counted at {date_format(timezone.localtime(src.acks.counted_at), 'H:i')}.",
        refresh=_url("dashboard:index", src.manual, "fresh=1") + "#acknowledgements-chart",
    )  # fmt: skip


def feedback_chart(src: Sources) -> Chart:
    """Feedback received per entry and month over the last ``FEEDBACK_MONTHS`` months, for the entries with most."""
    months = src.feedback_months
    index = {m: i for i, m in enumerate(months)}
    per_entry: dict[int, list[int]] = defaultdict(lambda: [0] * len(months))
    names: dict[int, str] = {}
    unlinked = 0
    for pk, title, month, n in src.feedback_by_entry:
        if pk is None:
            unlinked += n
            continue
        per_entry[pk][index[month]] += n
        names[pk] = title
    ranked = sorted(per_entry, key=lambda pk: (-sum(per_entry[pk]), names[pk].casefold()))
    top = ranked[:FEEDBACK_TOP]
    total = sum(sum(v) for v in per_entry.values()) + unlinked
    period = f"{date_format(months[0], 'F Y')} to {date_format(months[-1], 'F Y')}"
    if total:
        summary = (
            f"{_plural(total, 'item')} of feedback from {period}"
            + (f"; the most about “{names[top[0]]}” ({sum(per_entry[top[0]]):,})" if _leads(top, per_entry) else "")
            + (f"; {unlinked:,} not about any entry." if unlinked else ".")
        )
    else:
        summary = f"No feedback was received from {period}."
    head = ["Entry", *(date_format(m, "M Y") for m in months), "Total"]

    def row(pk: int) -> list:
        return [names[pk], *per_entry[pk], sum(per_entry[pk])]

    return Chart(
        slug="feedback", title="Feedback per entry, month by month", summary=summary, kind="multiples",
        labels=[names[pk] for pk in top], columns=[_month_label(m, i == 0) for i, m in enumerate(months)],
        short_labels=[_initial(m) for m in months],
        series=[Series("Feedback items", "accent", tuple(v for pk in top for v in per_entry[pk]))],
        value_labels=[f"{sum(per_entry[pk]):,}" for pk in top], head=head, rows=[row(pk) for pk in top],
        csv_rows=[row(pk) for pk in ranked], empty=summary,
        link=("Open the feedback board", _url("policies:feedback:board", src.manual)),
    )  # fmt: skip


SEARCH_HEAD = ["Search", "Times", "Found nothing", "Result did not help", "Last searched", "Teams"]


def _leads(top: list[int], per_entry: dict[int, list[int]]) -> bool:
    """Whether the first of ``top`` had more feedback than any other entry."""
    totals = [sum(per_entry[pk]) for pk in top[:2]]
    return bool(totals) and (len(totals) == 1 or totals[0] > totals[1])


def searches_chart(src: Sources) -> Chart:
    """The searches that most often failed readers: found nothing, or found a result they said did not help."""
    rows = src.failed_searches
    if rows is None:
        return Chart(
            slug="searches", title="Searches that find nothing", summary="No failed searches recorded yet.",
            kind="bars", labels=[], series=[], head=SEARCH_HEAD, rows=[], empty="No failed searches recorded yet.",
        )  # fmt: skip
    tz = timezone.get_current_timezone()

    def when(value) -> str:
        return date_format(value.astimezone(tz), "j M Y") if value else ""

    def teams(slugs) -> str:
        names = src.team_names
        return ", ".join(sorted(names.get(slug, slug) for slug in slugs or ()))

    summary = (
        f"The {_plural(len(rows), 'search', 'searches')} of the last {SEARCH_DAYS} days that most often found "
        f"nothing, or nothing that helped; “{rows[0].query}” failed {_plural(rows[0].count, 'time')}."
        if rows
        else f"No search has failed in the last {SEARCH_DAYS} days."
    )
    return Chart(
        slug="searches", title="Searches that find nothing", summary=summary, kind="bars",
        labels=[r.query for r in rows],
        series=[Series("Found nothing", "violet", tuple(r.no_results for r in rows)),
                Series("Result did not help", "sand", tuple(r.not_helpful for r in rows))],
        head=SEARCH_HEAD,
        rows=[[r.query, r.count, r.no_results, r.not_helpful, when(r.last_searched), teams(r.teams)] for r in rows],
        empty=summary, link=_misses_link(src.manual),
    )  # fmt: skip


def _misses_link(manual: Manual) -> tuple[str, str] | None:
    """The search app's page of failed searches, once it has one."""
    try:
        return ("Open the failed searches", _url("policies:search:misses", manual))
    except NoReverseMatch:
        return None


def turnaround_chart(src: Sources) -> Chart:
    """How long feedback waited for the version that answered it."""
    days = src.turnaround_days
    counts = Counter()
    for d, n in days.items():
        counts[next(label for label, under in TURNAROUND_BUCKETS if under is None or d < under)] += n
    labels = [label for label, _ in TURNAROUND_BUCKETS]
    answered = days.total()
    if answered:
        median = statistics.median(sorted(days.elements()))
        summary = (
            f"Half the feedback answered by a revision was answered within {_plural(round(median), 'day')} "
            f"(the median of {_plural(answered, 'item')})."
        )
    else:
        summary = "No feedback has been answered by a revision yet."
    return Chart(
        slug="feedback-to-revision", title="Time from feedback to revision", summary=summary, kind="columns",
        labels=labels,
        series=[Series("Items", "teal", tuple(counts[label] for label in labels))],
        head=["Time to the revision", "Items"], rows=[[label, counts[label]] for label in labels], empty=summary,
        link=("Open the answered feedback", _url("policies:feedback:board", src.manual, "status=done")),
    )  # fmt: skip


CHARTS: dict[str, Callable[[Sources], Chart]] = {
    "entries": entries_chart,
    "reviews": reviews_chart,
    "acknowledgements": acknowledgements_chart,
    "feedback": feedback_chart,
    "feedback-to-revision": turnaround_chart,
    "searches": searches_chart,
}


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str = ""
    alert: bool = False


def figures(src: Sources) -> list[Figure]:
    """The few numbers at the top of the dashboard."""
    overdue = sum(1 for e in src.live if e.next_review_on and e.next_review_on < src.today)
    acks = src.acks.totals
    feedback = src.feedback_counts
    return [
        Figure("Live entries", f"{len(src.live):,}", _url("policies:manual_home", src.manual)),
        Figure("Reviews overdue", f"{overdue:,}", _url("policies:review_schedule", src.manual), alert=overdue > 0),
        Figure("Acknowledgements overdue", f"{acks.overdue:,}",
               _url("policies:ack_report", src.manual, "view=people&state=overdue"), alert=acks.overdue > 0),
        Figure("Open feedback", f"{feedback.open:,}", _url("policies:feedback:board", src.manual)),
    ]  # fmt: skip
