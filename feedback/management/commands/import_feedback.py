from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from policies.models import Manual

from ...importing import FeedbackImportError, decode_upload, feedback_import_plan
from ...services import feedback_import


class Command(BaseCommand):
    help = "Import feedback from a CSV file (date,source,channel,entry,customer_reference,text) into a manual."

    def add_arguments(self, parser):
        parser.add_argument("manual", help="The manual's slug")
        parser.add_argument("file", help="The CSV file")
        parser.add_argument("--user", help="The manager recorded as importing it (default: the first administrator)")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be imported; change nothing")

    def handle(self, *args, manual, file, user=None, dry_run=False, **options):
        try:
            manual_obj = Manual.objects.get(slug=manual)
        except Manual.DoesNotExist:
            raise CommandError(f"No manual “{manual}”.") from None
        users = get_user_model().objects.filter(is_active=True)
        importer = users.filter(username=user).first() if user else users.filter(is_superuser=True).first()
        if importer is None:
            raise CommandError("Name a manager with --user." if not user else f"No active user “{user}”.")
        try:
            with open(file, "rb") as handle:
                text = decode_upload(handle.read())
            plan = (
                feedback_import_plan(manual=manual_obj, text=text)
                if dry_run
                else feedback_import(manual=manual_obj, user=importer, text=text)
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except FeedbackImportError as exc:
            raise CommandError(str(exc)) from None
        for line in plan.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was imported.")
