from django.apps import AppConfig


class AcknowledgementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "acknowledgements"
    verbose_name = "Acknowledgements"

    def ready(self) -> None:
        # Django: receivers connect once every app is loaded (asking readers, marking answered notices read,
        # reminders in the periodic work).
        from . import periodic, receivers  # noqa: F401  (Django needs this inside ready)
