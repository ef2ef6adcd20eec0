from django.core.management.base import BaseCommand

from policies.pdfs import pdf_prune


class Command(BaseCommand):
    help = "Delete stored PDFs that will not be served again (edition PDFs and each manual's newest PDF stay)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="keep anything made in the last DAYS days (30)")

    def handle(self, *args, days: int, **options):
        count = pdf_prune(older_than_days=days)
        self.stdout.write(f"Deleted {count} stored PDF{'s' if count != 1 else ''}.")
