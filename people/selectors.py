"""Reads about people and teams, for the other apps."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from .models import Team
from .permissions import MANAGE_PERMISSION
from .roles import ADMINISTRATOR, EDITORS, MANAGERS, Role


def team_choices() -> list[tuple[str, str]]:
    """(slug, name) of every team, for forms."""
    return list(Team.objects.order_by("name").values_list("slug", "name"))


def unknown_team_slugs(slugs) -> list[str]:
    """The slugs in ``slugs`` that name no team."""
    known = set(Team.objects.filter(slug__in=list(slugs)).values_list("slug", flat=True))
    return [s for s in slugs if s not in known]


def user_team_slugs(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Team.objects.filter(members__user=user).values_list("slug", flat=True))


# The people pages -----------------------------------------------------------------------------------------------


def _in_group(name: str) -> Exists:
    User = get_user_model()
    return Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=name))


def people_list(*, team: str = "", role: str = "", q: str = "") -> QuerySet:
    """Everyone, active first, by name; narrowed to a team's slug, a role, and words found in the name,
    username or email. Teams, groups and the profile come in a fixed number of queries."""
    User = get_user_model()
    people = User.objects.select_related("profile").prefetch_related("groups", "profile__teams")
    people = people.annotate(in_managers=_in_group(MANAGERS), in_editors=_in_group(EDITORS))
    if team:
        people = people.filter(profile__teams__slug=team)
    if role == ADMINISTRATOR:
        people = people.filter(is_superuser=True)
    elif role == Role.MANAGER:
        people = people.filter(is_superuser=False, in_managers=True)
    elif role == Role.EDITOR:
        people = people.filter(is_superuser=False, in_managers=False, in_editors=True)
    elif role == Role.AGENT:
        people = people.filter(is_superuser=False, in_managers=False, in_editors=False)
    for word in q.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return people.order_by("-is_active", Lower("first_name"), Lower("last_name"), "username")


def person_get(username: str):
    """The person with this username; ``User.DoesNotExist`` if there is none."""
    User = get_user_model()
    return User.objects.select_related("profile").prefetch_related("groups", "profile__teams").get(username=username)


def person_history(person, *, limit: int = 20) -> list:
    """The latest changes to a person, newest first, from their profile's history."""
    return list(person.profile.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])


def teams_with_counts() -> QuerySet:
    """Every team with ``member_count``: the active people in it (deactivated people stay members, uncounted)."""
    return Team.objects.annotate(
        member_count=Count("members", filter=Q(members__user__is_active=True), distinct=True)
    ).order_by(Lower("name"), "slug")


def users_with_perm(perm: str) -> QuerySet:
    """Active people holding ``perm`` through a role or directly, superusers included."""
    return get_user_model().objects.with_perm(perm, is_active=True, include_superusers=True).order_by("pk")


def people_managers(*, exclude=None) -> QuerySet:
    """Active people who can manage people: administrators, and whoever holds the permission to manage the
    manual (by role or directly). The same answer as ``can_manage_people``."""
    managers = users_with_perm(MANAGE_PERMISSION)
    if exclude is not None:
        managers = managers.exclude(pk=exclude.pk)
    return managers


def username_suggestion(email: str) -> str:
    """A free username from the part of ``email`` before the @: "ava.lind@example.com" gives "ava.lind", or
    "ava.lind2" when that is taken."""
    User = get_user_model()
    base = re.sub(r"[^\w.+-]", "", email.split("@")[0].strip().lower())[:140] or "person"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate
