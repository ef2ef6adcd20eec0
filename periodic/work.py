"""Periodic work through one door.

Every concern that has something to do now and then (versions whose effective date has come, reminders, emails,
pruning stored PDFs and old failed searches) connects a receiver to ``periodic_work`` in its own app. One run
sends the signal once: from cron (``manage.py run_periodic``) or from the one job on the background worker
(``periodic.tasks.run_periodic``). Each receiver is safe to run at any time and as often as asked, and returns a
short line saying what it did. One receiver failing is logged (by ``send_robust``) and never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

# Receivers take ``sender`` and ``now`` (an aware datetime) and return a line for the log, such as "3 emails sent".
periodic_work = Signal()


@dataclass
class PeriodicRun:
    done: list[str]
    failed: list[str]


def run_periodic(*, now) -> PeriodicRun:
    """Send ``periodic_work`` once; collect what each concern did and which failed."""
    run = PeriodicRun(done=[], failed=[])
    for handler, result in periodic_work.send_robust(sender=PeriodicRun, now=now):
        name = f"{handler.__module__}.{handler.__name__}"
        if isinstance(result, Exception):
            run.failed.append(f"{name}: {result}")
        elif result:
            run.done.append(str(result))
    return run
