"""Acknowledging an entry on its page, signing an onboarding packet, and the managers' report of who has
acknowledged what: by entry, by team and by person, as a page or a CSV file.

The report's ``?as_of=YYYY-MM-DD`` (or a full ISO datetime) and ``?edition=<label>`` show who had acknowledged what
then, for auditors.
"""

import csv
import io
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from policies import selectors
from policies.models import PDFKind, StoredPDF
from policies.permissions import can_open_pdf, can_view_ack_reports, require
from policies.views.reading import bad_request, render_entry

from . import reports as ack_reports
from . import services

VIEWS = {"entries": "By entry", "teams": "By team", "people": "By person"}
PEOPLE_PER_PAGE = 100


@require_GET
@login_required
def ack_report(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_view_ack_reports(request.user), "Only managers can see who has acknowledged what.")
    manual_obj = selectors.manual_get(manual)
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
    return render(request, "acknowledgements/report.html", context)


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


def _answers(request: HttpRequest, count: int) -> list[int | None]:
    answers = []
    for number in range(1, count + 1):
        value = request.POST.get(f"q{number}", "")
        answers.append(int(value) if value.isdigit() else None)
    return answers


@require_POST
@login_required
def entry_acknowledge(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    """ "I have read this and will follow it", for the version on the page."""
    manual_obj = selectors.manual_get(manual)
    entry_obj, _live = selectors.live_entry(manual_obj, entry)
    version = services.version_to_acknowledge(entry_obj)
    shown = request.POST.get("version")
    if shown and shown != str(version.number):
        messages.error(request, "A newer version was published while you were reading. Read it, then acknowledge.")
        return redirect(entry_obj.get_absolute_url())
    answers = _answers(request, len(version.questions or []))
    try:
        services.entry_acknowledge(entry=entry_obj, user=request.user, answers=answers)
    except services.WrongAnswers as exc:
        snapshot = selectors.manual_snapshot(manual_obj, bodies=False)
        messages.error(request, " ".join(exc.messages))
        quiz = {"answers": answers, "wrong": exc.wrong}
        return render_entry(request, manual_obj, snapshot, entry_obj, version, extra={"quiz": quiz}, status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Thank you. You acknowledged version {version.number} of “{version.title}”.")
    return redirect(entry_obj.get_absolute_url() + ("?ahead=1" if version.pk != entry_obj.live_version_id else ""))


@login_required
@require_POST
def onboarding_sign(request: HttpRequest, manual: str, pdf: int) -> HttpResponse:
    """Signing the onboarding packet in the app acknowledges every version it contains that the person may
    acknowledge now; entries with a comprehension check wait until they pass it."""
    stored = StoredPDF.objects.select_related("manual").filter(pk=pdf, manual__slug=manual).first()
    if stored is None or stored.kind != PDFKind.ONBOARDING:
        raise Http404("No such onboarding packet.")
    require(can_open_pdf(request.user, stored), "This onboarding packet was made for someone else.")
    try:
        signing = services.packet_sign(pdf=stored, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        signed = signing.signed
        messages.success(
            request, f"Signed. You acknowledged {signed} entr{'y' if signed == 1 else 'ies'} of the packet."
        )
        if signing.needs_check:
            titles = ", ".join(f"“{v.title}”" for v in signing.needs_check)
            messages.warning(
                request, f"Not yet acknowledged, until you pass their comprehension check: {titles}. "
                "The links below take you to each check.",
            )  # fmt: skip
    return redirect(reverse("policies:pdf_status", kwargs={"manual": manual, "pdf": stored.pk}))
