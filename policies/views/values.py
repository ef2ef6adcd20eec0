"""Shared values in the browser: the list with where each is used, defining one, proposing a change after seeing
every entry it affects, and reviewing it.

Editors see the values (to know the names they may write); managers define and change them; a reviewer other
than the change's author approves it where the manual asks for four eyes. Every view checks its permission
itself and hands the change to one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..forms import RequestChangesForm, ValueApproveForm, ValueChangeForm, ValueCreateForm
from ..models import Manual, SharedValue
from ..permissions import (
    can_approve,
    can_approve_value,
    can_manage_values,
    can_view_values,
    four_eyes_blocks,
    require,
)
from ..values import affected_entries, value_uses, value_versions


def _manual(request: HttpRequest, manual: str) -> Manual:
    require(can_view_values(request.user), "Only editors and managers can open the shared values.")
    return selectors.manual_get(manual)


def _value(manual: Manual, name: str) -> SharedValue:
    return get_object_or_404(
        SharedValue.objects.select_related("last_author", "submitted_by", "review_comment_by"), manual=manual, name=name
    )


def _detail_url(shared: SharedValue) -> str:
    return reverse("values:detail", kwargs={"manual": shared.manual.slug, "name": shared.name})


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        aliases = {"draft_value": "value", "draft_reason": "reason"}
        for field, errors in exc.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _error_text(exc))


@login_required
@require_GET
def value_list(request: HttpRequest, manual: str) -> HttpResponse:
    """The manual's values, each with its text, any change on its way and the entries that use it."""
    manual_obj = _manual(request, manual)
    uses = value_uses(manual_obj)
    rows = [
        {"value": shared, "uses": uses.get(shared.name, [])}
        for shared in SharedValue.objects.filter(manual=manual_obj).order_by("label", "name")
    ]
    known = {row["value"].name for row in rows}
    unknown = sorted(name for name in uses if name not in known)  # written before a value was removed, say
    return render(
        request,
        "policies/values.html",
        {
            "manual": manual_obj,
            "nav": "values",
            "rows": rows,
            "unknown": unknown,
            "can_manage_values": can_manage_values(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_create(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_manage_values(request.user), "Only managers can define shared values.")
    manual_obj = _manual(request, manual)
    form = ValueCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shared = services.value_create(manual=manual_obj, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Entries can now write {shared.token} to show “{shared.value}”.")
            return redirect(_detail_url(shared))
    return render(
        request,
        "policies/value_form.html",
        {"manual": manual_obj, "nav": "values", "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def value_detail(request: HttpRequest, manual: str, name: str) -> HttpResponse:
    """A value: its text, where it is used, its past versions, and a proposed change with every entry it affects,
    where a reviewer approves it or sends it back."""
    manual_obj = _manual(request, manual)
    return _render_detail(request, _value(manual_obj, name))


def _render_detail(request: HttpRequest, shared: SharedValue, *, approve_form=None, changes_form=None, status=200):
    affected = affected_entries(shared, new_value=shared.draft_value) if shared.has_draft else []
    return render(
        request,
        "policies/value_detail.html",
        {
            "manual": shared.manual,
            "nav": "values",
            "shared": shared,
            "uses": value_uses(shared.manual).get(shared.name, []),
            "versions": value_versions(shared),
            "affected": affected,
            "publishes": sum(1 for a in affected if a.publishes),
            "can_manage_values": can_manage_values(request.user),
            "can_approve_this": can_approve_value(request.user, shared),
            "four_eyes": can_approve(request.user) and four_eyes_blocks(request.user, shared),
            "approve_form": approve_form
            or ValueApproveForm(
                initial={
                    "reviewed_lock_version": shared.lock_version,
                    "is_material": "yes" if shared.draft_is_material else "no",
                }
            ),
            "changes_form": changes_form or RequestChangesForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_change(request: HttpRequest, manual: str, name: str) -> HttpResponse:
    """Propose a new text: the form, then a preview of every entry it affects, then save or submit."""
    require(can_manage_values(request.user), "Only managers can change shared values.")
    shared = _value(_manual(request, manual), name)
    affected = None
    if request.method == "POST":
        form = ValueChangeForm(request.POST, current=shared.value)
        action = request.POST.get("action")
        if form.is_valid() and action in ("save", "submit"):
            if _save_change(request, shared, form, submit=action == "submit"):
                return redirect(_detail_url(shared))
        if "value" in form.cleaned_data:  # a preview, or a refusal shown beside the entries it is about
            affected = affected_entries(shared, new_value=form.cleaned_data["value"])
    else:
        initial = {"lock_version": shared.lock_version, "value": shared.value, "is_material": "yes"}
        if shared.has_draft:
            initial |= {
                "value": shared.draft_value,
                "reason": shared.draft_reason,
                "is_material": "yes" if shared.draft_is_material else "no",
            }
        form = ValueChangeForm(initial=initial, current=shared.value)
    return render(
        request,
        "policies/value_change.html",
        {
            "manual": shared.manual,
            "nav": "values",
            "shared": shared,
            "form": form,
            "affected": affected,
            "publishes": sum(1 for a in affected or [] if a.publishes),
        },
        status=400 if form.errors else 200,
    )


def _save_change(request: HttpRequest, shared: SharedValue, form: ValueChangeForm, *, submit: bool) -> bool:
    data = form.cleaned_data
    if submit and not data["reason"].strip():
        form.add_error("reason", "Say what changed and why: every entry’s new version carries it.")
        return False
    try:
        services.value_save_draft(
            shared_value=shared,
            user=request.user,
            value=data["value"],
            reason=data["reason"],
            is_material=form.material,
            base_lock_version=data["lock_version"],
        )
        if submit:
            services.value_submit(shared_value=shared, user=request.user)
    except ValidationError as exc:
        _form_errors(form, exc)
        return False
    if submit:
        messages.success(request, "Sent for review. Another manager approves it, and then every entry using it.")
    else:
        messages.success(request, "Change saved as a draft. Readers keep the current value.")
    return True


@login_required
@require_POST
def value_approve(request: HttpRequest, manual: str, name: str) -> HttpResponse:
    require(can_approve(request.user), "Only managers can approve and publish.")
    shared = _value(_manual(request, manual), name)
    form = ValueApproveForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, shared, approve_form=form, status=400)
    try:
        version = services.value_approve(
            shared_value=shared,
            user=request.user,
            reviewed_lock_version=form.cleaned_data["reviewed_lock_version"],
            is_material=form.cleaned_data["is_material"] == "yes",
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_detail_url(shared))
    count = version.entry_versions.count()
    messages.success(
        request,
        f"Published: {shared.label} is now “{version.value}”"
        + (f", and {count} entr{'y has' if count == 1 else 'ies have'} a new version." if count else "."),
    )
    return redirect(_detail_url(shared))


@login_required
@require_POST
def value_request_changes(request: HttpRequest, manual: str, name: str) -> HttpResponse:
    require(can_approve(request.user), "Only managers can review shared values.")
    shared = _value(_manual(request, manual), name)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, shared, changes_form=form, status=400)
    try:
        services.value_request_changes(shared_value=shared, user=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Sent back to the author with your comment.")
    return redirect(_detail_url(shared))


@login_required
@require_POST
def value_withdraw(request: HttpRequest, manual: str, name: str) -> HttpResponse:
    require(can_manage_values(request.user), "Only managers can change shared values.")
    shared = _value(_manual(request, manual), name)
    try:
        services.value_withdraw(shared_value=shared, user=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "The proposed change is withdrawn; the value stays as it is.")
    return redirect(_detail_url(shared))
