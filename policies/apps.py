from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from django.contrib.auth.models import Group, Permission

    from .roles import sync_roles  # Django needs this here: a data migration passes its own models

    sync_roles(Group, Permission)


class PoliciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policies"
    verbose_name = "Policy manuals"

    def ready(self):
        # After migrate, and after a flush (which empties the groups), the roles exist with their permissions.
        post_migrate.connect(_sync_roles, sender=self)
        from . import notices, periodic  # noqa: F401  (Django needs this inside ready: periodic work, notices)
