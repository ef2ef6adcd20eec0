"""Export a manual as a folder in the import format, as one HTML file, or as a PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.importexport import (
    ManualExportError,
    manual_export_html,
    manual_export_markdown,
    manual_export_pdf,
)
from policies.importexport.word_export import manual_docx
from policies.models import Manual
from policies.rendering.pdf import PDFRenderError
from policies.selectors import manual_snapshot


class Command(BaseCommand):
    help = (
        "Export a manual's published text: --format markdown writes a folder that import_manual reads back; "
        "html writes the single self-contained file the PDF is made from; pdf writes the PDF; docx a Word document."
    )

    def add_arguments(self, parser):
        parser.add_argument("manual", help="The manual's slug")
        parser.add_argument("--format", choices=["markdown", "html", "pdf", "docx"], default="markdown")
        parser.add_argument(
            "--output", required=True,
            help="A folder for markdown (new, empty, or an earlier export of this manual); a file for html and pdf",
        )  # fmt: skip
        parser.add_argument(
            "--drafts", action="store_true",
            help="markdown only: export the working copies, unpublished drafts included, not the published text",
        )  # fmt: skip

    def handle(self, *args, manual, format, output, drafts, **options):
        found = Manual.objects.filter(slug=manual).first()
        if found is None:
            known = ", ".join(Manual.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No manual with the slug '{manual}' (manuals: {known}).")
        if drafts and format != "markdown":
            raise CommandError("--drafts works with --format markdown only: the others show the published text.")
        path = Path(output)
        if format == "markdown":
            try:
                report = manual_export_markdown(manual=found, path=path, drafts=drafts)
            except ManualExportError as exc:
                raise CommandError(str(exc)) from None
            entries = len(report.written) - 1
            self.stdout.write(self.style.SUCCESS(f"Wrote manual.yml and {entries} entry files to {path}."))
            if report.removed:
                self.stdout.write("Removed files of entries no longer exported: " + ", ".join(report.removed))
            return
        if path.is_dir():
            raise CommandError(f"{path} is a folder; --format {format} writes a single file.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        if format == "html":
            path.write_bytes(manual_export_html(manual=found).encode("utf-8"))
        elif format == "docx":
            path.write_bytes(manual_docx(manual_snapshot(found)))
        else:
            try:
                path.write_bytes(manual_export_pdf(manual=found))
            except PDFRenderError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
