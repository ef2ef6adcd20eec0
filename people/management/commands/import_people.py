"""Import people from a CSV file with the columns username,email,name,role,teams; see docs/operations.md."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from people.importing import PeopleImportError, decode_upload
from people.permissions import can_manage_people
from people.services import people_import, people_import_plan


def importing_user(name: str | None, *, stdout=None):
    """Who the history records as making the changes: ``name``, or else the first active superuser."""
    User = get_user_model()
    if name:
        user = User.objects.filter(**{User.USERNAME_FIELD: name}).first()
        if user is None:
            raise CommandError(f"No user named '{name}'. Pass the username of a manager or an administrator.")
    else:
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "No --user given and there is no superuser to record as making the import. "
                "Pass --user NAME, or create one with 'manage.py createsuperuser'."
            )
        if stdout is not None:
            stdout.write(f"Recording the import as '{user.get_username()}' (the first superuser; --user to choose).")
    if not can_manage_people(user):
        raise CommandError(
            f"'{user.get_username()}' cannot manage people: they must be an active manager or administrator."
        )
    return user


class Command(BaseCommand):
    help = (
        "Import people from a CSV file with the columns username,email,name,role,teams (teams separated by ';'). "
        "Every line is checked first; if any is wrong nothing changes. People are matched by username; "
        "re-importing an unchanged file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8)")
        parser.add_argument(
            "--invite", action="store_true", help="Email each new person an invitation to choose a password"
        )
        parser.add_argument(
            "--site-url", default=getattr(settings, "SITE_URL", ""),
            help="The address people open the app at, for the invitation links (default: the SITE_URL setting)",
        )  # fmt: skip
        parser.add_argument(
            "--user", help="Who the history records as making the changes (default: the first superuser)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, change nothing")

    def handle(self, *args, file, invite, site_url, user, dry_run, **options):
        if invite and not site_url:
            raise CommandError("--invite needs --site-url (or the SITE_URL setting) to build the invitation links.")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            text = decode_upload(data)
            author = importing_user(user, stdout=self.stdout)
            plan = people_import_plan(text=text, user=author)
            if not dry_run and plan.changes_anything:
                plan = people_import(text=text, user=author, invite=invite, base_url=site_url)
        except PeopleImportError as exc:
            lines = "\n".join(str(problem) for problem in exc.problems)
            raise CommandError(f"Nothing was imported.\n{lines}") from None
        except PermissionDenied as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        for line in plan.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        elif plan.changes_anything:
            sent = f" {len(plan.created)} invited." if invite and plan.created else ""
            self.stdout.write(self.style.SUCCESS(f"Imported {file} as '{author.get_username()}'.{sent}"))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to change: everyone in the file already matches."))
