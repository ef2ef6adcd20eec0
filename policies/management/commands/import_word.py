"""Import Word (.docx) files as draft entries of a manual, as the import page does; see docs/file-format.md."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from policies.importexport import ManualImportError
from policies.importexport.word_import import word_import, word_import_plan
from policies.models import EntryKind, Manual, Section


class Command(BaseCommand):
    help = (
        "Import Word (.docx) files into a manual: each becomes a draft entry, to be reviewed and approved like any "
        "draft. Every file is checked first; if one cannot be read, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("manual", help="The manual's slug")
        parser.add_argument("files", nargs="+", help="The .docx files")
        parser.add_argument("--section", help="The section's slug (default: the manual's first section)")
        parser.add_argument("--kind", choices=EntryKind.values, default=EntryKind.POLICY)
        parser.add_argument("--user", required=True, help="Who the history records as the author: an editor")
        parser.add_argument("--dry-run", action="store_true", help="Check the files and report, change nothing")

    def handle(self, *args, manual, files, section, kind, user, dry_run, **options):
        manual_obj = Manual.objects.filter(slug=manual).first()
        if manual_obj is None:
            raise CommandError(f"No manual with the slug '{manual}'.")
        sections = Section.objects.filter(manual=manual_obj).order_by("order", "id")
        section_obj = sections.filter(slug=section).first() if section else sections.first()
        if section_obj is None:
            known = ", ".join(sections.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No section '{section or ''}' in the manual (sections: {known}).")
        author = get_user_model().objects.filter(username=user, is_active=True).first()
        if author is None:
            raise CommandError(f"No active user named '{user}'.")
        missing = [name for name in files if not Path(name).is_file()]
        if missing:
            raise CommandError(f"Nothing was imported. No such file: {', '.join(missing)}")
        handles = [open(name, "rb") for name in files]  # closed below, whatever happens
        try:
            plans = word_import_plan(manual=manual_obj, files=[File(h, name=h.name) for h in handles])
            for plan in plans:
                self.stdout.write(f"{plan.file}: “{plan.title}” as {plan.slug}")
                for warning in plan.warnings:
                    self.stdout.write(f"  {warning}")
            if dry_run:
                self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
                return
            entries = word_import(manual=manual_obj, user=author, section=section_obj, kind=kind, plans=plans)
        except ManualImportError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from None
        except PermissionDenied as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        finally:
            for handle in handles:
                handle.close()
        saved = f"Saved {len(entries)} draft{'s' if len(entries) != 1 else ''} in {section_obj.title}"
        self.stdout.write(self.style.SUCCESS(f"{saved}; they are published once reviewed and approved in the app."))
