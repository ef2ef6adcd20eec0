"""A person's notifications and how they want them emailed. Thin: check access, call a service or selector,
render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from people.models import Profile

from . import selectors, services
from .forms import NotificationSettingsForm

PER_PAGE = 50


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "notifications": page.object_list})


@require_GET
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way, as a mail client does when a message is opened.
    Another person's notification is not found."""
    note = get_object_or_404(selectors.for_user(request.user), pk=pk)
    services.notifications_mark_read(user=request.user, ids=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):  # fmt: skip
        return redirect(note.url)
    return redirect("notifications:list")


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark all of the person's notifications read, or those named by ``id`` fields (only their own)."""
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()] or None
    services.notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    profile, _ = Profile.objects.get_or_create(user=request.user)
    form = NotificationSettingsForm(request.POST or None, initial={"notify_by": profile.notify_by})
    if request.method == "POST" and form.is_valid():
        services.notification_preference_save(user=request.user, notify_by=form.cleaned_data["notify_by"])
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, "has_email": bool(request.user.email)})
