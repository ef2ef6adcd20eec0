"""Managing a manual: its title and statements, its sections, and the order of everything in it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors, services
from ..forms import ManualForm, NewManualForm, SectionForm
from ..importexport.starter import manual_create_from_starter
from ..models import Section
from ..permissions import can_decide_four_eyes_off, can_manage, can_withdraw_four_eyes_off, require


def _managed_manual(request: HttpRequest, manual: str):
    require(can_manage(request.user), "Only managers can change the manual.")
    return selectors.manual_get(manual, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def manual_create(request: HttpRequest) -> HttpResponse:
    require(can_manage(request.user), "Only managers can start a manual.")
    form = NewManualForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        from_starter = form.cleaned_data["start_with"] == NewManualForm.STARTER
        try:
            if from_starter:
                manual, report = manual_create_from_starter(user=request.user, data=data)
            else:
                manual = services.manual_save(manual=None, user=request.user, data=data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            if from_starter:
                _report_starter(request, created=len(report.created), data=data)
                return redirect(reverse("policies:manual_organise", kwargs={"manual": manual.slug}))
            messages.success(request, "Manual created. Add its sections, then write its first entries.")
            return redirect(reverse("policies:section_create", kwargs={"manual": manual.slug}))
    return render(request, "policies/manual_new.html", {"form": form})


def _report_starter(request: HttpRequest, *, created: int, data: dict) -> None:
    """Say what the starter template made, that readers see none of it until a manager opens the manual, and
    which statements are the template's."""
    messages.success(
        request,
        f"Manual created from the starter template: {created} draft entries to edit and submit for review. Fill "
        "in the [your …] placeholders in each. Readers cannot see the manual until a manager opens it.",
    )
    taken = [name for name in ("mission", "vision") if not data[name]]
    if taken:
        what, it = (
            ("mission and vision statements are", "them") if len(taken) > 1 else (f"{taken[0]} statement is", "it")
        )
        messages.warning(
            request,
            f"The {what} the template's, placeholders included: finish {it} in Manual settings before you open "
            "the manual to readers.",
        )


@login_required
@require_http_methods(["GET", "POST"])
def manual_settings(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = _managed_manual(request, manual)
    if request.method == "POST" and "open_to_readers" in request.POST:
        return _open_to_readers(request, manual_obj)
    form = ManualForm(request.POST or None, instance=selectors.manual_get(manual, user=request.user))
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        try:
            saved = services.manual_save(manual=manual_obj, user=request.user, data=data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            if not data["require_second_approver"] and saved.require_second_approver:
                messages.info(request, f"Manual saved. {FOUR_EYES_WAITS}: until one approves, it stays on.")
                return redirect(reverse("policies:manual_settings", kwargs={"manual": manual_obj.slug}))
            messages.success(request, "Manual saved.")
            return redirect(reverse("policies:manual_organise", kwargs={"manual": manual_obj.slug}))
    context = {
        "manual": manual_obj,
        "form": form,
        "four_eyes_waits": FOUR_EYES_WAITS,
        "can_decide_four_eyes_off": can_decide_four_eyes_off(request.user, manual_obj),
        "can_withdraw_four_eyes_off": can_withdraw_four_eyes_off(request.user, manual_obj),
    }
    return render(request, "policies/manual_settings.html", context)


def _open_to_readers(request: HttpRequest, manual_obj) -> HttpResponse:
    try:
        services.manual_open(manual=manual_obj, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The manual is open: agents and editors see it from now on.")
    return redirect(reverse("policies:manual_home", kwargs={"manual": manual_obj.slug}))


FOUR_EYES_WAITS = "Turning off four-eyes approval waits for another manager"
FOUR_EYES_DECISIONS = {
    "approve": (services.manual_four_eyes_off_approve, "Four-eyes approval is off: authors may approve their own "
                "drafts, and each such version says so."),
    "decline": (services.manual_four_eyes_off_decline, "Four-eyes approval stays on."),
}  # fmt: skip


@login_required
@require_POST
def manual_four_eyes(request: HttpRequest, manual: str) -> HttpResponse:
    """Approve, decline or withdraw a pending request to turn four-eyes approval off."""
    manual_obj = _managed_manual(request, manual)
    decision = FOUR_EYES_DECISIONS.get(request.POST.get("decision", ""))
    if decision is None:
        messages.error(request, "Choose to approve or decline turning off four-eyes approval.")
    else:
        service, done = decision
        try:
            service(manual=manual_obj, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
    return redirect(reverse("policies:manual_settings", kwargs={"manual": manual_obj.slug}))


def _moved(ids: list[int], pk: int, direction: str) -> list[int]:
    if pk not in ids:
        raise Http404("Not in this manual.")
    i = ids.index(pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    return ids


@login_required
@require_http_methods(["GET", "POST"])
def manual_organise(request: HttpRequest, manual: str) -> HttpResponse:
    """Sections and entries in order, with buttons to move them up, down or to another section."""
    manual_obj = _managed_manual(request, manual)
    outline = selectors.manual_outline(manual_obj)
    if request.method == "POST":
        direction = request.POST.get("direction", "")
        try:
            if "section" in request.POST and direction in ("up", "down"):
                ids = _moved([s.pk for s, _ in outline], int(request.POST["section"]), direction)
                services.sections_reorder(manual=manual_obj, user=request.user, section_ids=ids)
            elif "entry" in request.POST:
                pk = int(request.POST["entry"])
                section, entries = next(((s, es) for s, es in outline if any(e.pk == pk for e in es)), (None, None))
                if section is None:
                    raise Http404("Not in this manual.")
                target = request.POST.get("move_to")
                if target:
                    new_section = next((s for s, _ in outline if str(s.pk) == target), None)
                    if new_section is None:
                        raise ValidationError("Choose a section of this manual.")
                    entry = next(e for e in entries if e.pk == pk)
                    last = max((e.order for s, es in outline if s == new_section for e in es), default=0)
                    services.entry_move(entry=entry, user=request.user, section=new_section, order=last + 1)
                elif direction in ("up", "down"):
                    ids = _moved([e.pk for e in entries], pk, direction)
                    services.entries_reorder(section=section, user=request.user, entry_ids=ids)
        except (ValueError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(reverse("policies:manual_organise", kwargs={"manual": manual_obj.slug}))
    return render(request, "policies/manual_organise.html", {"manual": manual_obj, "outline": outline})


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, manual: str, section: str | None = None) -> HttpResponse:
    manual_obj = _managed_manual(request, manual)
    instance = None
    if section is not None:
        instance = Section.objects.filter(manual=manual_obj, slug=section).first()
        if instance is None:
            raise Http404("No such section.")
    form = SectionForm(request.POST or None, instance=instance, manual=manual_obj)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        if instance is None:
            data["order"] = max((s.order for s in manual_obj.sections.all()), default=0) + 1
        # The form validated a copy; the service compares against the stored row.
        stored = Section.objects.get(pk=instance.pk) if instance else None
        services.section_save(section=stored, manual=manual_obj, user=request.user, data=data)
        messages.success(request, "Section saved.")
        return redirect(reverse("policies:manual_organise", kwargs={"manual": manual_obj.slug}))
    return render(request, "policies/section_form.html", {"manual": manual_obj, "form": form, "section": instance})
