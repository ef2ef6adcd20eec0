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
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import contributions, links, selectors, services
from ..diffing import rendered_diff, source_diff, word_diff
from ..forms import (
    ApproveForm,
    DeleteDraftForm,
    EntryForm,
    QuestionForm,
    QuestionFormSet,
    ReinstateForm,
    RequestChangesForm,
    RetireForm,
)
from ..materiality import material_suggestion
from ..models import Entry
from ..models.parts import scripts_text, targets_text
from ..permissions import (
    can_approve,
    can_approve_entry,
    can_decide_four_eyes_off,
    can_delete_draft,
    can_edit,
    can_manage,
    can_retire,
    four_eyes_blocks,
    require,
)
from ..rendering.markdown import reader_renderer, render_markdown, resolve_entry_links
from ..scheduling import is_scheduled
from ..values import manual_values, values_in_review


def _editor_entry(request: HttpRequest, manual: str, entry: str) -> Entry:
    require(can_edit(request.user), "Only editors and managers can open this page.")
    return selectors.entry_for_editor(selectors.manual_get(manual, user=request.user), entry)


def _edit_url(entry: Entry) -> str:
    return reverse("policies:entry_edit", kwargs={"manual": entry.manual.slug, "entry": entry.slug})


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_edit(request.user), "Only editors and managers can write entries.")
    manual_obj = selectors.manual_get(manual, user=request.user)
    # Links may say where the new entry goes and what kind it is (the health check's "write the refund policy").
    initial = {"section": request.GET.get("section"), "kind": request.GET.get("kind") or "policy"}
    form = EntryForm(request.POST or None, manual=manual_obj, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_save_draft(
                entry=None,
                manual=manual_obj,
                user=request.user,
                data=form.content(),
                note=form.cleaned_data["submission_note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if request.POST.get("action") != "submit":
                messages.success(request, "Draft saved. Readers will not see it until it is approved.")
            elif not _submit(request, entry, form.cleaned_data["submission_note"]):
                messages.info(request, "The draft is saved; correct it and submit again.")
            return redirect(_edit_url(entry))
    return render(request, "policies/entry_form.html", {"manual": manual_obj, "form": form, "entry": None})


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's refusal on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _error_text(exc))


def _submit(request: HttpRequest, entry: Entry, note: str) -> bool:
    try:
        services.entry_submit(entry=entry, user=request.user, summary=note)
    except ValidationError as exc:
        messages.error(request, "Not sent for review: " + _error_text(exc))
        return False
    messages.success(request, "Sent for review. A manager will approve it or ask for changes.")
    return True


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
                    # The note box is not shown for a retired entry; its absence is not an emptied note.
                    note=form.cleaned_data["submission_note"] if "submission_note" in request.POST else None,
                )
            except services.EditConflict as exc:
                conflict = _conflict_context(exc)
                # Keep what this person typed; the next save is a deliberate choice made after seeing the other change.
                data = request.POST.copy()
                data["lock_version"] = str(exc.entry.lock_version)
                form = EntryForm(data, manual=entry_obj.manual, entry=exc.entry)
                form.is_valid()
                entry_obj = exc.entry
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                if request.POST.get("action") == "submit":
                    _submit(request, saved, form.cleaned_data["submission_note"])
                elif saved.lock_version == entry_obj.lock_version:
                    if saved.submission_note != entry_obj.submission_note:
                        messages.success(request, "Note for the reviewer saved.")
                    else:
                        messages.info(request, "Nothing changed, so nothing was saved.")
                else:
                    messages.success(request, "Draft saved.")
                return redirect(_edit_url(saved))
    else:
        initial = {**EntryForm.initial_for(entry_obj), "submission_note": entry_obj.submission_note}
        form = EntryForm(initial=initial, manual=entry_obj.manual, entry=entry_obj)
    return render(
        request,
        "policies/entry_form.html",
        {
            "manual": entry_obj.manual,
            "entry": entry_obj,
            "form": form,
            "conflict": conflict,
            "can_approve_this": can_approve_entry(request.user, entry_obj),
            "can_delete_this": can_delete_draft(request.user, entry_obj),
            "preview_html": entry_obj.body_html,
        },
        status=409 if conflict else 200,
    )


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
    _submit(request, entry_obj, request.POST.get("submission_note", ""))
    return redirect(_edit_url(entry_obj))


def _review_url(entry: Entry) -> str:
    return reverse("policies:entry_review", kwargs={"manual": entry.manual.slug, "entry": entry.slug})


def _render_review(request: HttpRequest, entry: Entry, *, approve_form=None, changes_form=None, stale=None, status=200):
    urls = links.entry_link_urls(entry.manual)
    old = entry.live_version.body if entry.live_version else ""
    values = manual_values(entry.manual)

    render_for_reader = reader_renderer(link_map=services.manual_link_map(entry.manual), urls=urls, values=values)
    fields = [("Title", "title"), ("Summary", "summary"), ("Owner", "owner_label")]
    other_changes = [
        {"label": label, "diff": word_diff(getattr(entry.live_version, name, "") or "", getattr(entry, name) or "")}
        for label, name in fields
        if entry.live_version is None or getattr(entry.live_version, name) != getattr(entry, name)
    ]
    old_questions = entry.live_version.questions if entry.live_version else []
    if old_questions != entry.questions:
        other_changes.append(
            {
                "label": "Comprehension check",
                "diff": word_diff(_questions_text(old_questions), _questions_text(entry.questions)),
            }
        )
    for label, name, as_text in (("Targets", "targets", targets_text), ("Scripts", "scripts", scripts_text)):
        old_parts = getattr(entry.live_version, name) if entry.live_version else []
        if old_parts != getattr(entry, name):
            other_changes.append({"label": label, "diff": word_diff(as_text(old_parts), as_text(getattr(entry, name)))})
    summary_default = entry.submission_note
    suggestion = material_suggestion(entry)
    approve_form = approve_form or ApproveForm(
        initial={
            "reviewed_lock_version": entry.lock_version,
            "change_summary": summary_default,
            "is_material": suggestion.material,
        }
    )
    approve_form.fields["is_material"].help_text = suggestion.text
    return render(
        request,
        "policies/entry_review.html",
        {
            "manual": entry.manual,
            "entry": entry,
            "rendered": rendered_diff(old, entry.body, render=render_for_reader),
            "source": source_diff(old, entry.body),
            "other_changes": other_changes,
            "body_changed": old != entry.body,
            "broken_links": services.entry_broken_links(entry),
            "can_approve_this": can_approve_entry(request.user, entry),
            "four_eyes": can_approve(request.user) and four_eyes_blocks(request.user, entry),
            "approve_form": approve_form,
            "changes_form": changes_form or RequestChangesForm(),
            "stale": stale,
            "takes_effect_on": entry.effective_date if is_scheduled(entry.effective_date) else None,
            "approval_parts": [part for part in contributions.approval_form.collect(entry=entry) if part],
        },
        status=status,
    )


def _questions_text(questions: list[dict]) -> str:
    lines = []
    for number, q in enumerate(questions, start=1):
        lines.append(f"{number}. {q['prompt']}")
        lines += [f"   {'✓' if i == q['answer'] else '·'} {text}" for i, text in enumerate(q["choices"])]
    return "\n".join(lines)


@login_required
@require_GET
def entry_review(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    """The change against the live version, the author's note, and the reviewer's decision beside it."""
    return _render_review(request, _editor_entry(request, manual, entry))


def _approved_message(version) -> str:
    if version.takes_effect_at and version.takes_effect_at > timezone.now():
        day = date_format(timezone.localdate(version.takes_effect_at), "j F Y")
        return f"Approved as version {version.number}. Readers will see it from {day}."
    return f"Published as version {version.number}. Readers now see it."


@login_required
@require_POST
def entry_approve(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    require(can_approve(request.user), "Only managers can approve and publish.")
    entry_obj = _editor_entry(request, manual, entry)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _render_review(request, entry_obj, approve_form=form, status=400)
    reviewed = form.cleaned_data["reviewed_lock_version"]
    try:
        version = services.entry_approve(
            entry=entry_obj,
            user=request.user,
            change_summary=form.cleaned_data["change_summary"],
            is_material=form.cleaned_data["is_material"],
            reviewed_lock_version=reviewed,
            answers=[int(pk) for pk in request.POST.getlist("feedback") if pk.isdigit()],
        )
    except services.TransitionError as exc:
        if exc.code != "stale_review":
            messages.error(request, _error_text(exc))
            return redirect(_review_url(entry_obj))
        # Show what changed since the reviewer opened it; the form now carries the new text's version.
        stale = _conflict_context(services.EditConflict(entry_obj, services.entry_changes_since(entry_obj, reviewed)))
        stale["message"] = _error_text(exc)
        fresh = ApproveForm(initial={**form.cleaned_data, "reviewed_lock_version": entry_obj.lock_version})
        return _render_review(request, entry_obj, approve_form=fresh, stale=stale, status=409)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_review_url(entry_obj))
    messages.success(request, _approved_message(version))
    for line in contributions.approved.collect(entry=entry_obj, version=version):
        if line:
            messages.info(request, line)
    return redirect(entry_obj.get_absolute_url())


@login_required
@require_POST
def entry_request_changes(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    require(can_approve(request.user), "Only managers can review entries.")
    entry_obj = _editor_entry(request, manual, entry)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        return _render_review(request, entry_obj, changes_form=form, status=400)
    try:
        services.entry_request_changes(entry=entry_obj, user=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, "Sent back to the author with your comment.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_review_url(entry_obj))
    return redirect(reverse("policies:review_queue", kwargs={"manual": entry_obj.manual.slug}))


@login_required
@require_http_methods(["GET", "POST"])
def entry_retire(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    """Retiring asks for a reason and a confirmation on a page of its own."""
    require(can_retire(request.user), "Only managers can retire entries.")
    entry_obj = _editor_entry(request, manual, entry)
    form = RetireForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_retire(entry=entry_obj, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, "Retired. Readers no longer see it; its history is kept and it can be reinstated."
            )
            return redirect(_edit_url(entry_obj))
    return render(
        request,
        "policies/entry_retire.html",
        {"manual": entry_obj.manual, "entry": entry_obj, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def entry_reinstate(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    require(can_retire(request.user), "Only managers can reinstate entries.")
    entry_obj = _editor_entry(request, manual, entry)
    form = ReinstateForm(request.POST)
    form.is_valid()
    try:
        services.entry_reinstate(entry=entry_obj, user=request.user, reason=form.cleaned_data.get("reason", ""))
        messages.success(request, "Reinstated as a draft. Readers see it again once it is reviewed and approved.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_edit_url(entry_obj))


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    """Delete a draft that was never published, after a confirmation."""
    entry_obj = _editor_entry(request, manual, entry)
    require(can_delete_draft(request.user, entry_obj), "Only the draft's author or a manager can delete it.")
    form = DeleteDraftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_delete_draft(entry=entry_obj, user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"The draft “{entry_obj.title}” was deleted.")
            return redirect(reverse("policies:review_queue", kwargs={"manual": entry_obj.manual.slug}))
    return render(
        request,
        "policies/entry_delete.html",
        {"manual": entry_obj.manual, "entry": entry_obj, "form": form},
        status=400 if form.errors else 200,
    )


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
    fields = [("Title", "title"), ("Summary", "summary"), ("Owner", "owner_label"), ("Body", "body")]
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
    manual_obj = selectors.manual_get(manual, user=request.user)
    return render(
        request,
        "policies/review_queue.html",
        {
            "manual": manual_obj,
            **selectors.review_queue(manual_obj),
            "values_in_review": values_in_review(manual_obj),
            "can_decide_four_eyes_off": can_decide_four_eyes_off(request.user, manual_obj),
        },
    )


@login_required
@require_POST
def markdown_preview(request: HttpRequest, manual: str) -> JsonResponse:
    """The live preview beside the editor: the same rendering readers will get."""
    require(can_edit(request.user), "Only editors and managers can preview.")
    manual_obj = selectors.manual_get(manual, user=request.user)
    text = request.POST.get("body", "")
    if len(text) > 200_000:
        return JsonResponse({"error": "The text is too long to preview (200,000 characters at most)."}, status=400)
    html = render_markdown(text, link_map=services.manual_link_map(manual_obj), values=manual_values(manual_obj))
    return JsonResponse(
        {
            "html": resolve_entry_links(html, links.entry_link_urls(manual_obj)),
            "broken_links": html.broken_links,
            "bad_addresses": html.bad_addresses,
            "unknown_values": html.unknown_values,
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_questions(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    """A manager attaches a few multiple-choice questions; they are versioned with the entry, so a change to
    them is a draft that goes through review like any other."""
    require(can_manage(request.user), "Only managers can change an entry's comprehension check.")
    entry_obj = _editor_entry(request, manual, entry)
    initial = [QuestionForm.initial_for(q) for q in entry_obj.questions]
    blank = 1 if len(initial) < 10 else 0
    if request.method == "POST":
        formset = QuestionFormSet(request.POST, initial=initial, prefix="q")
        lock = request.POST.get("lock_version", "")
        if formset.is_valid():
            questions = [q for q in (form.question() for form in formset) if q]
            try:
                services.entry_save_draft(
                    entry=entry_obj, manual=entry_obj.manual, user=request.user, data={"questions": questions},
                    base_lock_version=int(lock) if lock.isdigit() else 0, reason="Changed the comprehension check",
                )  # fmt: skip
            except services.EditConflict:
                messages.error(request, "Someone saved this entry while you were editing. Here are the questions now.")
                return redirect(reverse("policies:entry_questions", kwargs={"manual": manual, "entry": entry}))
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(request, "Questions saved in the draft. Submit it for review to publish them.")
                return redirect(_edit_url(entry_obj))
    else:
        formset = QuestionFormSet(initial=initial + [{}] * blank, prefix="q")
    return render(
        request,
        "policies/entry_questions.html",
        {"manual": entry_obj.manual, "entry": entry_obj, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )
