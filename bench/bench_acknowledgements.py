"""Benchmark the managers' acknowledgement report on PostgreSQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_acknowledgements.py [--people 2000] [--entries 500]

Builds, in a throwaway database on the server ``DATABASE_URL`` names (created beside it and dropped at the end;
the database it names is not touched), people in 8 teams and a manual of live entries with mixed audiences, some
revised (material changes ask again, minor fixes do not), and about 60% of what is asked acknowledged. Then it
measures, through django.test.Client signed in as a manager, at a small size and at the full size:

- the report page, each of its three views (by entry, by team, by person): SQL queries and median time;
- the CSV of every person and entry, read in full: SQL queries, median time and size;
- ``/my/``, an agent's home page, at the small and the full size: SQL queries and median time.

Targets: the same number of queries at both sizes for each, and each view of the full-size page under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta

from results import print_results, run_on_postgres

TEAMS = [
    ("Phone support", "phone-support"), ("Chat support", "chat-support"), ("Email support", "email-support"),
    ("Store staff", "store-staff"), ("Social media", "social-media"), ("Returns desk", "returns-desk"),
    ("Supervisors", "supervisors"), ("Night shift", "night-shift"),
]  # fmt: skip
FIRST = "Ada Ben Cleo Dev Eli Fay Gus Hana Ivo Jun Kai Lea Max Nia Oto Pia Raf Sol Tea Uma Vic Wen Yan Zoe".split()
LAST = "Abara Brandt Costa Dahl Eze Fischer Gallo Haas Ito Jensen Kovac Lund Moreau Novak Okafor Park".split()


class Builder:
    """People, teams and a manual written in bulk: the reads under test are the app's own, but writing 300,000
    acknowledgements through the service would take longer than the measurements."""

    def __init__(self, seed: int = 11):
        from django.contrib.auth.models import Group, User

        from people.models import Team
        from policies import services

        self.rng = random.Random(seed)
        self.services = services
        self.manager = User.objects.create_user("bench-manager", password="x", first_name="Bench", last_name="Lead")
        self.manager.groups.add(Group.objects.get(name="Managers"))
        self.teams = [Team.objects.create(name=name, slug=slug) for name, slug in TEAMS]
        self.people: list[tuple[int, frozenset[str]]] = []  # (user id, team slugs)
        self.started = time.perf_counter()

    def add_people(self, count: int) -> None:
        from django.contrib.auth.models import Group, User
        from django.utils import timezone

        from people.models import Profile

        agents = Group.objects.get(name="Agents")
        start = len(self.people)
        joined = timezone.now() - timedelta(days=400)
        users = User.objects.bulk_create(
            User(username=f"agent-{i:05d}", first_name=self.rng.choice(FIRST), last_name=self.rng.choice(LAST),
                 password="!", date_joined=joined + timedelta(days=self.rng.randint(0, 380)))
            for i in range(start, start + count)
        )  # fmt: skip
        User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=agents.pk) for u in users)
        profiles = Profile.objects.bulk_create(Profile(user_id=u.pk) for u in users)
        links = []
        for profile in profiles:
            picked = self.rng.sample(self.teams, k=2 if self.rng.random() < 0.1 else 1)
            links += [Profile.teams.through(profile_id=profile.pk, team_id=t.pk) for t in picked]
            self.people.append((profile.user_id, frozenset(t.slug for t in picked)))
        Profile.teams.through.objects.bulk_create(links)

    def add_manual(self, slug: str, entries: int):
        """A manual of live entries: 40% for everyone, the rest for one or two teams; a third revised, half of
        those materially. Then acknowledgements of about 60% of what is asked."""
        from django.db import connection
        from django.utils import timezone

        from acknowledgements.models import Acknowledgement
        from policies.models import Entry, EntryStatus, EntryVersion

        manual = self.services.manual_save(manual=None, user=self.manager,
                                           data={"title": f"Service manual {slug}", "slug": slug})  # fmt: skip
        section = self.services.section_save(section=None, manual=manual, user=self.manager,
                                             data={"title": "Policies", "slug": "policies", "order": 1})  # fmt: skip
        now = timezone.now()
        plans = []
        for _ in range(entries):
            audience = (
                []
                if self.rng.random() < 0.4
                else [t.slug for t in self.rng.sample(self.teams, k=self.rng.choice((1, 2)))]
            )
            revised = self.rng.random() < 1 / 3
            plans.append((audience, revised, revised and self.rng.random() < 0.5))
        rows = Entry.objects.bulk_create(
            Entry(manual=manual, section=section, title=f"Entry {i + 1}", slug=f"entry-{i + 1:04d}", order=i,
                  body="Text.", body_html="<p>Text.</p>", audience=plan[0], status=EntryStatus.PUBLISHED,
                  has_unpublished_changes=False, first_published_at=now)
            for i, plan in enumerate(plans)
        )  # fmt: skip
        versions = []
        for entry, (audience, revised, material) in zip(rows, plans, strict=True):
            first_at = now - timedelta(days=self.rng.randint(20, 300))
            versions.append(self._version(entry, 1, first_at, audience, True))
            if revised:
                versions.append(self._version(entry, 2, first_at + timedelta(days=10), audience, material))
        EntryVersion.objects.bulk_create(versions)
        by_entry: dict[int, list] = {}
        for version in versions:
            by_entry.setdefault(version.entry_id, []).append(version)
        for entry in rows:
            entry_versions = by_entry[entry.pk]
            entry.live_version = entry_versions[-1]
            entry.ack_version = [v for v in entry_versions if v.is_material][-1]
            entry.last_published_at = entry.live_version.approved_at
        Entry.objects.bulk_update(rows, ["live_version", "ack_version", "last_published_at"], batch_size=1000)

        acks = []
        for user_id, teams in self.people:
            for entry in rows:
                audience = entry.ack_version.audience
                if audience and not teams.intersection(audience):
                    continue
                roll = self.rng.random()
                if roll < 0.6:  # done: the version asked for, or the minor fix after it
                    version = entry.live_version if self.rng.random() < 0.5 else entry.ack_version
                elif roll < 0.7 and entry.ack_version.number > 1:  # asked again after a material change
                    version = by_entry[entry.pk][0]
                else:
                    continue
                at = version.approved_at + timedelta(days=self.rng.randint(0, 20))
                acks.append(Acknowledgement(user_id=user_id, entry_id=entry.pk, version=version, acknowledged_at=at))
        Acknowledgement.objects.bulk_create(acks, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as autovacuum would gather on a live database
        return manual, len(acks)

    @staticmethod
    def _version(entry, number, at, audience, material):
        from policies.models import EntryVersion

        return EntryVersion(
            entry=entry, number=number, kind=entry.kind, title=entry.title, slug=entry.slug, body="Text.",
            body_html="<p>Text.</p>", section_id=entry.section_id, order=entry.order, audience=audience,
            approved_at=at, change_summary="Published", is_material=material,
        )  # fmt: skip


def measure(client, url: str, runs: int) -> tuple[int, float, int]:
    """(queries, median seconds, bytes) of GET url, a streamed answer read in full."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries, size = [], 0, 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        queries, size = len(captured), len(body)
    return queries, statistics.median(times), size


def my_page_url() -> str | None:
    from django.urls import Resolver404, resolve

    try:
        resolve("/my/")
    except Resolver404:
        return None
    return "/my/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000, help="people at the full size (default 2000)")
    parser.add_argument("--entries", type=int, default=500, help="entries at the full size (default 500)")
    parser.add_argument("--small-people", type=int, default=200, help="people at the small size (default 200)")
    parser.add_argument("--small-entries", type=int, default=50, help="entries at the small size (default 50)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args()

    return run_on_postgres("bench_acks", lambda: run(args))


def run(args) -> int:
    from django.contrib.auth.models import User
    from django.test import Client

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, target, "" if ok is None else ("PASS" if ok else "FAIL")))

    started = time.perf_counter()
    builder = Builder()
    manager = Client()
    manager.force_login(builder.manager)
    agent = Client()
    my_url = my_page_url()
    views = [("Report, by entry", ""), ("Report, by team", "?view=teams"), ("Report, by person", "?view=people"),
             ("CSV", "?format=csv")]  # fmt: skip
    results: dict[tuple[str, str], tuple[int, float, int]] = {}
    sizes = [("small", args.small_people, args.small_entries), ("full", args.people, args.entries)]
    for size, people, entries in sizes:
        t0 = time.perf_counter()
        builder.add_people(people - len(builder.people))
        manual, acks = builder.add_manual(f"bench-{size}", entries)
        print(f"built {len(builder.people)} people, {entries} entries, {acks} acknowledgements in "
              f"{time.perf_counter() - t0:.0f}s", file=sys.stderr)  # fmt: skip
        base = f"/manuals/{manual.slug}/acknowledgements/"
        for name, query in views:
            results[name, size] = measure(manager, base + query, args.runs)
        if my_url:
            agent.force_login(User.objects.get(pk=builder.people[0][0]))
            results["/my/", size] = measure(agent, my_url, args.runs)

    small, full = sizes[0], sizes[1]
    label = f"{small[1]}x{small[2]} / {full[1]}x{full[2]}"
    for name, _query in views:
        a, b = results[name, "small"], results[name, "full"]
        row(f"{name}: SQL queries at {label}", f"{a[0]} / {b[0]}", "same", a[0] == b[0])
        row(f"{name}: time at {small[1]}x{small[2]}", f"{a[1] * 1000:.0f} ms ({a[2] / 1e6:.2f} MB)")
        is_page = name != "CSV"
        row(f"{name}: time at {full[1]}x{full[2]}", f"{b[1] * 1000:.0f} ms ({b[2] / 1e6:.2f} MB)",
            "< 1 s" if is_page else "", b[1] < 1.0 if is_page else None)  # fmt: skip
    if my_url:
        a, b = results["/my/", "small"], results["/my/", "full"]
        row(f"/my/ (an agent): SQL queries at {small[2]} / {small[2] + full[2]} entries", f"{a[0]} / {b[0]}", "same",
            a[0] == b[0])  # fmt: skip
        row(f"/my/ (an agent): time at {small[2] + full[2]} entries", f"{b[1] * 1000:.0f} ms")
    else:
        row("/my/ (an agent)", "skipped: /my/ does not resolve yet")

    return print_results(rows, started=started)


if __name__ == "__main__":
    sys.exit(main())
