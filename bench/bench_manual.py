"""Benchmark the reading pages, the print page and the PDF on a synthetic manual.

    .venv/bin/python bench/bench_manual.py [--entries 500] [--runs 5] [--pdf-runs 1] [--keep-pdf out.pdf]

Builds a manual of N entries (bodies of 400-800 words with headings, lists, a table, a script to read aloud,
a callout and links to other entries) through the services, in a throwaway SQLite database, then measures:

- the home page and the print page through django.test.Client at 50 and at N entries: SQL queries and median
  time (the number of queries must not grow with the manual);
- Markdown alone over the same bodies, and the print page as a fraction of it (target < 0.1: pages never run
  Markdown, they show the stored HTML);
- the PDF export (``pdf.manual_pdf``: document, child process, limits) against WeasyPrint alone on the same HTML
  (target <= 1.15x), pages, pages per second and peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from results import print_results

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "customer agent order refund exchange receipt delivery parcel courier account invoice payment card "
    "voucher warranty repair replacement store online phone email chat complaint apology escalation "
    "supervisor record note ticket reference deadline working day response promise clear calm listen "
    "confirm explain offer decision policy exception manager approval limit value damage missing late "
    "address identity security privacy consent data request follow-up outcome feedback survey loyalty "
    "discount goodwill gesture standard quality courtesy respect patience accuracy promptly fairly"
).split()
CHANNELS = ["in-person", "phone", "video", "written", "email", "chat", "social"]
KINDS = ["policy", "procedure", "protocol", "standard"]


def setup_django(db_path: Path) -> None:
    """Point Django at a fresh SQLite file before anything reads the settings, then build the schema."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policymanual.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    # DEBUG stays on (the default) so pages can use {% static %} without a manifest; its query log overflows
    # while building the manual, which is harmless here.
    warnings.filterwarnings("ignore", message="Limit for query logging exceeded")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert Path(settings.DATABASES["default"]["NAME"]) == db_path, "refusing to touch another database"
    call_command("migrate", verbosity=0)


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def make_body(rng: random.Random, earlier_slugs: list[str]) -> str:
    """A realistic entry body: 400-800 words with the constructs authors use."""
    links = rng.sample(earlier_slugs, k=min(2, len(earlier_slugs)))
    see_also = " ".join(f"See [{slug.replace('-', ' ')}]({slug}.md)." for slug in links)
    parts = [
        paragraph(rng, rng.randint(3, 5)) + (" " + see_also if see_also else ""),
        "## What the customer can expect",
        paragraph(rng, rng.randint(4, 7)),
        "### Steps",
        "\n".join(f"{i}. {sentence(rng, 6, 12)}" for i in range(1, rng.randint(4, 7))),
        "> **Note:** " + sentence(rng),
        "### Response times",
        "| Channel | First answer | Resolution |\n|---|---|---:|\n"
        + "\n".join(f"| {ch} | {rng.randint(1, 4)} hours | {rng.randint(1, 10)} days |" for ch in CHANNELS[:5]),
        "### What to say",
        "> " + sentence(rng, 10, 20) + " " + sentence(rng, 10, 20),
        paragraph(rng, rng.randint(4, 8)),
        "- " + "\n- ".join(sentence(rng, 5, 10) for _ in range(rng.randint(3, 5))),
        "> [!WARNING] " + sentence(rng),
        paragraph(rng, rng.randint(4, 10)),
    ]
    return "\n\n".join(parts)


class Builder:
    """Builds the synthetic manual through the services, as the import command would."""

    def __init__(self, seed: int = 7):
        from django.contrib.auth.models import Group, User

        from policies import services

        self.services = services
        self.rng = random.Random(seed)
        self.manager = User.objects.create_user("bench-manager", password="x")
        self.manager.groups.add(Group.objects.get(name="Managers"))
        self.reader = User.objects.create_user("bench-agent", password="x")
        self.reader.groups.add(Group.objects.get(name="Agents"))
        self.manual = services.manual_save(
            manual=None,
            user=self.manager,
            data={
                "title": "Customer Service Manual",
                "slug": "bench",
                "organisation": "Acme Outfitters",
                "mission": "We help every customer **leave happier** than they came.",
                "vision": "Service people talk about, on every channel.",
            },
        )
        self.sections = []
        self.slugs: list[str] = []
        self.bodies: list[str] = []

    def grow_to(self, count: int) -> None:
        while len(self.slugs) < count:
            index = len(self.slugs)
            if index % 25 == 0:
                number = len(self.sections) + 1
                self.sections.append(
                    self.services.section_save(
                        section=None,
                        manual=self.manual,
                        user=self.manager,
                        data={
                            "title": f"Chapter {number}: " + " ".join(self.rng.choices(WORDS, k=2)).title(),
                            "slug": f"chapter-{number}",
                            "order": number,
                            "intro": paragraph(self.rng, 2),
                        },
                    )
                )
            slug = f"entry-{index + 1:04d}"
            body = make_body(self.rng, self.slugs)
            entry = self.services.entry_save_draft(
                entry=None,
                manual=self.manual,
                user=self.manager,
                data={
                    "title": f"{' '.join(self.rng.choices(WORDS, k=3)).title()} ({index + 1})",
                    "slug": slug,
                    "kind": self.rng.choice(KINDS),
                    "summary": sentence(self.rng),
                    "body": body,
                    "section": self.sections[-1],
                    "order": index,
                    "owner": "Customer care team",
                    "channels": self.rng.sample(CHANNELS, k=self.rng.randint(1, 3)),
                },
            )
            self.services.entry_approve(
                entry=entry, user=self.manager, change_summary="First publication", enforce_review=False
            )
            self.slugs.append(slug)
            self.bodies.append(body)


def measure_page(client, url: str, runs: int) -> tuple[int, float, int]:
    """(queries, median seconds, bytes) of GET url."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries, size = [], 0, 0
    for _ in range(runs):
        reset_queries()  # CaptureQueriesContext counts within DEBUG's query log, which holds at most 9000
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        queries, size = len(captured), len(response.content)
    return queries, statistics.median(times), size


def markdown_time(builder: Builder) -> float:
    from policies.rendering.markdown import render_markdown
    from policies.services import manual_link_map

    link_map = manual_link_map(builder.manual)
    started = time.perf_counter()
    for body in builder.bodies:
        render_markdown(body, link_map=link_map)
    return time.perf_counter() - started


def maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500, help="entries in the big manual (default 500)")
    parser.add_argument("--small", type=int, default=50, help="entries in the small manual (default 50)")
    parser.add_argument("--runs", type=int, default=5, help="runs per page measurement (median)")
    parser.add_argument("--markdown-runs", type=int, default=2, help="runs of the Markdown conversion (median)")
    parser.add_argument("--pdf-runs", type=int, default=1, help="runs of each PDF measurement (median)")
    parser.add_argument("--keep-pdf", type=Path, help="write the big manual's PDF here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pm-bench-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        return run(args)


def run(args) -> int:
    import weasyprint
    from django.conf import settings
    from django.test import Client
    from pypdf import PdfReader

    from policies import selectors
    from policies.rendering import pdf
    from policies.rendering.document import render_manual_html

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, target, "" if ok is None else ("PASS" if ok else "FAIL")))

    started = time.perf_counter()
    builder = Builder()
    client = Client()
    client.force_login(builder.reader)
    home_url = f"/manuals/{builder.manual.slug}/"
    print_url = f"/manuals/{builder.manual.slug}/print/"

    page_results = {}
    for size in (args.small, args.entries):
        t0 = time.perf_counter()
        builder.grow_to(size)
        print(f"built {size} entries in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        for name, url in (("Home page", home_url), ("Print page", print_url)):
            try:
                page_results[name, size] = measure_page(client, url, args.runs)
            except Exception as exc:  # another team's page may not be ready; report it and go on
                page_results[name, size] = None
                print(f"{name} at {size} entries failed: {exc!r}", file=sys.stderr)

    for name in ("Home page", "Print page"):
        small, big = page_results[name, args.small], page_results[name, args.entries]
        if small is None or big is None:
            row(f"{name}: SQL queries", "error", "same at any size", False)
            continue
        row(
            f"{name}: SQL queries at {args.small} / {args.entries}",
            f"{small[0]} / {big[0]}",
            "same",
            small[0] == big[0],
        )
        row(f"{name}: time at {args.small} entries", f"{small[1] * 1000:.1f} ms ({small[2] / 1e6:.2f} MB)")
        row(f"{name}: time at {args.entries} entries", f"{big[1] * 1000:.1f} ms ({big[2] / 1e6:.2f} MB)")

    md = statistics.median(markdown_time(builder) for _ in range(args.markdown_runs))
    row(f"Markdown alone, {len(builder.bodies)} bodies", f"{md * 1000:.0f} ms")
    big_print = page_results["Print page", args.entries]
    if big_print is not None:
        ratio = big_print[1] / md
        row("Print page / Markdown", f"{ratio:.3f}", "< 0.10", ratio < 0.10)

    # The PDF: the export as the view runs it, against WeasyPrint alone on the same HTML. The export goes
    # first so that the child's peak memory (RUSAGE_CHILDREN) is its own.
    snapshot = selectors.manual_snapshot(builder.manual)
    html = render_manual_html(selectors.manual_snapshot(builder.manual), for_pdf=True)
    export_times, alone_times = [], []
    data = b""
    for _ in range(args.pdf_runs):
        t0 = time.perf_counter()
        data = pdf.manual_pdf(selectors.manual_snapshot(builder.manual))
        export_times.append(time.perf_counter() - t0)
    child_rss = maxrss_mb(resource.RUSAGE_CHILDREN)
    self_rss_before = maxrss_mb(resource.RUSAGE_SELF)
    for _ in range(args.pdf_runs):
        t0 = time.perf_counter()
        weasyprint.HTML(string=html, base_url=pdf.base_url(), url_fetcher=pdf.safe_url_fetcher).write_pdf()
        alone_times.append(time.perf_counter() - t0)
    self_rss_after = maxrss_mb(resource.RUSAGE_SELF)
    export, alone = statistics.median(export_times), statistics.median(alone_times)
    pages = len(PdfReader(__import__("io").BytesIO(data)).pages)
    if args.keep_pdf:
        args.keep_pdf.write_bytes(data)
    row(f"PDF export (pdf.manual_pdf), {snapshot.entry_count} entries", f"{export:.1f} s")
    row("WeasyPrint alone, same HTML", f"{alone:.1f} s")
    row("PDF export / WeasyPrint alone", f"{export / alone:.3f}", "<= 1.15", export / alone <= 1.15)
    row("PDF pages", f"{pages} ({len(data) / 1e6:.1f} MB)")
    row("PDF pages per second (export)", f"{pages / export:.1f}")
    limit = settings.PDF_RENDER_MEMORY_MB
    row("Peak memory, PDF child (maxrss)", f"{child_rss:.0f} MB", f"< {limit} MB (limit)", child_rss < limit)
    row("Peak memory, this process before WeasyPrint alone", f"{self_rss_before:.0f} MB")
    row("Peak memory, this process after WeasyPrint alone", f"{self_rss_after:.0f} MB")

    return print_results(rows, started=started)


if __name__ == "__main__":
    sys.exit(main())
