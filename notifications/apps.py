from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from . import (  # noqa: F401  (reactions to the manual's events; deployment checks)
            checks,
            periodic,  # noqa: F401
            receivers,
        )
