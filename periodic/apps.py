from django.apps import AppConfig


class PeriodicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "periodic"
    verbose_name = "Periodic work"
