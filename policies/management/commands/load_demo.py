"""Load the Northwind Outfitters demo manual and demo users, for trying the app locally.

Running it again changes nothing: users that exist are left as they are, and the import skips unchanged files.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from policies import services
from policies.importexport import ManualImportError, manual_import_plan, read_manual_folder
from policies.models import Entry, Manual

DEMO_FOLDER = Path(__file__).resolve().parents[2] / "demo" / "manual"
DEMO_SOURCE = "the demo manual"
# username, group (None for the superuser), what the user is for. The groups are made by migration 0002.
DEMO_USERS = [
    ("admin", None, "administrator (superuser)"),
    ("manager", "Managers", "manager: edits, reviews and publishes"),
    ("editor", "Editors", "editor: drafts and submits for review"),
    ("agent", "Agents", "agent: reads the manual"),
]

# The first published version of the refund policy lacked this line; the second added it.
REFUND_SLUG = "refund-policy"
REFUND_V2_LINE = "- **Holiday purchases**"
REFUND_V2_SUMMARY = (
    "Added the holiday returns extension: items bought between 15 November and 24 December can be returned "
    "until 31 January."
)
# A draft left in review, so the review queue has something in it.
DRAFT_SLUG = "phone-protocol"
DRAFT_ADDITION = """

## Busy periods

When more than ten callers are waiting, the phone system offers a call back instead of holding. Call backs are
made in the order they were asked for, within two hours during opening hours.

> "Hi, it's [your name] from Northwind Outfitters, returning your call. Thanks for bearing with us today."
"""


def demo_password(username: str) -> str:
    return f"demo-{username}-2026"


class Command(BaseCommand):
    help = (
        "Load the demo manual (published, with some history and a draft in review) and demo users with known "
        "passwords. For local use only: refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (creates users with published passwords)"
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production site. The demo creates users whose passwords are "
                "published in the code; run it with --force only if you really mean to."
            )
        try:
            plan = read_manual_folder(DEMO_FOLDER)
        except ManualImportError as exc:
            raise CommandError(f"The demo manual cannot be read: {exc}") from None
        with transaction.atomic():
            users = self._users()
            manager, editor = users["manager"], users["editor"]
            fresh = not Manual.objects.filter(slug=plan.slug).exists()
            if fresh:
                self._first_load(plan, manager=manager, editor=editor)
            report = manual_import_plan(plan=plan, publish=True, user=manager, source=DEMO_SOURCE)

        manual = report.manual
        if fresh:
            self.stdout.write(
                f"Loaded the demo manual '{manual.title}' ({manual.slug}): {len(plan.entries)} entries published, "
                f"'{REFUND_SLUG}' at version 2, a draft of '{DRAFT_SLUG}' in review."
            )
        elif report.changed_anything:
            self.stdout.write(f"Updated the demo manual '{manual.slug}' from the demo folder:")
            for line in report.lines():
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write(f"The demo manual '{manual.slug}' is already loaded and up to date.")
        if report.missing:
            self.stdout.write("Entries not in the demo folder (left as they are): " + ", ".join(report.missing))
        self.stdout.write("Demo logins (local use only):")
        for username, _group, role in DEMO_USERS:
            note = "" if users[username]._demo_created else "  (existed already; password left unchanged)"
            self.stdout.write(f"  {username:<8} {demo_password(username):<20} {role}{note}")

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, group_name, _role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            created = user is None
            if created:
                if group_name is None:
                    user = User.objects.create_superuser(username, f"{username}@example.com", demo_password(username))
                else:
                    user = User.objects.create_user(username, f"{username}@example.com", demo_password(username))
            if group_name is not None:
                group = Group.objects.filter(name=group_name).first()
                if group is None:
                    raise CommandError(f"The group '{group_name}' is missing: run 'manage.py migrate' first.")
                user.groups.add(group)
                user = User.objects.get(pk=user.pk)  # forget cached permissions
            user._demo_created = created
            users[username] = user
        return users

    def _first_load(self, plan, *, manager, editor) -> None:
        """Publish an older refund policy, then the current one through review, and leave a draft in review."""
        final_body = plan.entry(REFUND_SLUG).body
        lines = final_body.splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith(REFUND_V2_LINE)]
        if len(kept) != len(lines) - 1:
            raise CommandError(f"The demo {REFUND_SLUG}.md no longer has the line starting '{REFUND_V2_LINE}'.")
        manual_import_plan(
            plan=plan.with_entry(REFUND_SLUG, body="".join(kept)), publish=True, user=manager, source=DEMO_SOURCE
        )

        refund = Entry.objects.get(manual__slug=plan.slug, slug=REFUND_SLUG)
        refund = services.entry_save_draft(
            entry=refund, manual=refund.manual, user=editor, data={"body": final_body},
            reason="Added the holiday returns extension",
        )  # fmt: skip
        services.entry_submit(entry=refund, user=editor)
        services.entry_approve(entry=refund, user=manager, change_summary=REFUND_V2_SUMMARY)

        phone = Entry.objects.get(manual__slug=plan.slug, slug=DRAFT_SLUG)
        phone = services.entry_save_draft(
            entry=phone, manual=phone.manual, user=editor, data={"body": phone.body + DRAFT_ADDITION.rstrip()},
            reason="Added call backs in busy periods",
        )  # fmt: skip
        services.entry_submit(entry=phone, user=editor)
