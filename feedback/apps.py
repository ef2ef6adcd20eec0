from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        # Django: receivers connect once every app is loaded (closes the items a published version answers).
        from . import receivers  # noqa: F401  (Django needs this inside ready)
