"""Editions, comparisons between two points of the manual's life, and onboarding packets (signing one is an
acknowledgement: ``acknowledgements.views.onboarding_sign``)."""

from dataclasses import replace

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import pdfs, selectors, services
from ..diffing import rendered_diff
from ..models import PDFKind
from ..models.edition import validate_edition_label
from ..permissions import can_make_packet_for, can_release_edition, require
from ..rendering import document
from ..rendering.markdown import reader_renderer
from ..services import manual_link_map
from .reading import bad_request, pdf_response, render_entry


class ReleaseForm(forms.Form):
    label = forms.CharField(label="Edition number", max_length=31, validators=[validate_edition_label],
                            help_text="For example 2026.2. It appears on the PDF's cover and footer.")  # fmt: skip
    release_notes = forms.CharField(
        label="Release notes", widget=forms.Textarea(attrs={"rows": 14}), required=False,
        help_text="Generated from what changed since the previous edition; edit them as you like (Markdown).",
    )  # fmt: skip


class OnboardingForm(forms.Form):
    person = forms.ModelChoiceField(
        label="New hire",
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
        required=False,
        empty_label="Not named (a blank line to fill in)",
        help_text="Named on the cover and the sign-off page; they can open the packet and sign it in the app.",
    )
    role = forms.CharField(label="Role of the new hire", max_length=100, help_text="For example: Chat agent")
    sections = forms.MultipleChoiceField(label="Sections to include", widget=forms.CheckboxSelectMultiple)


@require_GET
@login_required
def edition_list(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = selectors.manual_get(manual, user=request.user)
    return render(
        request, "policies/edition_list.html", {"manual": manual_obj, "editions": selectors.edition_list(manual_obj)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edition_release(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_release_edition(request.user), "Only managers can release editions.")
    manual_obj = selectors.manual_get(manual, user=request.user)
    if request.method == "POST":
        form = ReleaseForm(request.POST)
        if form.is_valid():
            try:
                edition = services.edition_release(
                    manual=manual_obj, user=request.user, label=form.cleaned_data["label"],
                    release_notes=form.cleaned_data["release_notes"],
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, f"Edition {edition.label} released. It will not change from now on.")
                return redirect(edition.get_absolute_url())
    else:
        form = ReleaseForm(initial={"label": services.edition_suggest_label(manual_obj),
                                    "release_notes": services.edition_draft_notes(manual_obj)})  # fmt: skip
    return render(request, "policies/edition_release.html", {"manual": manual_obj, "form": form})


def _edition_snapshot(request: HttpRequest, manual: str, edition: str):
    manual_obj = selectors.manual_get(manual, user=request.user)
    return manual_obj, selectors.edition_snapshot(selectors.edition_get(manual_obj, edition))


@require_GET
@login_required
def edition_detail(request: HttpRequest, manual: str, edition: str) -> HttpResponse:
    manual_obj, snapshot = _edition_snapshot(request, manual, edition)
    snapshot = snapshot.with_html(snapshot.page_urls(), bodies=False)
    return render(request, "policies/manual_home.html", {"manual": manual_obj, "snapshot": snapshot})


@require_GET
@login_required
def edition_entry(request: HttpRequest, manual: str, edition: str, entry: str) -> HttpResponse:
    manual_obj, snapshot = _edition_snapshot(request, manual, edition)
    return render_entry(request, manual_obj, snapshot, None, selectors.entry_as_of(snapshot, entry))


@require_GET
@login_required
def edition_print(request: HttpRequest, manual: str, edition: str) -> HttpResponse:
    _manual, snapshot = _edition_snapshot(request, manual, edition)
    return HttpResponse(document.render_manual_html(snapshot, for_pdf=False))


@require_GET
@login_required
def edition_pdf(request: HttpRequest, manual: str, edition: str) -> HttpResponse:
    manual_obj = selectors.manual_get(manual, user=request.user)
    edition_obj = selectors.edition_get(manual_obj, edition)
    pdf = pdfs.pdf_request(manual=manual_obj, user=request.user, kind=PDFKind.EDITION, edition=edition_obj)
    return pdf_response(request, pdf)


def _point(manual_obj, value: str):
    """An edition label or a date: the snapshot it names, and what to call it."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("Choose two editions or dates to compare.")
    edition = manual_obj.editions.filter(label=value).first()
    if edition is not None:
        return selectors.edition_snapshot(edition), f"Edition {edition.label}"
    when = selectors.parse_as_of(value)
    return selectors.manual_snapshot_as_of(manual_obj, when, bodies=False), selectors.format_as_of(when)


@require_GET
@login_required
def manual_compare(request: HttpRequest, manual: str) -> HttpResponse:
    """What changed between two editions or dates (``?from=2026.1&to=2026.2``, or dates), as readers see it."""
    manual_obj = selectors.manual_get(manual, user=request.user)
    editions = selectors.edition_list(manual_obj)
    context = {"manual": manual_obj, "editions": editions, "from_value": request.GET.get("from", ""),
               "to_value": request.GET.get("to", "")}  # fmt: skip
    if "from" in request.GET or "to" in request.GET:
        try:
            before, context["from_label"] = _point(manual_obj, request.GET.get("from"))
            after, context["to_label"] = _point(manual_obj, request.GET.get("to"))
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(request, "policies/manual_compare.html", context, status=400)
        changes = selectors.snapshot_changes(before, after)
        bodies = selectors.version_bodies([v for c in changes for v in (c.before, c.after)])
        render_for_reader = reader_renderer(link_map=manual_link_map(manual_obj), urls=after.page_urls())

        def body(version) -> str:
            return bodies.get(version.pk, "") if version else ""

        # As readers see it, words added and removed marked, unchanged paragraphs folded: as on the review screen.
        context["changes"] = [
            replace(change, rendered=rendered_diff(body(change.before), body(change.after), render=render_for_reader))
            for change in changes
        ]
    return render(request, "policies/manual_compare.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest, manual: str) -> HttpResponse:
    """A PDF of the sections a new hire's role needs, with a cover naming the role and a sign-off page."""
    manual_obj = selectors.manual_get(manual, user=request.user)
    sections = [s for s in selectors.manual_snapshot(manual_obj, bodies=False).sections if s.pages]
    form = OnboardingForm(request.POST or None)
    form.fields["sections"].choices = [(s.slug, s.title) for s in sections]
    # Everyone may be named in the form's data, so that naming someone you may not is refused with a 403 that
    # says why; the list offers only the people this user may name.
    form.fields["person"].widget.choices = [("", form.fields["person"].empty_label)] + [
        (p.pk, p.get_full_name() or p.username)
        for p in form.fields["person"].queryset
        if can_make_packet_for(request.user, p)
    ]
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        require(can_make_packet_for(request.user, person), pdfs.PACKET_FOR_SOMEONE_ELSE)
        pdf = pdfs.packet_request(
            manual=manual_obj, user=request.user, role=form.cleaned_data["role"], person=person,
            sections=[s.slug for s in sections if s.slug in form.cleaned_data["sections"]],
        )  # fmt: skip
        return redirect(reverse("policies:pdf_status", kwargs={"manual": manual_obj.slug, "pdf": pdf.pk}))
    if not sections:
        return bad_request(
            request, "Nothing is published in this manual yet, so there is nothing to put in a packet.", manual_obj
        )
    return render(request, "policies/onboarding.html", {"manual": manual_obj, "form": form})
