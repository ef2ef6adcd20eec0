"""Benchmark search: how fast on a big manual, and how good on the demo manual.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_search.py [--entries 5000] [--runs 5] [--verbose]
    .venv/bin/python bench/bench_search.py --sqlite [...]      # the same on SQLite (FTS5), in a temporary file

Builds, in a throwaway database on the server ``DATABASE_URL`` names (created beside it and dropped at the end;
the database it names is not touched), or with ``--sqlite`` in a temporary SQLite file:

- the demo manual (``load_demo``'s year of history, published with the events muted, so this also checks that
  the index follows the demo), and a fixed set of questions an agent would type, each with the entry that
  should come first: how many come first, and how many are in the top three;
- a manual of N live entries (default 5,000) written in bulk, each about one product and one aspect of it
  (tent repairs, boots sizing, ...) in sentences of its own mixed with the demo manual's, indexed with
  ``index_rebuild`` (timed), and a set of queries (questions, single words, a phrase, misspellings, a filter):
  the median and 90th percentile time of ``search.selectors.search`` and of the search page, and the SQL
  queries of each.

Targets: a median search under 50 ms on PostgreSQL at 5,000 entries; at least 80% of the questions answered
first and 95% in the top three.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from results import print_results

ROOT = Path(__file__).resolve().parent.parent

# What agents type, and the entry that answers it. Written from the manual's contents pages, not from its
# text: the point is whether the words people use find the entry that answers them.
QUESTIONS = [
    ("how do I escalate an angry customer", "problem-solving"),
    ("damaged item", "gear-guarantee"),
    ("refnd", "refund-policy"),
    ("can a customer return something after 30 days", "refund-policy"),
    ("customer wants their money back", "refund-policy"),
    ("opened socks return", "refund-policy"),
    ("customer returning an item by post", "processing-returns"),
    ("refund to a different card", "processing-returns"),
    ("how long do we have to reply to a chat", "response-times"),
    ("what to say when a customer calls outside opening hours", "response-times"),
    ("putting a caller on hold", "phone-protocol"),
    ("how to transfer a call", "phone-protocol"),
    ("how many chats can I take at once", "chat-protocol"),
    ("when should I move a chat to a phone call", "chat-protocol"),
    ("customer asks us to delete their personal data", "customer-privacy"),
    ("how do I check the identity of a caller", "customer-privacy"),
    ("tent pole broke", "gear-guarantee"),
    ("faulty jacket repair", "gear-guarantee"),
    ("can I give a discount code for a late delivery", "goodwill-gestures"),
    ("who can approve compensation over 50 pounds", "goodwill-gestures"),
    ("how quickly must we answer a formal complaint", "handling-complaints"),
    ("customer is still unhappy after their complaint was answered", "handling-complaints"),
    ("reply to a bad review on social media", "social-media-protocol"),
    ("abusive comments on our social media", "social-media-protocol"),
    ("video call connection drops", "video-protocol"),
    ("layout of a letter", "written-letters-protocol"),
    ("customer brings an assistance dog", "accessible-service"),
    ("customer with a hearing impairment", "accessible-service"),
    ("greeting customers in the shop", "in-person-protocol"),
    ("long queue at the till", "in-person-protocol"),
    ("words to avoid with customers", "how-we-speak"),
    ("can I use emojis", "how-we-speak"),
    ("induction for new starters", "new-hire-training"),
    ("quality scorecard", "quality-reviews"),
    ("how do we ask customers for feedback", "customer-feedback"),
    ("who approves changes to the manual", "manual-review-schedule"),
    ("can I accept a gift from a customer", "code-of-conduct"),
    ("email template", "email-protocol"),
]
SPEED_QUERIES = [
    "refund", "refnd", "damaged item", "how do I escalate an angry customer", "customer wants their money back",
    '"full refund"', "chat protocol", "tent", "torn tent seam repair", "zzzz", "sleeping bag zip stuck",
    "who can approve compensation over 50 pounds", "customer", "privacy data request", "escalation -refund",
    "boots sizing", "hamock",
]  # fmt: skip


def setup_django(use_sqlite: bool, tmp: Path) -> str | None:
    """Set Django up against a throwaway database: beside the PostgreSQL one DATABASE_URL names (its original
    name is returned), or a fresh SQLite file."""
    sys.path.insert(0, str(ROOT))
    if use_sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'search.sqlite3'}"
    elif not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policymanual.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    warnings.filterwarnings("ignore", message="Limit for query logging exceeded")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if use_sqlite:
        call_command("migrate", verbosity=0)
        return "sqlite"
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{original}_bench_search_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return original


def load_demo():
    """The demo manual, loaded as ``load_demo`` does; returns it."""
    from demo.story import demo_load

    return demo_load().manual


def quality(manual, verbose: bool) -> tuple[int, int, list[str]]:
    from search.selectors import search

    first = top3 = 0
    misses = []
    for question, slug in QUESTIONS:
        found = [r.slug for r in search(manual, question, limit=3).results]
        first += bool(found) and found[0] == slug
        top3 += slug in found
        if not found or found[0] != slug:
            misses.append(f"  {question!r}: wanted {slug}, got {', '.join(found) or 'nothing'}")
    if verbose:
        print("\n".join(["Not first:", *misses]) if misses else "Every question answered first.", file=sys.stderr)
    return first, top3, misses


def demo_sentences() -> list[str]:
    """The demo manual's sentences, as the bulk entries' text."""
    text = " ".join(path.read_text().split("---", 2)[-1] for path in sorted((ROOT / "demo/manual").glob("*.md")))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[#>*|`_]+|\[![A-Z]+\]", " ", text)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text)) if len(s.split()) >= 4]


# The bulk manual's own subjects: each entry is about one product and one aspect of it, as the entries of a big
# manual are, and its text mixes sentences about that subject with the demo manual's service language.
PRODUCTS = """tent sleeping-bag rucksack daypack jacket fleece trousers boots trainers sandals socks gloves hat
    stove cookset lantern headtorch compass map-case trekking-pole karabiner harness rope helmet crampons
    ice-axe kayak paddle buoyancy-aid wetsuit bicycle pannier bike-lock tyre saddle child-carrier hammock
    tarp groundsheet mattress pillow water-filter bottle flask cooler chair table binoculars gps-watch
    snowshoes skis ski-boots goggles avalanche-transceiver probe shovel gaiters waterproof-cover dry-bag
    fishing-rod reel tackle-box climbing-shoes chalk-bag crash-pad bivvy-bag poncho umbrella""".split()
ASPECTS = """returns repairs sizing fitting cleaning storage delivery warranty recalls stock ordering discounts
    exchanges care-instructions spare-parts safety-checks hire servicing reservations pricing""".split()
PARTS = """zip seam buckle strap sole lace hood pocket pole fabric frame valve hinge cord stitching membrane
    liner lid handle wheel clip toggle mesh panel insole""".split()
ISSUES = """tear leak crack stain fade rust wobble squeak split peel fray snap jam stick slip shrink
    mould smell""".split()
ACTIONS = """inspect photograph measure clean replace tighten record label pack test dry weigh refit
    re-proof patch""".split()


def subject_sentences(rng: random.Random, product: str, aspect: str) -> list[str]:
    item = product.replace("-", " ")
    templates = [
        "Before any {aspect}, {action} the {item} {part} and note any {issue} in the customer record.",
        "A {issue} in the {part} of a {item} is covered when the {item} is used as intended.",
        "Customers asking about {aspect} for a {item} should be told what we can do and by when.",
        "If the {part} shows a {issue}, {action} it and offer the options for {aspect}.",
        "Most {item} questions about {aspect} come from a {issue} at the {part}.",
        "Never {action} a {item} {part} yourself when the {issue} affects safety; ask the workshop.",
        "For {aspect}, the {item} must come back with its {part} intact and without a {issue}.",
    ]
    return [
        rng.choice(templates).format(
            aspect=aspect.replace("-", " "), item=item, part=rng.choice(PARTS), issue=rng.choice(ISSUES),
            action=rng.choice(ACTIONS),
        ).capitalize()
        for _ in range(rng.randint(8, 16))
    ]  # fmt: skip


def build_manual(entries: int, seed: int = 7):
    """A manual of ``entries`` live entries written in bulk (one version each): each about one product and one
    aspect of it, in sentences of its own and sentences taken from the demo manual."""
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.utils import timezone

    from policies import services
    from policies.models import Entry, EntryStatus, EntryVersion

    rng = random.Random(seed)
    manager = User.objects.create_user("bench-search", password="x")
    manager.groups.add(Group.objects.get(name="Managers"))
    manual = services.manual_save(manual=None, user=manager, data={"title": "Big manual", "slug": "big"})
    sections = [
        services.section_save(section=None, manual=manual, user=manager,
                              data={"title": f"Section {i}", "slug": f"section-{i}", "order": i})
        for i in range(1, 11)
    ]  # fmt: skip
    sentences = demo_sentences()
    kinds = ["policy", "procedure", "protocol", "standard"]
    channels = ["in-person", "phone", "video", "written", "email", "chat", "social"]
    now = timezone.now()
    plans = []
    for i in range(entries):
        product, aspect = rng.choice(PRODUCTS), rng.choice(ASPECTS)
        title = f"{product.replace('-', ' ').capitalize()} {aspect.replace('-', ' ')} ({i + 1})"
        own = subject_sentences(rng, product, aspect) + rng.sample(sentences, k=rng.randint(3, 8))
        rng.shuffle(own)
        body = "\n\n".join(" ".join(own[j : j + 4]) for j in range(0, len(own), 4))
        summary = own[0][:300]
        plans.append((title, summary, body, rng.choice(kinds), rng.sample(channels, k=rng.randint(1, 3))))
    rows = Entry.objects.bulk_create(
        Entry(manual=manual, section=sections[i % 10], title=title, slug=f"entry-{i + 1:05d}", summary=summary,
              order=i, kind=kind, channels=chans, status=EntryStatus.PUBLISHED, has_unpublished_changes=False,
              first_published_at=now, last_published_at=now)
        for i, (title, summary, _body, kind, chans) in enumerate(plans)
    )  # fmt: skip
    versions = EntryVersion.objects.bulk_create(
        EntryVersion(entry=entry, number=1, kind=kind, title=title, slug=entry.slug, summary=summary, body=body,
                     body_html="".join(f"<p>{p}</p>" for p in body.split("\n\n")), section_id=entry.section_id,
                     order=entry.order, channels=chans, approved_at=now, change_summary="Published")
        for entry, (title, summary, body, kind, chans) in zip(rows, plans, strict=True)
    )  # fmt: skip
    for entry, version in zip(rows, versions, strict=True):
        entry.live_version = version
    Entry.objects.bulk_update(rows, ["live_version"], batch_size=1000)
    started = time.perf_counter()
    from search.indexing import index_rebuild

    indexed = index_rebuild(manual=manual)
    took = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as autovacuum would gather on a live database
    return manual, manager, indexed, took


def timed(function, runs: int) -> tuple[float, float, int]:
    """(median seconds, 90th percentile seconds, SQL queries) of calling ``function``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))], queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000, help="entries of the big manual (default 5000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each query (default 5)")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite (FTS5) in a temporary file")
    parser.add_argument("--verbose", action="store_true", help="list the questions not answered first")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        original = setup_django(args.sqlite, Path(tmp))
        if original is None:
            print("DATABASE_URL must name a PostgreSQL database (postgres://user@host:port/name), or use --sqlite;"
                  " the benchmark makes a throwaway database beside it.", file=sys.stderr)  # fmt: skip
            return 2
        from django.db import connection

        try:
            return run(args)
        finally:
            if not args.sqlite:
                connection.creation.destroy_test_db(original, verbosity=0)


def run(args) -> int:
    from django.db import connection
    from django.test import Client

    from policies.models import Entry
    from search.models import SearchDocument
    from search.selectors import SearchFilters, search

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, target, "" if ok is None else ("PASS" if ok else "FAIL")))

    started = time.perf_counter()
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    demo = load_demo()
    live = Entry.objects.live().filter(manual=demo).count()
    indexed = SearchDocument.objects.filter(manual=demo).count()
    row(f"Demo manual ({database}): live entries indexed after load_demo", f"{indexed} / {live}", "all",
        indexed == live)  # fmt: skip
    first, top3, _misses = quality(demo, args.verbose)
    n = len(QUESTIONS)
    row(f"Questions answered first ({n} questions)", f"{first} ({first / n:.0%})", ">= 80%", first >= 0.8 * n)
    row("Questions answered in the top three", f"{top3} ({top3 / n:.0%})", ">= 95%", top3 >= 0.95 * n)

    t0 = time.perf_counter()
    manual, manager, count, took = build_manual(args.entries)
    print(f"built {args.entries} entries in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    row(f"Index build, {count} entries (index_rebuild)", f"{took:.1f} s")
    medians, worst = [], []
    for query in SPEED_QUERIES:
        median, p90, queries = timed(lambda q=query: search(manual, q), args.runs)
        medians.append(median)
        worst.append((p90, query))
        if args.verbose:
            print(f"  {query!r}: {median * 1000:.1f} ms, {queries} queries", file=sys.stderr)
    overall = statistics.median(medians)
    target_ok = overall < 0.05 if database == "PostgreSQL" else None
    row(f"search(): median of {len(SPEED_QUERIES)} queries at {args.entries} entries", f"{overall * 1000:.1f} ms",
        "< 50 ms" if database == "PostgreSQL" else "", target_ok)  # fmt: skip
    slowest = max(worst)
    row(f"search(): slowest query's 90th percentile ({slowest[1]!r})", f"{slowest[0] * 1000:.1f} ms")
    median, _p90, queries = timed(lambda: search(manual, "refund", SearchFilters(kind="policy", channel="chat")),
                                  args.runs)  # fmt: skip
    row("search() with kind and channel filters ('refund')", f"{median * 1000:.1f} ms, {queries} queries")
    client = Client()
    client.force_login(manager)
    for label, query in [("found", "refund"), ("nothing found", "zzzz")]:
        url = f"/manuals/{manual.slug}/search/?q={query}"
        median, _p90, queries = timed(lambda u=url: client.get(u), args.runs)
        row(f"Search page, {label} ({query!r})", f"{median * 1000:.0f} ms, {queries} queries")
    # The search page shows the manual's contents beside the results, as every reading page does: the home page
    # is what that costs alone.
    median, _p90, queries = timed(lambda: client.get(f"/manuals/{manual.slug}/"), args.runs)
    row(f"For comparison: the home page (the same contents, {args.entries} entries)",
        f"{median * 1000:.0f} ms, {queries} queries")  # fmt: skip
    return print_results(rows, started=started)


if __name__ == "__main__":
    sys.exit(main())
