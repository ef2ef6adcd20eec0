"""The one scheduled job on the background worker: periodic work, then the next run queued."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .work import run_periodic


@task()
def run_periodic_work(every_minutes: int = 0) -> list[str]:
    """Run the periodic work now. With ``every_minutes`` (and a backend that can wait), queue the next run that
    many minutes later: started once (``manage.py run_periodic --on-worker``), the worker keeps it going."""
    run = run_periodic(now=timezone.now())
    every = every_minutes
    if every > 0 and run_periodic_work.get_backend().supports_defer:
        later = run_periodic_work.using(run_after=timezone.now() + timedelta(minutes=every))
        later.enqueue(every_minutes=every)
    return run.done + [f"failed: {line}" for line in run.failed]

