"""The manager's dashboard: what each chart shows, shaped from the rows ``sources.Sources`` reads.

Each chart is a function of the sources returning a ``charts.Chart``: the numbers drawn, the table behind them
(shown on the page and downloaded as CSV) and a sentence saying what they show. ``CHARTS`` names them by the
address of their CSV.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from policies.models import EntryKind, EntryStatus, Manual
from policies.scheduling import add_months
from reviews.selectors import DUE_SOON_DAYS

from .charts import Chart, Series
from .sources import SEARCH_DAYS, Sources

FEEDBACK_TOP = 6  # entries drawn in the feedback chart (the CSV has every one)
REVIEW_MONTHS = 12
TURNAROUND_BUCKETS = (  # (label, fewer days than)
    ("Under a week", 7), ("1–4 weeks", 28), ("1–3 months", 91), ("Longer", None),
)  # fmt: skip
STATUS_TONES = {
    EntryStatus.DRAFT: "muted", EntryStatus.IN_REVIEW: "warn", EntryStatus.PUBLISHED: "ok",
    EntryStatus.RETIRED: "sand",
}  # fmt: skip


def _url(name: str, manual: Manual, query: str = "") -> str:
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
        link=("Open the reviews page", _url("reviews:schedule", src.manual)),
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
        link=("Open the acknowledgement report", _url("acknowledgements:ack_report", src.manual, "view=teams")),
        note=f"Counted at {_counted_at(src.acks.counted_at)}.",
        refresh=_url("dashboard:index", src.manual, "fresh=1") + "#acknowledgements-chart",
    )  # fmt: skip


def feedback_chart(src: Sources) -> Chart:
    """Feedback received per entry and month over the last ``sources.FEEDBACK_MONTHS`` months, for the entries
    with most."""
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
        link=("Open the feedback board", _url("feedback:board", src.manual)),
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
        return ("Open the failed searches", _url("search:misses", manual))
    except NoReverseMatch:
        return None


def _counted_at(when) -> str:
    """"14:05" today, "24 Nov, 14:05" before: kept figures may be older than today."""
    local = timezone.localtime(when)
    return date_format(local, "H:i" if local.date() == timezone.localdate() else "j M, H:i")


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
        link=("Open the answered feedback", _url("feedback:board", src.manual, "status=done")),
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
        Figure("Reviews overdue", f"{overdue:,}", _url("reviews:schedule", src.manual), alert=overdue > 0),
        Figure("Acknowledgements overdue", f"{acks.overdue:,}",
               _url("acknowledgements:ack_report", src.manual, "view=people&state=overdue"), alert=acks.overdue > 0),
        Figure("Open feedback", f"{feedback.open:,}", _url("feedback:board", src.manual)),
    ]  # fmt: skip
