from django.core.management.base import BaseCommand

from notifications.services import queue_reminders, send_due_emails


class Command(BaseCommand):
    help = (
        "Make acknowledgement reminders and the managers' weekly summary, then email what is due. Safe to run "
        "from cron every few minutes: nothing is made or sent twice."
    )

    def handle(self, *args, **options):
        made = queue_reminders()
        sent = send_due_emails()
        self.stdout.write(
            f"Made {made} reminder{'s' if made != 1 else ''}; sent {sent} email{'s' if sent != 1 else ''}."
        )
