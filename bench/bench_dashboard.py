"""Benchmark the manager's dashboard and the reviews page on PostgreSQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_dashboard.py [--people 2000] [--entries 500]

Builds, in a throwaway database on the server ``DATABASE_URL`` names (created beside it and dropped at the end;
the database it names is not touched), the people, teams, live entries and acknowledgements of
``bench_acknowledgements.py``, and on top of them what the dashboard reads: entries of the four kinds with owners
(a few without), review dates from two months overdue to a year ahead, protocols for the channels the manual
serves, and feedback items spread over the last 400 days (a fifth about no entry, a third of the rest answered by
a revision). Then it measures, through django.test.Client signed in as a manager, at a small size and at the
full size:

- the dashboard (``/manuals/<m>/dashboard/``) as managers see it, with the acknowledgement figures kept (they
  are counted again by the background worker once they are ten minutes old or the manual changed, never in
  the page): SQL queries and median time;
- the dashboard with nothing cached, as at the very first view of a manual or after "Count again" (the
  acknowledgement report run in the request): SQL queries and median time;
- the reviews page (``/manuals/<m>/reviews/``), the header's score cached: SQL queries and median time;
- the health score in the header when it is not cached (the checks alone): SQL queries and median time.

Targets: the same number of queries at both sizes for each, and each page under 300 ms at the full size (the
dashboard with nothing cached is reported, without a target: it costs what the acknowledgement report costs, and
happens once per manual).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta

from bench_acknowledgements import Builder, measure
from results import print_results, run_on_postgres

KINDS = ("policy", "procedure", "protocol", "standard")
CHANNELS = ["in-person", "phone", "email", "chat", "social"]
SOURCES = ("customer", "employee", "survey", "complaint")


class DashboardBuilder(Builder):
    """The acknowledgement benchmark's manual, with what the dashboard shows written over it in bulk."""

    def add_dashboard_manual(self, slug: str, entries: int, feedback: int):
        from django.db import connection
        from django.utils import timezone

        from feedback.models import FeedbackItem
        from policies.models import Entry, EntryVersion

        manual, acks = self.add_manual(slug, entries)
        self.services.manual_save(
            manual=manual, user=self.manager,
            data={"mission": "We help.", "vision": "Service people talk about.", "channels": CHANNELS},
        )  # fmt: skip
        today = timezone.localdate()
        rows = list(Entry.objects.filter(manual=manual).order_by("id"))
        for i, entry in enumerate(rows):
            entry.kind = KINDS[i % 4]
            entry.owner = "" if i % 37 == 0 else "Service lead"
            entry.owner_team = self.teams[i % len(self.teams)] if i % 3 == 0 and entry.owner else None
            entry.next_review_on = today + timedelta(days=self.rng.randint(-60, 400))
        Entry.objects.bulk_update(rows, ["kind", "owner", "owner_team", "next_review_on"], batch_size=1000)
        kinds = {e.pk: e.kind for e in rows}
        versions = list(EntryVersion.objects.filter(entry__manual=manual))
        for version in versions:
            version.kind = kinds[version.entry_id]
            if version.kind == "protocol":
                version.channels = [CHANNELS[version.entry_id % len(CHANNELS)]]
                version.body = "Greet, listen, answer. Escalate to the duty supervisor when you cannot."
            elif version.kind == "standard":
                version.body = "Answer 80% of calls within 30 seconds."
            elif version.kind == "policy":
                version.body = "Refunds within 30 days of delivery."
        EntryVersion.objects.bulk_update(versions, ["kind", "channels", "body"], batch_size=1000)

        live = {e.pk: e.live_version_id for e in rows}
        ids = list(live)
        now = timezone.now()
        items = []
        for _ in range(feedback):
            received = today - timedelta(days=self.rng.randint(0, 400))
            entry_id = None if self.rng.random() < 0.2 else self.rng.choice(ids)
            item = FeedbackItem(manual=manual, entry_id=entry_id, source=self.rng.choice(SOURCES),
                                received_on=received, text="Something to say about the manual.")  # fmt: skip
            roll = self.rng.random()
            if entry_id and roll < 0.33:
                waited = self.rng.randint(1, 120)  # days from receiving it to the revision
                closed = min(now, now - timedelta(days=(today - received).days - waited))
                item.status, item.closed_at, item.closing_version_id = "done", closed, live[entry_id]
            elif roll < 0.45:
                item.status = "declined"
                item.closed_at = now
            elif roll < 0.6:
                item.status = "planned"
            items.append(item)
        FeedbackItem.objects.bulk_create(items, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return manual, acks


def measure_cold(client, url: str, runs: int) -> tuple[int, float, int]:
    """``measure`` with nothing cached before each run: the acknowledgement figures and the header's score are
    worked out again."""
    from django.core.cache import cache

    results = []
    for _ in range(runs):
        cache.clear()
        results.append(measure(client, url, 1))
    return results[-1][0], statistics.median(r[1] for r in results), results[-1][2]


def header_score(manual, runs: int) -> tuple[int, float]:
    """(queries, median seconds) of working out the header's score with nothing cached."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.health import health_summary
    from policies.models import Manual

    manual = Manual.objects.get(pk=manual.pk)
    times, queries = [], 0
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            health_summary(manual)
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return queries, statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000, help="people at the full size (default 2000)")
    parser.add_argument("--entries", type=int, default=500, help="entries at the full size (default 500)")
    parser.add_argument("--feedback", type=int, default=20000, help="feedback items at the full size (default 20000)")
    parser.add_argument("--small-people", type=int, default=200, help="people at the small size (default 200)")
    parser.add_argument("--small-entries", type=int, default=50, help="entries at the small size (default 50)")
    parser.add_argument("--small-feedback", type=int, default=2000, help="feedback at the small size (default 2000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args()

    return run_on_postgres("bench_dash", lambda: run(args))


def run(args) -> int:
    from django.test import Client

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, target, "" if ok is None else ("PASS" if ok else "FAIL")))

    started = time.perf_counter()
    builder = DashboardBuilder()
    manager = Client()
    manager.force_login(builder.manager)
    pages = [("Dashboard", "dashboard/"), ("Reviews page", "reviews/")]
    results: dict[tuple[str, str], tuple[int, float, int]] = {}
    scores: dict[str, tuple[int, float]] = {}
    sizes = [
        ("small", args.small_people, args.small_entries, args.small_feedback),
        ("full", args.people, args.entries, args.feedback),
    ]
    for size, people, entries, feedback in sizes:
        t0 = time.perf_counter()
        builder.add_people(people - len(builder.people))
        manual, acks = builder.add_dashboard_manual(f"bench-{size}", entries, feedback)
        print(f"built {len(builder.people)} people, {entries} entries, {acks} acknowledgements, {feedback} feedback "
              f"items in {time.perf_counter() - t0:.0f}s", file=sys.stderr)  # fmt: skip
        for name, path in pages:
            results[name, size] = measure(manager, f"/manuals/{manual.slug}/{path}", args.runs)
        cold = measure_cold(manager, f"/manuals/{manual.slug}/dashboard/", args.runs)
        results["Dashboard, nothing cached", size] = cold
        scores[size] = header_score(manual, args.runs)

    small, full = sizes[0], sizes[1]
    label = f"{small[1]}x{small[2]}x{small[3]} / {full[1]}x{full[2]}x{full[3]}"
    row(f"Sizes: people x entries x feedback items: {label}", "")
    for name in ("Dashboard", "Dashboard, nothing cached", "Reviews page"):
        a, b = results[name, "small"], results[name, "full"]
        row(f"{name}: SQL queries at both sizes", f"{a[0]} / {b[0]}", "same", a[0] == b[0])
        row(f"{name}: time at the small size", f"{a[1] * 1000:.0f} ms")
        if name == "Dashboard, nothing cached":
            row(f"{name}: time at the full size", f"{b[1] * 1000:.0f} ms")
        else:
            row(f"{name}: time at the full size", f"{b[1] * 1000:.0f} ms", "< 300 ms", b[1] < 0.3)
    a, b = scores["small"], scores["full"]
    row("Header score, not cached: SQL queries at both sizes", f"{a[0]} / {b[0]}", "same", a[0] == b[0])
    row("Header score, not cached: time at the full size", f"{b[1] * 1000:.0f} ms")
    return print_results(rows, started=started)


if __name__ == "__main__":
    sys.exit(main())
