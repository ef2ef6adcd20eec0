from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from periodic.tasks import run_periodic_work
from periodic.work import run_periodic


class Command(BaseCommand):
    help = (
        "Do the periodic work once: versions whose effective date has come go live, reminders are made, due "
        "emails are sent, old stored PDFs and failed searches are pruned. Run it from cron every few minutes, "
        "or once with --on-worker to have the background worker repeat it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on-worker", action="store_true",
            help="queue the work on the background worker, which then repeats it every PERIODIC_EVERY_MINUTES",
        )  # fmt: skip

    def handle(self, *args, on_worker: bool, **options):
        if on_worker:
            every = settings.PERIODIC_EVERY_MINUTES
            if not run_periodic_work.get_backend().supports_defer:
                raise CommandError("The task backend cannot run work later; run this command from cron instead.")
            run_periodic_work.enqueue(every_minutes=every)
            self.stdout.write(f"Queued: the worker runs the periodic work every {every} minutes.")
            return
        run = run_periodic(now=timezone.now())
        for line in run.done:
            self.stdout.write(line)
        for line in run.failed:
            self.stderr.write(f"Failed: {line}")
        if run.failed:
            raise CommandError(f"{len(run.failed)} part{'s' if len(run.failed) != 1 else ''} of the work failed.")
        self.stdout.write("Periodic work done.")
