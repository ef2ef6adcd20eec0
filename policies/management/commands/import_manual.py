"""Import a manual folder (manual.yml and one Markdown file per entry); see docs/file-format.md."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from policies.importexport import ManualImportError, import_permission_problem, manual_import_plan, read_manual_folder


def importing_user(name: str | None, *, publish: bool, stdout=None):
    """The user the history records as the author: ``name``, or else the first active superuser."""
    User = get_user_model()
    if name:
        user = User.objects.filter(**{User.USERNAME_FIELD: name}).first()
        if user is None:
            raise CommandError(f"No user named '{name}'. Pass the username of an existing manager or administrator.")
        if not user.is_active:
            raise CommandError(f"The user '{name}' is inactive.")
    else:
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "No --user given and there is no superuser to record as the author of the import. "
                "Pass --user NAME, or create one with 'manage.py createsuperuser'."
            )
        if stdout is not None:
            stdout.write(f"Recording the import as '{user.get_username()}' (the first superuser; --user to choose).")
    denied = import_permission_problem(user, publish=publish)
    if denied:
        raise CommandError(f"The user '{user.get_username()}' cannot import: {denied}.")
    return user


class Command(BaseCommand):
    help = (
        "Import a manual from a folder: manual.yml plus one Markdown file per entry. Everything is checked "
        "first; if anything is wrong nothing changes. Entries are matched by slug; re-importing unchanged "
        "files changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The folder holding manual.yml and the entry files")
        parser.add_argument(
            "--publish", action="store_true",
            help="Publish the imported text (one new version per changed entry); without it, it is saved as drafts",
        )  # fmt: skip
        parser.add_argument("--user", help="Who the history records as the author (default: the first superuser)")
        parser.add_argument("--dry-run", action="store_true", help="Check the folder and report, change nothing")

    def handle(self, *args, path, publish, user, dry_run, **options):
        try:
            # Check every file before anything else, so that a bad folder fails fast and touches nothing.
            plan = read_manual_folder(path)
            author = importing_user(user, publish=publish, stdout=self.stdout)
            report = manual_import_plan(plan=plan, publish=publish, user=author, source=str(path), dry_run=dry_run)
        except ManualImportError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from None
        except PermissionDenied as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        elif report.changed_anything:
            self.stdout.write(self.style.SUCCESS(f"Imported {path} as '{author.get_username()}'."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to do: the manual already matches the folder."))
