"""Writing, reviewing and publishing entries in the browser.

Every view checks the permission itself (an agent who opens an editing address gets 403) and hands the
change to one service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..diffing import word_diff
from ..forms import ApproveForm, EntryForm, RequestChangesForm, RetireForm
from ..models import Entry, EntryStatus
from ..permissions import can_approve, can_edit, can_retire, require
from ..rendering.markdown import render_markdown, resolve_entry_links


def _editor_entry(request: HttpRequest, manual: str, entry: str) -> Entry:
    require(can_edit(request.user), "Only editors and managers can open this page.")
    return selectors.entry_for_editor(selectors.manual_get(manual), entry)


def _edit_url(entry: Entry) -> str:
    return reverse("policies:entry_edit", kwargs={"manual": entry.manual.slug, "entry": entry.slug})


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_edit(request.user), "Only editors and managers can write entries.")
    manual_obj = selectors.manual_get(manual)
    form = EntryForm(request.POST or None, manual=manual_obj, initial={"section": request.GET.get("section")})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_save_draft(entry=None, manual=manual_obj, user=request.user, data=form.content())
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            if request.POST.get("action") == "submit":
                services.entry_submit(entry=entry, user=request.user)
                messages.success(request, "Draft saved and sent for review.")
            else:
                messages.success(request, "Draft saved. Readers will not see it until it is approved.")
            return redirect(_edit_url(entry))
    return render(request, "policies/entry_form.html", {"manual": manual_obj, "form": form, "entry": None})


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    entry_obj = _editor_entry(request, manual, entry)
    conflict = None
    if request.method == "POST":
        form = EntryForm(request.POST, manual=entry_obj.manual, entry=entry_obj)
        if form.is_valid():
            try:
                saved = services.entry_save_draft(
                    entry=entry_obj,
                    manual=entry_obj.manual,
                    user=request.user,
                    data=form.content(),
                    # A form that does not say which version it started from is treated as stale, never as fresh.
                    base_lock_version=form.cleaned_data["lock_version"] or 0,
                )
                if request.POST.get("action") == "submit":
                    saved = services.entry_submit(entry=saved, user=request.user)
            except services.EditConflict as exc:
                conflict = _conflict_context(exc)
                # Keep what this person typed; the next save is a deliberate choice made after seeing the other change.
                data = request.POST.copy()
                data["lock_version"] = str(exc.entry.lock_version)
                form = EntryForm(data, manual=entry_obj.manual, entry=exc.entry)
                form.is_valid()
                entry_obj = exc.entry
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                if request.POST.get("action") == "submit":
                    messages.success(request, "Sent for review. A manager will approve it or ask for changes.")
                else:
                    messages.success(request, "Draft saved.")
                return redirect(_edit_url(saved))
    else:
        form = EntryForm(initial=EntryForm.initial_for(entry_obj), manual=entry_obj.manual, entry=entry_obj)
    return render(
        request,
        "policies/entry_form.html",
        {
            "manual": entry_obj.manual,
            "entry": entry_obj,
            "form": form,
            "conflict": conflict,
            "approve_form": ApproveForm(),
            "changes_form": RequestChangesForm(),
            "retire_form": RetireForm(),
            "can_approve_this": _can_approve_this(request.user, entry_obj),
            "preview_html": entry_obj.body_html,
        },
        status=409 if conflict else 200,
    )


def _can_approve_this(user, entry: Entry) -> bool:
    if not can_approve(user) or entry.status != EntryStatus.IN_REVIEW:
        return False
    return not (entry.manual.require_second_approver and entry.last_author_id == user.pk)


def _conflict_context(exc: services.EditConflict) -> dict:
    changes = []
    for field, (then, now) in exc.their_changes.items():
        label = EntryForm.base_fields[field].label if field in EntryForm.base_fields else field
        changes.append(
            {"field": label or field.replace("_", " ").capitalize(), "diff": word_diff(str(then or ""), str(now or ""))}
        )
    last = exc.entry.history.select_related("history_user").first()
    return {"who": last.history_user if last else None, "when": last.history_date if last else None, "changes": changes}


@login_required
@require_POST
def entry_submit(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    entry_obj = _editor_entry(request, manual, entry)
    try:
        services.entry_submit(entry=entry_obj, user=request.user)
        messages.success(request, "Sent for review.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_edit_url(entry_obj))


@login_required
@require_POST
def entry_approve(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    require(can_approve(request.user), "Only managers can approve and publish.")
    entry_obj = _editor_entry(request, manual, entry)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Approval needs a summary of what changed and why.")
        return redirect(_edit_url(entry_obj))
    try:
        version = services.entry_approve(
            entry=entry_obj,
            user=request.user,
            change_summary=form.cleaned_data["change_summary"],
            is_material=form.cleaned_data["is_material"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_edit_url(entry_obj))
    messages.success(request, f"Published as version {version.number}. Readers now see it.")
    return redirect(entry_obj.get_absolute_url())


@login_required
@require_POST
def entry_request_changes(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    require(can_approve(request.user), "Only managers can review entries.")
    entry_obj = _editor_entry(request, manual, entry)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what needs to change.")
        return redirect(_edit_url(entry_obj))
    try:
        services.entry_request_changes(entry=entry_obj, user=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, "Sent back to the author with your comment.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("policies:review_queue", kwargs={"manual": entry_obj.manual.slug}))


@login_required
@require_POST
def entry_retire(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    require(can_retire(request.user), "Only managers can retire entries.")
    entry_obj = _editor_entry(request, manual, entry)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the entry is retired.")
        return redirect(_edit_url(entry_obj))
    try:
        services.entry_retire(entry=entry_obj, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "Retired. Readers no longer see it; its history is kept.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_edit_url(entry_obj))


@login_required
@require_POST
def entry_restore(request: HttpRequest, manual: str, entry: str, number: int) -> HttpResponse:
    entry_obj = _editor_entry(request, manual, entry)
    version = selectors.entry_version(entry_obj, number)
    try:
        services.entry_restore(entry=entry_obj, version=version, user=request.user)
        messages.success(request, f"Version {number} is now the draft. Review it and submit it when ready.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_edit_url(entry_obj))


@login_required
@require_GET
def entry_history(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    entry_obj = _editor_entry(request, manual, entry)
    return render(
        request,
        "policies/entry_history.html",
        {
            "manual": entry_obj.manual,
            "entry": entry_obj,
            "timeline": selectors.entry_timeline(entry_obj),
            "versions": selectors.entry_versions(entry_obj),
        },
    )


@login_required
@require_GET
def entry_diff(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    """Compare two versions (``?from=1&to=3``); ``draft`` names the working copy, ``live`` the live version."""
    entry_obj = _editor_entry(request, manual, entry)
    versions = selectors.entry_versions(entry_obj)

    def side(value: str | None, default: str):
        value = (value or default).strip()
        if value == "draft":
            return "Current draft", entry_obj
        if value == "live":
            if entry_obj.live_version is None:
                raise ValidationError("This entry has never been published.")
            return f"Version {entry_obj.live_version.number} (live)", entry_obj.live_version
        try:
            number = int(value)
        except ValueError:
            raise ValidationError(f"“{value}” is not a version number; use a number, “live” or “draft”.") from None
        return f"Version {number}", selectors.entry_version(entry_obj, number)

    default_from = "live" if entry_obj.live_version else "draft"
    try:
        old_label, old = side(request.GET.get("from"), default_from)
        new_label, new = side(request.GET.get("to"), "draft")
    except ValidationError as exc:
        return render(
            request,
            "policies/entry_diff.html",
            {"manual": entry_obj.manual, "entry": entry_obj, "versions": versions, "error": _error_text(exc)},
            status=400,
        )
    fields = [("Title", "title"), ("Summary", "summary"), ("Owner", "owner"), ("Body", "body")]
    rows = [
        {
            "label": label,
            "diff": word_diff(getattr(old, name) or "", getattr(new, name) or ""),
            "changed": getattr(old, name) != getattr(new, name),
        }
        for label, name in fields
    ]
    return render(
        request,
        "policies/entry_diff.html",
        {
            "manual": entry_obj.manual,
            "entry": entry_obj,
            "versions": versions,
            "rows": rows,
            "unchanged": [row["label"] for row in rows if not row["changed"]],
            "changed_any": any(row["changed"] for row in rows),
            "old_label": old_label,
            "new_label": new_label,
            "from_value": request.GET.get("from", default_from),
            "to_value": request.GET.get("to", "draft"),
        },  # fmt: skip
    )


@login_required
@require_GET
def review_queue(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_edit(request.user), "Only editors and managers can open the review queue.")
    manual_obj = selectors.manual_get(manual)
    return render(request, "policies/review_queue.html", {"manual": manual_obj, **selectors.review_queue(manual_obj)})


@login_required
@require_POST
def markdown_preview(request: HttpRequest, manual: str) -> JsonResponse:
    """The live preview beside the editor: the same rendering readers will get."""
    require(can_edit(request.user), "Only editors and managers can preview.")
    manual_obj = selectors.manual_get(manual)
    text = request.POST.get("body", "")
    if len(text) > 200_000:
        return JsonResponse({"error": "The text is too long to preview (200,000 characters at most)."}, status=400)
    html = render_markdown(text, link_map=services.manual_link_map(manual_obj))
    return JsonResponse(
        {"html": resolve_entry_links(html, selectors.entry_link_urls(manual_obj)), "broken_links": html.broken_links}
    )
