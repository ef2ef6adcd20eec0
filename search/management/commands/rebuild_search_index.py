"""Remake the search index from the published manual (every manual, or one)."""

from django.core.management.base import BaseCommand, CommandError

from policies.models import Manual
from search.indexing import index_rebuild


class Command(BaseCommand):
    help = "Remake the search index of the live entries (every manual, or the one named)."

    def add_arguments(self, parser):
        parser.add_argument("manual", nargs="?", help="the manual's slug (default: every manual)")

    def handle(self, *args, manual=None, **options):
        target = None
        if manual:
            target = Manual.objects.filter(slug=manual).first()
            if target is None:
                raise CommandError(f"No manual '{manual}'.")
        count = index_rebuild(manual=target)
        where = f"the manual '{target.slug}'" if target else "every manual"
        self.stdout.write(f"Indexed {count} live entr{'y' if count == 1 else 'ies'} of {where}.")
