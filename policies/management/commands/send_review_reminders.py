from django.core.management.base import BaseCommand

from policies.reviews import review_reminders_send


class Command(BaseCommand):
    help = (
        "Remind owners of entries due for review within 14 days, and of overdue reviews. Run it daily: a reminder "
        "is sent once per entry, due date and kind however often it runs."
    )

    def handle(self, *args, **options):
        count = review_reminders_send()
        self.stdout.write(f"Made {count} review reminder{'s' if count != 1 else ''}.")
