"""The reviews page: what is overdue or due soon for review, "Reviewed, no change", and the owners' reminders."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from policies import selectors as policy_selectors
from policies.models import Entry
from policies.permissions import can_manage, can_read, can_see_all_reviews, require

from . import selectors, services


class ReviewRecordForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, max_length=2000, widget=forms.TextInput, label="Note")


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, manual: str) -> HttpResponse:
    require(can_read(request.user))
    manual_obj = policy_selectors.manual_get(manual)
    if request.method == "POST":
        form = ReviewRecordForm(request.POST)
        if form.is_valid():
            entry = get_object_or_404(Entry, manual=manual_obj, pk=form.cleaned_data["entry"])
            try:
                services.entry_review_record(entry=entry, user=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Recorded: “{entry.live_version.title}” reviewed, no change.")
        else:
            messages.error(request, "Say which entry was reviewed.")
        return redirect("reviews:schedule", manual=manual_obj.slug)
    owned_by = None if can_see_all_reviews(request.user) else request.user
    return render(
        request,
        "reviews/schedule.html",
        {
            "manual": manual_obj,
            "nav": "reviews",
            "groups": selectors.reviews_due(manual_obj, owned_by=owned_by),
            "only_own": owned_by is not None,
            "schedule": selectors.reminder_schedule() if can_manage(request.user) else None,
            "remind_days": services.REMIND_DAYS_BEFORE,
        },
    )


@login_required
@require_POST
def reminders(request: HttpRequest, manual: str) -> HttpResponse:
    """Managers send the reminders now, or start or stop the periodic work sending them every day."""
    require(can_manage(request.user), "Only managers can send or schedule reminders.")
    manual_obj = policy_selectors.manual_get(manual)
    action = request.POST.get("action", "")
    if action == "send":
        count = services.review_reminders_send()
        messages.success(request, f"Made {count} review reminder{'s' if count != 1 else ''}; nobody is reminded twice.")
    elif action in ("start", "stop"):
        services.review_reminders_schedule(user=request.user, enabled=action == "start")
        if action == "start":
            messages.success(request, "Reminders started: the periodic work sends them next time it runs, then daily.")
        else:
            messages.success(request, "Reminders stopped: none are sent by themselves until they are started again.")
    else:
        messages.error(request, "Choose to send the reminders now, or to start or stop sending them every day.")
    return redirect("reviews:schedule", manual=manual_obj.slug)
