from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Django: the periodic hook connects, and contributions register, once every app is loaded (reminders
        # sent on schedule; reviews shown in the entry's history and the draft release notes).
        from . import contributions, periodic  # noqa: F401  (Django needs this inside ready)

        contributions.register()
