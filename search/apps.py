from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Django: receivers connect once every app is loaded (the index, pruning old searches).
        from . import periodic, receivers  # noqa: F401  (Django needs this inside ready)
