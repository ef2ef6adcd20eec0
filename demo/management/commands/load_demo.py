"""Load the Northwind Outfitters demo manual, with a year of history, and demo users, for trying the app locally.

On a database that has the demo manual already it changes nothing, says so and prints the logins, so that
``make run`` can always run it. ``reset_demo`` deletes the demo and loads it afresh.
"""

from django.core.management.base import BaseCommand, CommandError

from demo import story


class Command(BaseCommand):
    help = (
        "Load the demo manual (a year of history: revisions, a retired entry, two editions, a draft in review) "
        "and demo users with known passwords. Changes nothing if the demo manual is loaded already. For local "
        "use only: refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (creates users with published passwords)"
        )

    def handle(self, *args, force, **options):
        try:
            story.refuse_in_production(force=force)
            manual = story.demo_manual()
            if manual is None:
                loaded = story.demo_load()
                lines = story.load_lines(loaded) + story.login_lines(created=loaded.users_created)
            else:
                lines = [
                    f'The demo manual "{manual.title}" ({manual.slug}) is already loaded; nothing was changed.',
                    "  To load it afresh, with its history dated from today: python manage.py reset_demo",
                    *story.tip_lines(manual),
                    *story.login_lines(),
                ]
        except story.DemoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("\n".join(lines))
