from django.core.management.base import BaseCommand

from notifications.services import send_due_emails


class Command(BaseCommand):
    help = (
        "Email whatever notifications are due, the daily digests included. Safe to run from cron every few minutes: "
        "nothing is sent twice. (Reminders are made by `run_periodic`, or `send_ack_reminders`.)"
    )

    def handle(self, *args, **options):
        sent = send_due_emails()
        self.stdout.write(f"Sent {sent} email{'s' if sent != 1 else ''}.")
