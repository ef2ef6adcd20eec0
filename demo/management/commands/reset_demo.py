"""Delete the demo manual, with everything recorded about it, and load it afresh with history up to today."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import story


class Command(BaseCommand):
    help = (
        "Delete the demo manual and everything recorded about it (entries, versions, sections, editions, stored "
        "PDFs and their history), then load it afresh. Demo users are kept. Asks first unless --yes. For local "
        "use only: refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--yes", "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Do not ask for confirmation",
        )  # fmt: skip
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off")

    def handle(self, *args, interactive, force, **options):
        try:
            story.refuse_in_production(force=force)
            manual = story.demo_manual()
            if manual is not None and interactive:
                self._confirm(manual)
            with transaction.atomic():
                deleted = story.demo_delete(manual) if manual is not None else None
                loaded = story.demo_load()
        except story.DemoError as exc:
            raise CommandError(str(exc)) from None
        if deleted is not None:
            self.stdout.write(
                f"Deleted the demo manual: {deleted.entries} entries, {deleted.versions} versions, "
                f"{deleted.sections} sections, {deleted.editions} editions, {deleted.pdfs} stored PDFs and "
                f"{deleted.history_rows} history rows."
            )
        self.stdout.write("\n".join(story.load_lines(loaded) + story.login_lines(created=loaded.users_created)))

    def _confirm(self, manual) -> None:
        found = story.demo_contents(manual)
        self.stdout.write(
            f'This deletes the demo manual "{manual.title}" ({manual.slug}): {found.entries} entries, '
            f"{found.versions} versions, {found.editions} editions and {found.pdfs} stored PDFs, with all their "
            "history, including any changes made to it in the app. Then it loads the demo afresh."
        )
        try:
            answer = input("Type 'yes' to continue: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Stopped: nothing was deleted.")
