"""The roles a person can be given on the people pages, and the group each one is.

Administrators are superusers: that is given in the admin, never here. A person's role is the group they are in;
someone in no role group reads the manual like an agent.
"""

from __future__ import annotations

from django.db import models

# The groups each role is (made, with their permissions, by ``policies.roles``).
MANAGERS = "Managers"
EDITORS = "Editors"
AGENTS = "Agents"


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    EDITOR = "editor", "Editor"
    MANAGER = "manager", "Manager"


ADMINISTRATOR = "administrator"

ROLE_GROUPS = {Role.AGENT: AGENTS, Role.EDITOR: EDITORS, Role.MANAGER: MANAGERS}

# What each role may do, in a sentence, for the forms.
ROLE_HELP = {
    Role.AGENT: "reads the manual and acknowledges entries",
    Role.EDITOR: "also writes drafts and submits them for review",
    Role.MANAGER: "also approves, publishes, arranges the manual and manages people",
}


def role_of(user) -> str:
    """The role of ``user`` from their groups: "administrator", "manager", "editor" or "agent".

    Reads ``user.groups.all()``, so a list that prefetches ``groups`` asks nothing more per person.
    """
    if user.is_superuser:
        return ADMINISTRATOR
    names = {group.name for group in user.groups.all()}
    for role in (Role.MANAGER, Role.EDITOR):
        if ROLE_GROUPS[role] in names:
            return role.value
    return Role.AGENT.value


def role_label(role: str) -> str:
    return "Administrator" if role == ADMINISTRATOR else Role(role).label
