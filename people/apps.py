from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "People and teams"

    def ready(self) -> None:
        # Django: receivers connect once every app is loaded (a profile for every user).
        from . import signals  # noqa: F401  (Django needs this inside ready)
