"""Who may do what. Roles are Django groups; the checks are permissions, so the admin agrees with the views."""

from django.core.exceptions import PermissionDenied


def can_read(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_edit(user) -> bool:
    return can_read(user) and user.has_perm("policies.change_entry")


def can_approve(user) -> bool:
    return can_read(user) and user.has_perm("policies.approve_entry")


def can_retire(user) -> bool:
    return can_read(user) and user.has_perm("policies.retire_entry")


def can_manage(user) -> bool:
    return can_read(user) and user.has_perm("policies.manage_manual")


def role_name(user) -> str:
    if not can_read(user):
        return "Visitor"
    if user.is_superuser:
        return "Administrator"
    if can_manage(user):
        return "Manager"
    if can_edit(user):
        return "Editor"
    return "Agent"


def require(allowed: bool, message: str = "You do not have permission to do this.") -> None:
    if not allowed:
        raise PermissionDenied(message)
