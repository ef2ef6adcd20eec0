from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        # Django: receivers connect, and contributions register, once every app is loaded (closes the items a
        # published version answers; shows them on the manual's review page, history and release notes).
        from . import contributions, receivers  # noqa: F401  (Django needs this inside ready)

        contributions.register()
