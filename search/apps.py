from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from . import (
            periodic,  # noqa: F401
            receivers,  # noqa: F401  (keeps the index in step with the published manual)
        )
