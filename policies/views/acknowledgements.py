"""The managers' acknowledgement report: by entry, by team and by person, as a page or a CSV file.

``?as_of=YYYY-MM-DD`` (or a full ISO datetime) and ``?edition=<label>`` show who had acknowledged what then,
for auditors.
"""

import csv
import io
from itertools import islice

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import ack_reports, selectors
from ..permissions import can_view_ack_reports, require
from .reading import bad_request

VIEWS = {"entries": "By entry", "teams": "By team", "people": "By person"}
PEOPLE_PER_PAGE = 100


@require_GET
@login_required
def ack_report(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_view_ack_reports(request.user), "Only managers can see who has acknowledged what.")
    manual_obj = selectors.manual_get(manual, user=request.user)
    edition, as_of = None, None
    try:
        if request.GET.get("edition"):
            edition = selectors.edition_get(manual_obj, request.GET["edition"])
        elif request.GET.get("as_of"):
            as_of = selectors.parse_as_of(request.GET["as_of"])
    except ValidationError as exc:
        return bad_request(request, " ".join(exc.messages), manual_obj)
    as_csv = request.GET.get("format") == "csv"
    report = ack_reports.ack_report(
        manual_obj, filters=ack_reports.ReportFilters.from_query(request.GET), as_of=as_of, edition=edition,
        with_times=as_csv,
    )  # fmt: skip
    if as_csv:
        return _csv_response(report)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "entries"
    people = Paginator(report.people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    if view == "people":
        for person in people:
            person.missing_items = report.missing(person)
    # Links from a row to the other views keep the point in time, and the team for entries' rows.
    point = QueryDict(mutable=True)
    point.update({key: request.GET[key] for key in ("edition", "as_of") if request.GET.get(key)})
    scope = point.copy()
    if report.filters.team:
        scope["team"] = report.filters.team
    context = {
        "manual": manual_obj, "report": report, "view": view, "views": VIEWS, "people": people,
        "states": ack_reports.STATE_LABELS, "as_of_label": selectors.format_as_of(as_of) if as_of else "",
        "point": point.urlencode() + "&" if point else "", "scope": scope.urlencode() + "&" if scope else "",
    }  # fmt: skip
    return render(request, "policies/ack_report.html", context)


def _csv_response(report: ack_reports.AckReport) -> StreamingHttpResponse:
    """Streamed, so a large manual's file starts at once and is never held whole in memory."""
    response = StreamingHttpResponse(_csv_lines(report), content_type="text/csv; charset=utf-8")
    name = f"{report.manual.slug}-acknowledgements-{report.on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_lines(report: ack_reports.AckReport, batch: int = 2000):
    """The file in pieces of ``batch`` lines: one write per line would make a large file crawl."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ack_reports.CSV_COLUMNS)
    rows = report.csv_rows()
    while True:
        lines = list(islice(rows, batch))
        writer.writerows(lines)
        yield buffer.getvalue()
        if len(lines) < batch:
            return
        buffer.seek(0)
        buffer.truncate()
