"""A person's own home page: what awaits their acknowledgement, what changed since their last visit, and their
notifications. People land here after signing in."""

from datetime import timedelta

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from people.models import Profile

from .. import acknowledgements, reviews, selectors


def _notifications(user) -> dict:
    """The person's latest notifications, where the notifications app is installed."""
    if not apps.is_installed("notifications"):
        return {}
    from notifications import selectors as notes

    return {"notifications": notes.latest_for(user, limit=10), "show_notifications": True}


@require_GET
@login_required
def my_home(request: HttpRequest) -> HttpResponse:
    profile, _ = Profile.objects.get_or_create(user=request.user)
    now = timezone.now()
    # Visits within half an hour of each other count as one, so coming back a minute later still shows what
    # changed since the visit before. These are visit timestamps, outside the profile's history.
    since = profile.home_changes_from
    if profile.last_seen_home_at is None:
        since = now - timedelta(days=30)
    elif now - profile.last_seen_home_at > timedelta(minutes=30):
        since = profile.last_seen_home_at
    since = since or now - timedelta(days=30)
    Profile.objects.filter(pk=profile.pk).update(last_seen_home_at=now, home_changes_from=since)
    pending = acknowledgements.pending_for(request.user)
    context = {
        "pending": pending,
        "overdue": sum(1 for state in pending if state.overdue),
        "changed": acknowledgements.changed_since(request.user, since),
        "to_review": reviews.reviews_due_for_owner(request.user),
        "since": since,
        "manuals": selectors.manual_list(request.user),
        **_notifications(request.user),
    }
    return render(request, "policies/my_home.html", context)
