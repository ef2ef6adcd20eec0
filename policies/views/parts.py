"""Editing an entry's structured parts: a protocol's scripts and a standard's targets.

Each is a page of repeated blocks beside the editor. Saving changes the draft, which is reviewed and published
like any other change, so the parts are versioned with the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import services
from ..models import Channel
from ..models.parts import COMPARISONS, MAX_SCRIPTS, MAX_TARGETS, SITUATIONS, parse_number
from .editing import _edit_url, _editor_entry


class ScriptForm(forms.Form):
    channel = forms.ChoiceField(label="Channel", choices=[("", "Choose…"), *Channel.choices], required=False)
    situation = forms.CharField(
        label="Situation",
        max_length=80,
        required=False,
        help_text="Greeting, hold, transfer, closing, escalation; a reply template's or a macro's name.",
        widget=forms.TextInput(attrs={"list": "situations"}),
    )
    text = forms.CharField(
        label="Words", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"})
    )

    def clean(self):
        data = super().clean()
        if self.part() is None:
            return data
        if not data.get("channel"):
            self.add_error("channel", "Choose the channel this script is for.")
        if not (data.get("situation") or "").strip():
            self.add_error("situation", "Name the situation, like Greeting or Hold.")
        if not (data.get("text") or "").strip():
            self.add_error("text", "Write what the agent says or sends.")
        return data

    def part(self) -> dict | None:
        data = self.cleaned_data
        if not any((data.get(name) or "").strip() for name in ("situation", "text")):
            return None  # an empty block (a channel alone is just the default of the menu) is no script
        return {name: data.get(name) or "" for name in ("channel", "situation", "text")}

    @staticmethod
    def initial_for(part: dict) -> dict:
        return dict(part)


class TargetForm(forms.Form):
    metric = forms.CharField(label="What is measured", max_length=120, required=False,
                             help_text="For example: first reply, calls answered, customer satisfaction.")  # fmt: skip
    channel = forms.ChoiceField(label="Channel", choices=[("", "All channels"), *Channel.choices], required=False)
    comparison = forms.ChoiceField(label="Target", choices=list(COMPARISONS.items()), required=False)
    value = forms.CharField(
        label="Value", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit = forms.CharField(label="Unit", max_length=40, required=False, help_text="minutes, business hours, %…")
    period = forms.CharField(label="Measured", max_length=60, required=False, help_text="per day, per month…")

    def clean(self):
        data = super().clean()
        if self.part() is None:
            return data
        if not (data.get("metric") or "").strip():
            self.add_error("metric", "Say what is measured.")
        if parse_number(data.get("value")) is None:
            self.add_error("value", "Give the target as a number, like 4 or 90.")
        if not (data.get("unit") or "").strip():
            self.add_error("unit", "Give the unit, like minutes, hours or %.")
        return data

    def part(self) -> dict | None:
        data = self.cleaned_data
        if not any((data.get(name) or "").strip() for name in ("metric", "value", "unit", "period")):
            return None
        return {name: data.get(name) or "" for name in ("metric", "channel", "comparison", "value", "unit", "period")}

    @staticmethod
    def initial_for(part: dict) -> dict:
        return dict(part)


@dataclass(frozen=True)
class PartKind:
    field: str
    form: type[forms.Form]
    most: int
    prefix: str
    title: str
    one: str
    intro: str
    url_name: str


SCRIPTS = PartKind(
    field="scripts", form=ScriptForm, most=MAX_SCRIPTS, prefix="s", title="Scripts", one="Script",
    intro="The words agents say or send, per channel and situation: greetings, holds, transfers, closings and "
    "escalations for phone, video and in person; reply templates for email and letters; macros for chat; public "
    "and private replies on social media. Readers see them as tabs on the entry with a button to copy each one; "
    "the PDF prints them per channel.",
    url_name="policies:entry_scripts",
)  # fmt: skip
TARGETS = PartKind(
    field="targets", form=TargetForm, most=MAX_TARGETS, prefix="t", title="Targets", one="Target",
    intro="Measurable targets of this standard: what is measured, on which channel, the value to meet and over "
    "what period. They show as a table on the entry, in the PDF and on each channel's page.",
    url_name="policies:entry_targets",
)  # fmt: skip


def _parts_page(request: HttpRequest, manual: str, entry: str, kind: PartKind) -> HttpResponse:
    entry_obj = _editor_entry(request, manual, entry)
    current = getattr(entry_obj, kind.field)
    formset_class = forms.formset_factory(kind.form, extra=0, max_num=kind.most, absolute_max=kind.most)
    initial = [kind.form.initial_for(part) for part in current]
    if request.method == "POST":
        formset = formset_class(request.POST, initial=initial, prefix=kind.prefix)
        lock = request.POST.get("lock_version", "")
        if formset.is_valid():
            parts = [p for p in (form.part() for form in formset) if p]
            try:
                services.entry_save_draft(
                    entry=entry_obj, manual=entry_obj.manual, user=request.user, data={kind.field: parts},
                    base_lock_version=int(lock) if lock.isdigit() else 0, reason=f"Changed the {kind.field}",
                )  # fmt: skip
            except services.EditConflict:
                messages.error(request, "Someone saved this entry while you were editing. Here they are now.")
                return redirect(reverse(kind.url_name, kwargs={"manual": manual, "entry": entry}))
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            except services.TransitionError as exc:
                formset._non_form_errors = formset.error_class([str(exc)])
            else:
                messages.success(request, f"{kind.title} saved in the draft. Submit it for review to publish them.")
                return redirect(_edit_url(entry_obj))
    else:
        formset = formset_class(initial=initial + ([{}] if len(initial) < kind.most else []), prefix=kind.prefix)
    situations = sorted({name for names in SITUATIONS.values() for name in names})
    return render(
        request,
        "policies/entry_parts.html",
        {"manual": entry_obj.manual, "entry": entry_obj, "formset": formset, "kind": kind, "situations": situations},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_scripts(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    return _parts_page(request, manual, entry, SCRIPTS)


@login_required
@require_http_methods(["GET", "POST"])
def entry_targets(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    return _parts_page(request, manual, entry, TARGETS)
