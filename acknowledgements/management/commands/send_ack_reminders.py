from django.core.management.base import BaseCommand

from acknowledgements.reminders import ack_reminders_queue


class Command(BaseCommand):
    help = (
        "Make acknowledgement reminders (due within three days, and overdue) and the managers' weekly summary; "
        "`send_notifications` then emails them. Safe to run from cron every few minutes: nothing is made twice."
    )

    def handle(self, *args, **options):
        made = ack_reminders_queue()
        self.stdout.write(f"Made {made} reminder{'s' if made != 1 else ''}.")
