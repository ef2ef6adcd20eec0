"""Reads about notifications and about who should get them."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from people.models import Profile
from people.selectors import users_with_perm
from policies.acknowledgements import applies_to

from .models import Notification


def latest_for(user, limit: int = 10) -> list[Notification]:
    """The person's newest notifications, for their home page. One query."""
    return list(for_user(user)[:limit])


def for_user(user) -> QuerySet[Notification]:
    """Everything sent to ``user``, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many of the person's notifications they have not read. One COUNT on the (user, read_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def team_slugs_by_user(user_ids=None) -> dict[int, set[str]]:
    """user id -> the slugs of their teams, for active people (or those in ``user_ids``). One query."""
    memberships = Profile.teams.through.objects.filter(profile__user__is_active=True)
    if user_ids is not None:
        memberships = memberships.filter(profile__user_id__in=list(user_ids))
    slugs: dict[int, set[str]] = defaultdict(set)
    for user_id, slug in memberships.values_list("profile__user_id", "team__slug"):
        slugs[user_id].add(slug)
    return slugs


def audience_user_ids(audience: list[str] | None) -> list[int]:
    """The active people an entry with ``audience`` applies to (everyone active when it names no team).

    Two queries whatever the number of people; who an audience covers is decided by ``applies_to``, as for
    acknowledgements.
    """
    User = get_user_model()
    active = User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    if not audience:
        return list(active)
    teams = team_slugs_by_user()
    return [pk for pk in active if applies_to(audience, teams.get(pk, set()))]


def managers():
    """Active people who manage the manual: they get the weekly summary of overdue acknowledgements."""
    return users_with_perm("policies.manage_manual")


def reviewers():
    """Active people who can review drafts: they hear when one is submitted."""
    return users_with_perm("policies.approve_entry")
