"""Benchmark the past: the manual as of a date, and stored PDFs.

    .venv/bin/python bench/bench_history.py [--entries 500] [--versions 20] [--runs 5]

Builds, in a throwaway SQLite database, a manual of N entries that each went through V published versions over
two years (with the drafts, submissions and approvals that history records), plus a 50-entry manual built the
same way, then measures:

- the print page and the home page of the current manual against the same pages ``?as_of=`` a date half-way
  through (target: at most 2x the time of the current manual, and the same number of queries at 50 and N entries);
- serving a stored PDF (target: under 50 ms);
- making the PDF through the app (stored, in a child process) against WeasyPrint alone on the same HTML, in
  pages per second.

The rows are written in bulk with the timestamps they would have had, because replaying 10,000 approvals through
the services would take longer than the measurements themselves; the reads under test are the app's own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_manual import make_body, measure_page, setup_django  # noqa: E402


def build(manual_slug: str, entries: int, versions: int, rng: random.Random, users) -> object:
    from django.utils import timezone

    from policies.models import Entry, EntryStatus, EntryVersion, Manual, Section
    from policies.rendering.markdown import render_markdown

    manager, approver = users
    start = timezone.now() - timedelta(days=730)
    step = timedelta(days=700) / versions
    HManual, HSection, HEntry = Manual.history.model, Section.history.model, Entry.history.model

    manual = Manual.objects.create(title=f"Manual {manual_slug}", slug=manual_slug, organisation="Bench Ltd",
                                   mission="Help people.", mission_html="<p>Help people.</p>")  # fmt: skip
    HManual.objects.create(id=manual.pk, title=manual.title, slug=manual.slug, organisation=manual.organisation,
                           mission=manual.mission, mission_html=manual.mission_html, created_at=start,
                           require_second_approver=True, history_date=start, history_type="+",
                           history_user=manager, history_change_reason="Created")  # fmt: skip
    sections = [
        Section.objects.create(manual=manual, title=f"Section {i + 1}", slug=f"s{i + 1}", order=i + 1) for i in range(8)
    ]
    HSection.objects.bulk_create([
        HSection(id=s.pk, manual_id=manual.pk, title=s.title, slug=s.slug, order=s.order, history_date=start,
                 history_type="+", history_user=manager)
        for s in sections
    ])  # fmt: skip

    slugs = [f"{manual_slug}-entry-{i}" for i in range(entries)]
    variants = []
    for v in range(8):  # a handful of rendered bodies, reused: Markdown speed is not under test here
        body = make_body(rng, slugs[: max(1, v * 3)])
        variants.append((body, render_markdown(body)))
    rows = [
        Entry(manual=manual, section=sections[i % len(sections)], kind="policy", title=f"Entry {i}", slug=slugs[i],
              summary=f"What entry {i} covers.", body=variants[i % 8][0], body_html=variants[i % 8][1], order=i,
              status=EntryStatus.PUBLISHED, has_unpublished_changes=False, lock_version=versions * 2)
        for i in range(entries)
    ]  # fmt: skip
    Entry.objects.bulk_create(rows)
    created = list(Entry.objects.filter(manual=manual).order_by("id"))
    version_rows, history_rows = [], []
    for entry in created:
        offset = timedelta(minutes=rng.randint(0, 60 * 24 * 5))
        for n in range(1, versions + 1):
            body, html = variants[(entry.pk + n) % 8]
            approved = start + step * n + offset
            version_rows.append(EntryVersion(
                entry=entry, number=n, kind=entry.kind, title=entry.title, slug=entry.slug, summary=entry.summary,
                body=body, body_html=html, section_id=entry.section_id, order=entry.order, author=manager,
                approver=approver, approved_at=approved, change_summary=f"Revision {n}",
            ))  # fmt: skip
            for status, minutes, reason in (("draft", -120, "Edited body"), ("in_review", -60, "Submitted for review"),
                                            ("published", 0, f"Published version {n}: Revision {n}")):  # fmt: skip
                history_rows.append(HEntry(
                    id=entry.pk, manual_id=manual.pk, section_id=entry.section_id, kind=entry.kind, title=entry.title,
                    slug=entry.slug, summary=entry.summary, body=body, order=entry.order, status=status,
                    has_unpublished_changes=status != "published", lock_version=n * 2, channels=[],
                    review_every_months=12, created_at=start, history_date=approved + timedelta(minutes=minutes),
                    history_type="+" if (n, status) == (1, "draft") else "~", history_user=manager,
                    history_change_reason=reason,
                ))  # fmt: skip
    EntryVersion.objects.bulk_create(version_rows, batch_size=2000)
    HEntry.objects.bulk_create(history_rows, batch_size=2000)
    latest = {v.entry_id: v.pk for v in EntryVersion.objects.filter(entry__manual=manual, number=versions)}
    for entry in created:
        entry.live_version_id = latest[entry.pk]
    Entry.objects.bulk_update(created, ["live_version"], batch_size=2000)
    return manual, start + step * (versions / 2)


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="pm-bench-history-")
    setup_django(Path(tmp.name) / "bench.sqlite3")
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.test import Client

    settings.MEDIA_ROOT = Path(tmp.name) / "media"
    settings.PDF_BACKGROUND_THRESHOLD = 10**9
    rng = random.Random(11)
    manager = User.objects.create_user("bench-manager", password="x")
    approver = User.objects.create_user("bench-approver", password="x")
    for user in (manager, approver):
        user.groups.add(Group.objects.get(name="Managers"))

    built = time.perf_counter()
    small, small_when = build("small", 50, args.versions, rng, (manager, approver))
    big, big_when = build("big", args.entries, args.versions, rng, (manager, approver))
    from policies.models import Entry, EntryVersion

    print(f"Built {Entry.objects.count()} entries, {EntryVersion.objects.count()} versions, "
          f"{Entry.history.count()} history rows in {time.perf_counter() - built:.1f} s")  # fmt: skip

    client = Client()
    client.force_login(manager)
    rows = []
    for manual, when in ((small, small_when), (big, big_when)):
        stamp = when.date().isoformat()
        for page, url in (("home", f"/manuals/{manual.slug}/"), ("print", f"/manuals/{manual.slug}/print/")):
            q_now, t_now, _ = measure_page(client, url, args.runs)
            q_then, t_then, size = measure_page(client, f"{url}?as_of={stamp}", args.runs)
            rows.append((manual.slug, page, q_now, t_now, q_then, t_then, size))
    print()
    print(f"{'manual':<7}{'page':<7}{'queries now':>12}{'ms now':>9}{'queries as_of':>15}{'ms as_of':>10}{'ratio':>7}")
    for slug, page, q_now, t_now, q_then, t_then, _ in rows:
        print(
            f"{slug:<7}{page:<7}{q_now:>12}{t_now * 1000:>9.1f}{q_then:>15}{t_then * 1000:>10.1f}{t_then / t_now:>7.2f}"
        )
    big_print = next(r for r in rows if r[0] == "big" and r[1] == "print")
    small_print = next(r for r in rows if r[0] == "small" and r[1] == "print")
    big_home = next(r for r in rows if r[0] == "big" and r[1] == "home")
    small_home = next(r for r in rows if r[0] == "small" and r[1] == "home")

    # Stored PDFs
    import weasyprint

    from policies import pdfs, selectors
    from policies.rendering.document import render_manual_html
    from policies.rendering.pdf import base_url, safe_url_fetcher

    started = time.perf_counter()
    stored = pdfs.pdf_request(manual=big, user=manager, background=False)
    make_seconds = time.perf_counter() - started
    assert stored.status == "done", stored.error
    html = render_manual_html(selectors.manual_snapshot(big), for_pdf=True)
    started = time.perf_counter()
    weasyprint.HTML(string=html, base_url=base_url(), url_fetcher=safe_url_fetcher).write_pdf()
    alone_seconds = time.perf_counter() - started

    def serve():
        response = client.get(f"/manuals/{big.slug}/manual.pdf")
        data = b"".join(response.streaming_content)
        assert data.startswith(b"%PDF")

    serve()
    serve_seconds = median_time(serve, max(args.runs, 10))
    print()
    print(f"PDF of {args.entries} entries: {stored.pages} pages, {stored.size / 1e6:.1f} MB")
    for label, seconds in (("made through the app (stored, child process)", make_seconds),
                           ("WeasyPrint alone on the same HTML", alone_seconds)):  # fmt: skip
        print(f"  {label:<46} {seconds:6.1f} s, {stored.pages / seconds:5.1f} pages/s")
    print(f"  serving the stored PDF: {serve_seconds * 1000:.1f} ms (median)")

    print_ratio, home_ratio = big_print[5] / big_print[3], big_home[5] / big_home[3]
    checks = [
        ("as_of print page <= 2x current (big)", print_ratio <= 2, f"{print_ratio:.2f}x"),
        ("as_of home page <= 2x current (big)", home_ratio <= 2, f"{home_ratio:.2f}x"),
        ("as_of queries fixed, 50 vs N (print)", small_print[4] == big_print[4], f"{small_print[4]} vs {big_print[4]}"),
        ("as_of queries fixed, 50 vs N (home)", small_home[4] == big_home[4], f"{small_home[4]} vs {big_home[4]}"),
        ("stored PDF served < 50 ms", serve_seconds < 0.05, f"{serve_seconds * 1000:.1f} ms"),
        ("PDF through the app <= 1.15x WeasyPrint alone", make_seconds <= 1.15 * alone_seconds,
         f"{make_seconds / alone_seconds:.2f}x"),
    ]  # fmt: skip
    print()
    for name, ok, value in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
