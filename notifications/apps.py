from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Django: receivers connect once every app is loaded (reactions to events, periodic work, deployment checks).
        from . import checks, periodic, receivers  # noqa: F401  (Django needs this inside ready)
