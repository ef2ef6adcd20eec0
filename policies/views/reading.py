"""Reading views. Thin: check access, call a selector, render.

Every reading page takes ``?as_of=YYYY-MM-DD`` (or a full ISO datetime) and then shows the published manual
as it stood at that time, with a banner saying so.
"""

import re
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from .. import pdfs, selectors
from ..models import PDFKind, PDFStatus, StoredPDF
from ..permissions import can_open_pdf, can_read_manual, require
from ..rendering import document
from ..rendering.markdown import resolve_entry_links


def bad_request(request: HttpRequest, message: str, manual=None) -> HttpResponse:
    return render(request, "policies/bad_request.html", {"message": message, "manual": manual}, status=400)


def _snapshot(request: HttpRequest, manual, *, bodies: bool) -> selectors.ManualSnapshot:
    """The live manual, or the manual as of ``?as_of=`` (ValidationError for a bad date)."""
    as_of = request.GET.get("as_of")
    if as_of:
        return selectors.manual_snapshot_as_of(manual, selectors.parse_as_of(as_of), bodies=bodies)
    return selectors.manual_snapshot(manual, bodies=bodies)


@require_GET
@login_required
def manual_list(request: HttpRequest) -> HttpResponse:
    return render(request, "policies/manual_list.html", {"manuals": selectors.manual_list(request.user)})


def reads_snapshot(*, bodies: bool):
    """For reading views: look up the manual and the snapshot to show (live, or ``?as_of=``), and answer a
    bad date with a 400 page that says what was wrong. ``bodies``: whether the page shows every entry's text
    (the print page) or only titles (the contents)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, manual: str, **kwargs) -> HttpResponse:
            manual_obj = selectors.manual_get(manual, user=request.user)
            try:
                snapshot = _snapshot(request, manual_obj, bodies=bodies)
            except ValidationError as exc:
                return bad_request(request, " ".join(exc.messages), manual_obj)
            return view(request, manual_obj, snapshot, **kwargs)

        return wrapper

    return decorate


@require_GET
@login_required
@reads_snapshot(bodies=False)
def manual_home(request: HttpRequest, manual, snapshot) -> HttpResponse:
    snapshot = snapshot.with_html(snapshot.page_urls(), bodies=False)
    return render(request, "policies/manual_home.html", {"manual": manual, "snapshot": snapshot})


@require_GET
@login_required
@reads_snapshot(bodies=False)
def entry_detail(request: HttpRequest, manual, snapshot, entry: str) -> HttpResponse:
    if snapshot.is_past:
        entry_obj, version = None, selectors.entry_as_of(snapshot, entry)
    else:
        try:
            entry_obj, version = selectors.live_entry(manual, entry)
        except Http404:
            moved = selectors.entry_redirect(manual, entry)
            if moved is None:
                raise
            return redirect(moved, permanent=True)
        if request.GET.get("ahead") and entry_obj.scheduled_version_id:
            version = entry_obj.scheduled_version  # read ahead: the version that takes effect later
    return render_entry(request, manual, snapshot, entry_obj, version)


def render_entry(request: HttpRequest, manual, snapshot, entry_obj, version, *, extra=None, status=200) -> HttpResponse:
    """An entry page: the version's text with its links pointing at the pages of the same view. Panels of other
    apps (acknowledging, suggesting a change) are composed by the template through their tags; ``extra`` is
    context for them (the answers given after a wrong try at the comprehension check)."""
    scheduled = entry_obj.scheduled_version if entry_obj is not None and entry_obj.scheduled_version_id else None
    return render(
        request,
        "policies/entry_detail.html",
        {"manual": manual, "snapshot": snapshot, "entry": entry_obj, "version": version,
         "version_html": resolve_entry_links(version.body_html, snapshot.page_urls()), "scheduled": scheduled,
         "ahead": scheduled is not None and version.pk == scheduled.pk, **(extra or {})},
        status=status,
    )  # fmt: skip


@require_GET
@login_required
@reads_snapshot(bodies=True)
def manual_print(request: HttpRequest, manual, snapshot) -> HttpResponse:
    suffix = f" (as of {selectors.format_as_of(snapshot.as_of)})" if snapshot.as_of else ""
    return HttpResponse(document.render_manual_html(snapshot, for_pdf=False, title_suffix=suffix))


@require_GET
@login_required
def manual_pdf(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = selectors.manual_get(manual, user=request.user)
    as_of = request.GET.get("as_of")
    if as_of:
        try:
            when = selectors.parse_as_of(as_of)
        except ValidationError as exc:
            return bad_request(request, " ".join(exc.messages), manual_obj)
        pdf = pdfs.pdf_request(
            manual=manual_obj, user=request.user, kind=PDFKind.AS_OF, params={"as_of": when.isoformat()}
        )
    else:
        pdf = pdfs.pdf_request(manual=manual_obj, user=request.user)
    return pdf_response(request, pdf)


def pdf_response(request: HttpRequest, pdf: StoredPDF) -> HttpResponse:
    """The PDF itself when it is ready, as a download; otherwise a page that shows its progress.

    The PDF links carry no ``download`` attribute because of that second case: a link marked ``download`` that
    is answered with the progress page would save the page as a file. ``Content-Disposition: attachment``
    downloads the finished PDF all the same, and the progress page's own link (only shown once the PDF is
    ready) does carry ``download``."""
    if pdf.status == PDFStatus.DONE and pdf.file:
        return FileResponse(
            pdf.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=pdf_filename(pdf)
        )
    return redirect(reverse("policies:pdf_status", kwargs={"manual": pdf.manual.slug, "pdf": pdf.pk}))


def pdf_filename(pdf: StoredPDF) -> str:
    """A name that says which manual and which text: ``customer-service-manual-2026-03-01.pdf`` for the live
    manual on the day it was made, ``...-edition-2026.1.pdf``, ``...-as-of-2026-01-31.pdf``, ``...-onboarding.pdf``."""
    name = slugify(pdf.manual.title) or pdf.manual.slug
    if pdf.kind == PDFKind.EDITION:
        return f"{name}-edition-{_safe_label(pdf.edition.label)}.pdf"
    if pdf.kind == PDFKind.AS_OF:
        return f"{name}-as-of-{pdf.params['as_of'][:10]}.pdf"
    if pdf.kind == PDFKind.ONBOARDING:
        return f"{name}-onboarding.pdf"
    made = pdf.finished_at or pdf.created_at
    return f"{name}-{timezone.localdate(made):%Y-%m-%d}.pdf" if made else f"{name}.pdf"


def _safe_label(label: str) -> str:
    """An edition label as part of a file name: dots kept (``2026.1``), anything else odd made a hyphen."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-.") or "edition"


def _stored_pdf(request: HttpRequest, manual: str, pdf: int) -> StoredPDF:
    stored = StoredPDF.objects.select_related("manual", "edition").filter(pk=pdf, manual__slug=manual).first()
    if stored is None or not can_read_manual(request.user, stored.manual):
        raise Http404("No such PDF.")
    require(can_open_pdf(request.user, stored), "This onboarding packet was made for someone else; ask for your own.")
    return stored


@require_GET
@login_required
def pdf_status(request: HttpRequest, manual: str, pdf: int) -> HttpResponse:
    """Progress of a PDF being made: a page that refreshes itself, or JSON for its script."""
    stored = _stored_pdf(request, manual, pdf)
    download = reverse("policies:pdf_download", kwargs={"manual": manual, "pdf": stored.pk})
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": stored.status,
                "progress": stored.progress,
                "stage": stored.stage,
                "error": stored.error,
                "download": download if stored.status == PDFStatus.DONE else None,
            }  # fmt: skip
        )
    return render(request, "policies/pdf_status.html", {"manual": stored.manual, "pdf": stored, "download": download})


@require_GET
@login_required
def pdf_download(request: HttpRequest, manual: str, pdf: int) -> HttpResponse:
    stored = _stored_pdf(request, manual, pdf)
    return pdf_response(request, stored)
