"""Background jobs of the dashboard, run by `manage.py db_worker` (or at once where TASKS_IMMEDIATE is on)."""

from django.core.cache import cache
from django_tasks import task


@task()
def recount_ack_figures(manual_id: int) -> None:
    """Count a manual's acknowledgement figures again and keep them for the dashboard and the health score."""
    from policies.models import Manual

    from .sources import ack_figures_count, ack_figures_key

    manual = Manual.objects.filter(pk=manual_id).first()
    if manual is not None:
        ack_figures_count(manual)
        cache.delete(f"{ack_figures_key(manual)}:queued")
