"""Reads about people and teams, for the other apps."""

from __future__ import annotations

from .models import Team


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
