"""A person's own home page (``/my/``), composed of what the apps below hold for them: what awaits their
acknowledgement, what changed since their last visit, the entries they own that are due for review, and their
notifications. People land here after signing in."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from acknowledgements.obligations import pending_for
from acknowledgements.selectors import changed_since
from notifications import selectors as notes
from people.models import Profile
from policies import selectors
from reviews import selectors as reviews


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
    pending = pending_for(request.user)
    context = {
        "pending": pending,
        "overdue": sum(1 for state in pending if state.overdue),
        "changed": changed_since(request.user, since),
        "to_review": reviews.reviews_due_for_owner(request.user),
        "since": since,
        "manuals": selectors.manual_list(),
        "notifications": notes.latest_for(request.user, limit=10),
        "show_notifications": True,
    }
    return render(request, "dashboard/my_home.html", context)
