"""The manager's dashboard: the manual's health check and its charts, each chart's numbers as CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from policies import selectors as policy_selectors
from policies.permissions import can_view_dashboard, require

from . import charts, health, selectors
from .sources import Sources


def _dashboard_manual(request: HttpRequest, manual: str):
    require(can_view_dashboard(request.user), "Only managers can open the dashboard.")
    return policy_selectors.manual_get(manual, user=request.user)


@login_required
@require_GET
def index(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _dashboard_manual(request, manual)
    sources = Sources(manual_obj, fresh=request.GET.get("fresh") == "1")
    report = health.health_check(manual_obj, sources=sources)
    shown = [(chart, None if chart.is_empty else charts.svg(chart)) for chart in (
        build(sources) for build in selectors.CHARTS.values()
    )]  # fmt: skip
    context = {
        "manual": manual_obj,
        "nav": "dashboard",
        "health": report,
        "health_summary": health.health_remember(manual_obj, report, today=sources.today),
        "how_scored": health.HOW_SCORED,
        "figures": selectors.figures(sources),
        "charts": shown,
    }
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_GET
def chart_csv(request: HttpRequest, manual: str, chart: str) -> HttpResponse:
    manual_obj = _dashboard_manual(request, manual)
    build = selectors.CHARTS.get(chart)
    if build is None:
        raise Http404("No such chart.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{manual_obj.slug}-{chart}.csv"'
    csv.writer(response).writerows(build(Sources(manual_obj)).csv)
    return response
