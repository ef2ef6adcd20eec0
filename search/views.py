"""The search page, "This did not help", and the managers' page of failed searches."""

from __future__ import annotations

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from people.selectors import team_choices
from policies import selectors as policy_selectors
from policies.models import Channel, EntryKind
from policies.permissions import can_view_failed_searches, require

from . import selectors, services
from .models import SearchOutcome

PERIODS = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last year"),
    ("all", "All time"),
]
DEFAULT_PERIOD = "90"
MISSES_SHOWN = 200  # the most frequent; the CSV has them all


def _results_url(manual, query: str, filters: selectors.SearchFilters) -> str:
    url = reverse("search:results", kwargs={"manual": manual.slug})
    return f"{url}?{urlencode({'q': query, **filters.as_params()})}"


def _channels(manual) -> list[tuple[str, str]]:
    """The channels the manual's organisation serves (every channel when it names none)."""
    labels = dict(Channel.choices)
    served = [c for c in (manual.channels or []) if c in labels]
    return [(c, labels[c]) for c in served] if served else list(Channel.choices)


@require_GET
@login_required
def results(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = policy_selectors.manual_get(manual)
    query = request.GET.get("q", "").strip()
    filters = selectors.SearchFilters.from_params(request.GET)
    snapshot = policy_selectors.manual_snapshot(manual_obj, bodies=False)
    exact = request.GET.get("exact") == "1"  # "search instead for" what was typed, not the spelling suggestion
    found = selectors.search(manual_obj, query, filters, correct=not exact) if query else None
    if found is not None and not found and found.searchable and not found.without_filters:
        # Nothing found, with the filters or without them: the manual's editors should know.
        services.search_log_record(
            manual=manual_obj, user=request.user, query=found.query, outcome=SearchOutcome.NO_RESULTS
        )
    context = {
        "manual": manual_obj,
        "snapshot": snapshot,
        "query": query,
        "found": found,
        "filters": filters,
        "kinds": EntryKind.choices,
        "channels": _channels(manual_obj),
        "teams": team_choices(),
        "clear_filters_url": _results_url(manual_obj, query, selectors.SearchFilters()),
        "suggestion_url": _results_url(manual_obj, found.suggestion, filters) if found and found.suggestion else "",
        "typed_url": _results_url(manual_obj, query, filters) + "&exact=1" if found and found.corrected else "",
    }
    return render(request, "search/results.html", context)


@require_POST
@login_required
def not_helpful(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = policy_selectors.manual_get(manual)
    entry, _version = policy_selectors.live_entry(manual_obj, request.POST.get("entry", ""))
    query = request.POST.get("q", "")
    filters = selectors.SearchFilters.from_params(request.POST)
    if services.search_log_record(
        manual=manual_obj, user=request.user, query=query, outcome=SearchOutcome.NOT_HELPFUL, entry=entry
    ):
        messages.success(
            request,
            f"Thank you. We have noted that “{entry.title}” did not answer your search; "
            "the manual's editors will see it.",
        )
    return redirect(_results_url(manual_obj, query, filters))


def _misses_manual(request: HttpRequest, manual: str):
    require(can_view_failed_searches(request.user), "Only managers can see failed searches.")
    return policy_selectors.manual_get(manual)


class _Echo:
    def write(self, value):
        return value


def _csv(manual, rows) -> HttpResponse:
    writer = csv.writer(_Echo())
    lines = [writer.writerow(
        ["query", "count", "nothing_found", "did_not_help", "people", "first_searched", "last_searched", "teams",
         "entries_that_did_not_help", "feedback_item"]
    )]  # fmt: skip
    for row in rows:
        lines.append(
            writer.writerow(
                [
                    row.query,
                    row.count,
                    row.no_results,
                    row.not_helpful,
                    row.people,
                    row.first_searched.isoformat(),
                    row.last_searched.isoformat(),
                    " ".join(row.teams),
                    " ".join(row.entries),
                    row.feedback_item_id or "",
                ]
            )  # fmt: skip
        )
    response = HttpResponse("".join(lines), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{manual.slug}-failed-searches.csv"'
    return response


@require_GET
@login_required
def misses(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _misses_manual(request, manual)
    period = request.GET.get("period", DEFAULT_PERIOD)
    period = period if period in dict(PERIODS) else DEFAULT_PERIOD
    since = None if period == "all" else timezone.now() - timedelta(days=int(period))
    team = selectors.SearchFilters.from_params(request.GET).team
    as_csv = request.GET.get("format") == "csv"
    rows = selectors.top_failed_searches(manual_obj, limit=None if as_csv else MISSES_SHOWN, since=since, team=team)
    if as_csv:
        return _csv(manual_obj, rows)
    teams = team_choices()
    team_names = dict(teams)
    entry_titles = selectors.entry_titles(manual_obj, {slug for row in rows for slug in row.entries})
    for row in rows:
        row.team_labels = [team_names.get(slug, slug) for slug in row.teams]
        row.entry_labels = [entry_titles.get(slug, slug) for slug in row.entries]
    context = {
        "manual": manual_obj,
        "nav": "misses",
        "rows": rows,
        "more": len(rows) == MISSES_SHOWN,
        "period": period,
        "periods": PERIODS,
        "team": team,
        "teams": teams,
        "query_string": urlencode({"period": period, **({"team": team} if team else {})}),
    }
    return render(request, "search/misses.html", context)


@require_POST
@login_required
def miss_to_feedback(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _misses_manual(request, manual)
    query = request.POST.get("q", "")
    try:
        item, created = services.failed_search_to_feedback(manual=manual_obj, user=request.user, query=query)
    except LookupError:
        raise Http404("Nobody searched for that.") from None
    if created:
        messages.success(
            request, f"Feedback #{item.pk} made from the searches for “{query}”. It is on the board under New."
        )
    else:
        messages.info(request, f"The searches for “{query}” are feedback #{item.pk} already.")
    back = reverse("search:misses", kwargs={"manual": manual_obj.slug})
    query_string = urlencode({k: v for k, v in request.POST.items() if k in ("period", "team") and v})
    return redirect(f"{back}?{query_string}" if query_string else back)
