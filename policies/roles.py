"""The three roles as groups with their permissions. Administrators are superusers.

Kept in step by the data migration and again after every migrate or flush (see ``apps.py``), so a database
always has the roles the code expects.
"""

from people.roles import AGENTS, EDITORS, MANAGERS

ROLES = {
    MANAGERS: [
        "view_manual", "change_manual", "add_manual", "manage_manual",
        "view_section", "add_section", "change_section",
        "view_entry", "add_entry", "change_entry", "approve_entry", "retire_entry",
        "view_entryversion", "view_edition", "release_edition",
    ],
    EDITORS: ["view_manual", "view_section", "view_entry", "add_entry", "change_entry", "view_entryversion"],
    AGENTS: [],
}  # fmt: skip


def sync_roles(Group, Permission) -> None:
    """Create the groups and give each exactly its permissions. Takes the models so a migration can pass its own."""
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = list(Permission.objects.filter(content_type__app_label="policies", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Missing permissions for {name}: {sorted(missing)}")
        group.permissions.set(perms)
