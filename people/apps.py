from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "People and teams"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a profile for every user)
