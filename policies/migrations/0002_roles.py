"""The three roles as groups with their permissions. Administrators are superusers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Managers": [
        "view_manual", "change_manual", "add_manual", "manage_manual",
        "view_section", "add_section", "change_section",
        "view_entry", "add_entry", "change_entry", "approve_entry", "retire_entry",
        "view_entryversion",
    ],
    "Editors": ["view_manual", "view_section", "view_entry", "add_entry", "change_entry", "view_entryversion"],
    "Agents": [],
}  # fmt: skip


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = list(Permission.objects.filter(content_type__app_label="policies", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Missing permissions for {name}: {sorted(missing)}")
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
