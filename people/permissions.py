"""Who may manage people: the questions the people pages ask. The manual's own questions, which build on these,
are in ``policies.permissions``. A manager is whoever holds the permission to manage the manual, however they got
it (a role, or given directly), never a group name."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

MANAGE_PERMISSION = "policies.manage_manual"


def can_read(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_people(user) -> bool:
    """Add, invite, change and deactivate people, and name teams: managers and administrators."""
    return can_read(user) and (user.is_superuser or user.has_perm(MANAGE_PERMISSION))


def can_manage_person(user, person) -> bool:
    """Administrators are changed only by administrators: a manager who could change an administrator's email
    could reset their password and become one."""
    return can_manage_people(user) and (user.is_superuser or not person.is_superuser)


def require(allowed: bool, message: str = "You do not have permission to do this.") -> None:
    if not allowed:
        raise PermissionDenied(message)
