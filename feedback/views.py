"""The feedback pages: a reader's suggestion from an entry page, and for managers the triage board, recording
customer feedback and importing it from a CSV file."""

from __future__ import annotations

import csv
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies import selectors as policy_selectors
from policies.models import Channel
from policies.permissions import can_send_feedback, can_triage_feedback, require

from . import selectors, services
from .forms import ImportConfirmForm, ImportUploadForm, RecordForm, SendForm, StatusForm
from .importing import COLUMNS, FeedbackImportError, decode_upload, feedback_import_plan
from .models import FeedbackItem, FeedbackStatus, Source

IMPORT_SESSION_KEY = "feedback_import"
ITEMS_PER_PAGE = 50
CSV_FIELDS = (
    "id", "received_on", "source", "channel", "entry", "customer_reference", "text", "status", "submitted_by",
    "created_at", "closed_at", "closed_by", "closing_version",
)  # fmt: skip


def _triage_manual(request: HttpRequest, manual: str):
    require(can_triage_feedback(request.user), "Only managers can see and record feedback.")
    return policy_selectors.manual_get(manual, user=request.user)


def _board_url(manual) -> str:
    return reverse("feedback:board", kwargs={"manual": manual.slug})


@login_required
@require_POST
def send(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_send_feedback(request.user), "Sign in to send feedback.")
    manual_obj = policy_selectors.manual_get(manual, user=request.user)
    entry, _version = policy_selectors.live_entry(manual_obj, request.GET.get("entry", ""))
    form = SendForm(request.POST)
    if form.is_valid():
        services.feedback_send(manual=manual_obj, entry=entry, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Thank you. Your suggestion is with the managers; you will hear when it is answered.")
    else:
        messages.error(request, "Write your suggestion before sending it.")
    return redirect(entry.get_absolute_url())


def _item_row(item: FeedbackItem) -> list:
    return [
        item.pk, item.received_on.isoformat(), item.source, item.channel, item.entry.slug if item.entry else "",
        item.customer_reference, item.text, item.status, item.submitted_by.username if item.submitted_by else "",
        item.created_at.isoformat(), item.closed_at.isoformat() if item.closed_at else "",
        item.closed_by.username if item.closed_by else "",
        item.closing_version.number if item.closing_version else "",
    ]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def _csv_download(manual, items) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = (writer.writerow(_item_row(item)) for item in items.iterator(chunk_size=500))
    response = StreamingHttpResponse(
        (chunk for part in ([writer.writerow(CSV_FIELDS)], rows) for chunk in part), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{manual.slug}-feedback.csv"'
    return response


@login_required
@require_GET
def board(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _triage_manual(request, manual)
    status = request.GET.get("status", "")
    status = status if status in FeedbackStatus.values or status == "all" else FeedbackStatus.NEW
    filters = {name: request.GET.get(name, "") for name in ("entry", "channel", "source", "age", "item")}
    if filters["item"] and "status" not in request.GET:
        status = "all"  # a link to one item shows it whatever became of it
    shown = selectors.feedback_board(manual=manual_obj, status="" if status == "all" else status, **filters)
    if request.GET.get("format") == "csv":
        return _csv_download(manual_obj, shown)
    counts = selectors.feedback_status_counts(selectors.feedback_board(manual=manual_obj, **filters))
    query = request.GET.copy()
    for name in ("status", "page"):
        query.pop(name, None)
    context = {
        "manual": manual_obj,
        "nav": "feedback",
        "items": Paginator(shown, ITEMS_PER_PAGE).get_page(request.GET.get("page")),
        "status": status,
        "tabs": [(value, label, counts[value]) for value, label in FeedbackStatus.choices],
        "filters": filters,
        "filtered": any(filters.values()),
        "query": query.urlencode(),
        # The filter lists them all; an item's entry box suggests the titles of the live ones as you type.
        "entries": selectors.feedback_entries(manual_obj),
        "channels": Channel.choices,
        "sources": Source.choices,
        "ages": [("7", "Older than 7 days"), ("30", "Older than 30 days"), ("90", "Older than 90 days")],
        "status_choices": FeedbackStatus.choices,
    }
    return render(request, "feedback/board.html", context)


@login_required
@require_POST
def set_status(request: HttpRequest, manual: str, item: int) -> HttpResponse:
    manual_obj = _triage_manual(request, manual)
    item_obj = get_object_or_404(FeedbackItem, pk=item, manual=manual_obj)
    form = StatusForm(request.POST, manual=manual_obj)
    form.is_valid()
    if "status" in form.errors:
        messages.error(request, "Pick a status from the list.")
        return redirect(_back(request, manual_obj))
    said = []
    if "entry" in form.errors:
        # The status chosen with it is still saved; only the entry is left as it was, and the message says why.
        messages.error(request, " ".join(form.errors["entry"]))
    elif "entry" in request.POST:
        entry = form.cleaned_data["entry"]
        before = item_obj.entry_id
        try:
            services.feedback_link_entry(item=item_obj, entry=entry, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_back(request, manual_obj))
        if item_obj.entry_id != before:
            said.append(f"about “{entry.title}”" if entry else "about no entry yet")
    if form.cleaned_data["status"] != item_obj.status:
        services.feedback_set_status(item=item_obj, status=form.cleaned_data["status"], user=request.user)
        said.insert(0, f"marked {item_obj.get_status_display().lower()}")
    if said or "entry" not in form.errors:
        messages.success(request, f"#{item_obj.pk} {' and '.join(said)}." if said else "Nothing changed.")
    return redirect(_back(request, manual_obj))


def _back(request: HttpRequest, manual_obj) -> str:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return back or _board_url(manual_obj)


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _triage_manual(request, manual)
    form = RecordForm(request.POST or None, manual=manual_obj)
    if request.method == "POST" and form.is_valid():
        services.feedback_record(manual=manual_obj, user=request.user, **form.cleaned_data)
        messages.success(request, "Recorded. It is on the board under New.")
        return redirect(_board_url(manual_obj))
    context = {"manual": manual_obj, "nav": "feedback", "form": form, "entries": selectors.feedback_entries(manual_obj)}
    return render(request, "feedback/record.html", context, status=400 if form.errors else 200)


def _import_page(request: HttpRequest, manual, form, error: str = "", status: int = 200) -> HttpResponse:
    context = {"manual": manual, "nav": "feedback", "form": form, "error": error, "columns": ",".join(COLUMNS)}
    return render(request, "feedback/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, manual: str) -> HttpResponse:
    """Upload a CSV and see what importing it would do; the file waits in the session for the confirmation."""
    manual_obj = _triage_manual(request, manual)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, manual_obj, form)
    upload = form.cleaned_data["file"]
    try:
        text = decode_upload(upload.read())
        plan = feedback_import_plan(manual=manual_obj, text=text)
    except FeedbackImportError as exc:
        return _import_page(request, manual_obj, form, str(exc), status=400)
    digest = hashlib.sha256(text.encode()).hexdigest()
    request.session[IMPORT_SESSION_KEY] = {"text": text, "digest": digest, "name": upload.name, "manual": manual}
    context = {
        "manual": manual_obj,
        "nav": "feedback",
        "plan": plan,
        "filename": upload.name,
        "confirm": ImportConfirmForm(initial={"digest": digest}),
    }
    return render(request, "feedback/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _triage_manual(request, manual)
    stored = request.session.get(IMPORT_SESSION_KEY)
    form = ImportConfirmForm(request.POST)
    if (
        not stored
        or stored.get("manual") != manual
        or not form.is_valid()
        or form.cleaned_data["digest"] != stored["digest"]
    ):
        messages.error(request, "That preview is no longer current. Upload the file again.")
        return redirect("feedback:import", manual=manual)
    try:
        plan = services.feedback_import(manual=manual_obj, user=request.user, text=stored["text"])
    except FeedbackImportError as exc:
        return _import_page(request, manual_obj, ImportUploadForm(), str(exc), status=400)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        f"Imported {stored['name']}: {len(plan.rows)} added, {len(plan.already_imported)} already there, "
        f"{len(plan.rejected)} rejected.",
    )
    return redirect(_board_url(manual_obj))
