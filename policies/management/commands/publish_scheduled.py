from django.core.management.base import BaseCommand

from policies.services.publishing import versions_take_effect


class Command(BaseCommand):
    help = (
        "Make approved versions whose effective date has come the live text. The app does this by itself as "
        "pages are read and from the background worker; run it from cron too where neither may happen."
    )

    def handle(self, *args, **options):
        entries = versions_take_effect()
        for entry in entries:
            self.stdout.write(f"{entry.manual.slug}/{entry.slug}: version {entry.live_version.number} took effect.")
        self.stdout.write(f"{len(entries)} version{'s' if len(entries) != 1 else ''} took effect.")
