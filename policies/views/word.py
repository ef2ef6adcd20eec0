"""Word files in and out: importing .docx files as draft entries (upload, preview, confirm), and the published
manual or one entry as a .docx download."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import links, selectors
from ..forms import WordImportForm
from ..importexport import ManualImportError, word_export, word_import
from ..models import Section
from ..permissions import can_import_word, require
from ..rendering.markdown import render_markdown

SESSION_KEY = "word_import"


def _importer_manual(request: HttpRequest, manual: str):
    require(can_import_word(request.user), "Only editors and managers can import Word files.")
    return selectors.manual_get(manual, user=request.user)


def _upload_form(manual, data=None, files=None) -> WordImportForm:
    return WordImportForm(
        data,
        files,
        manual=manual,
        max_files=word_import.MAX_FILES,
        max_megabytes=word_import.MAX_FILE_BYTES // 1024 // 1024,
    )


def _upload_page(request: HttpRequest, manual, form, problems=(), status: int = 200) -> HttpResponse:
    context = {"manual": manual, "nav": "new", "form": form, "problems": list(problems)}
    return render(request, "policies/word_import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def word_import_upload(request: HttpRequest, manual: str) -> HttpResponse:
    """Upload .docx files and see what they will become; the converted text waits in the session."""
    manual_obj = _importer_manual(request, manual)
    form = _upload_form(manual_obj, request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _upload_page(request, manual_obj, form)
    if not form.is_valid():
        return _upload_page(request, manual_obj, form, status=400)
    try:
        plans = word_import.word_import_plan(manual=manual_obj, files=form.cleaned_data["files"])
    except ManualImportError as exc:
        return _upload_page(request, manual_obj, form, exc.problems, status=400)
    token = secrets.token_urlsafe(16)
    section, kind = form.cleaned_data["section"], form.cleaned_data["kind"]
    request.session[SESSION_KEY] = {
        "manual": manual_obj.slug, "token": token, "section": section.pk, "kind": kind,
        "entries": [plan.as_dict() for plan in plans],
    }  # fmt: skip
    for plan in plans:
        plan.html = render_markdown(plan.body)  # sanitised, as the draft's preview will be
    context = {
        "manual": manual_obj,
        "nav": "new",
        "plans": plans,
        "section": section,
        "kind_label": dict(form.fields["kind"].choices)[kind],
        "token": token,
    }
    return render(request, "policies/word_import_preview.html", context)


@login_required
@require_POST
def word_import_confirm(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _importer_manual(request, manual)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("manual") != manual_obj.slug or request.POST.get("token") != stored.get("token"):
        messages.error(request, "That preview is no longer current. Upload the files again.")
        return redirect("policies:word_import", manual=manual_obj.slug)
    section = Section.objects.filter(manual=manual_obj, pk=stored["section"]).first()
    if section is None:
        messages.error(request, "The section chosen for these entries no longer exists. Upload the files again.")
        return redirect("policies:word_import", manual=manual_obj.slug)
    try:
        plans = [word_import.WordEntryPlan(**data) for data in stored["entries"]]
    except TypeError:  # a preview stored by an older version of the app
        messages.error(request, "That preview is no longer current. Upload the files again.")
        return redirect("policies:word_import", manual=manual_obj.slug)
    try:
        entries = word_import.word_import(
            manual=manual_obj, user=request.user, section=section, kind=stored["kind"], plans=plans
        )
    except ManualImportError as exc:
        return _upload_page(request, manual_obj, _upload_form(manual_obj), exc.problems, status=400)
    del request.session[SESSION_KEY]
    if len(entries) == 1:
        messages.success(request, f"Imported {plans[0].file} as a draft. Readers will not see it until it is approved.")
        return redirect("policies:entry_edit", manual=manual_obj.slug, entry=entries[0].slug)
    messages.success(
        request,
        f"Imported {len(entries)} Word files as drafts: {', '.join(e.title for e in entries)}. "
        "Readers will not see them until they are approved.",
    )
    return redirect("policies:review_queue", manual=manual_obj.slug)


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=word_export.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def manual_docx(request: HttpRequest, manual: str) -> HttpResponse:
    """The published manual as one Word document: never a draft, as the print page and the PDF."""
    manual_obj = selectors.manual_get(manual, user=request.user)
    data = word_export.manual_docx(selectors.manual_snapshot(manual_obj))
    name = slugify(manual_obj.title) or manual_obj.slug
    return _docx_response(data, f"{name}-{timezone.localdate():%Y-%m-%d}.docx")


@require_GET
@login_required
def entry_docx(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    """One entry's published version as a Word document; links to other entries lead to their pages."""
    manual_obj = selectors.manual_get(manual, user=request.user)
    entry_obj, version = selectors.live_entry(manual_obj, entry)
    urls = {key: request.build_absolute_uri(url) for key, url in links.entry_link_urls(manual_obj).items()}
    data = word_export.entry_docx(manual_obj, version, urls)
    return _docx_response(data, f"{entry_obj.slug}-version-{version.number}.docx")
