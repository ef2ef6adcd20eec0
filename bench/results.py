"""The results table every benchmark prints: one row per measure, with its value, target and PASS or FAIL."""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def print_results(rows: list[tuple[str, str, str, str]], *, started: float) -> int:
    """Print ``rows`` (measure, value, target, result) as a table; 1 if any failed, else 0 (the exit status)."""
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    twidth = max(len(r[2]) for r in rows)
    print()
    print(f"{'Measure':<{width}}  {'Value':>{vwidth}}  {'Target':<{twidth}}  Result")
    print("-" * (width + vwidth + twidth + 14))
    for name, value, target, result in rows:
        print(f"{name:<{width}}  {value:>{vwidth}}  {target:<{twidth}}  {result}")
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 1 if any(r[3] == "FAIL" for r in rows) else 0


def setup_django_postgres(name: str) -> str | None:
    """Set Django up against a throwaway database ``<name of DATABASE_URL's>_<name>_<pid>`` beside the one
    DATABASE_URL names; that database's name, or None when DATABASE_URL is not a PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policymanual.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # The once-a-minute check for versions taking effect would add a query to whichever request comes first.
    import django

    warnings.filterwarnings("ignore", message="Limit for query logging exceeded")
    django.setup()
    from django.db import connection

    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{original}_{name}_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return original


def run_on_postgres(name: str, run: Callable[[], int]) -> int:
    """``run()`` against a throwaway PostgreSQL database (see ``setup_django_postgres``), dropped afterwards;
    its exit status, or 2 with a message when DATABASE_URL names no PostgreSQL database."""
    original = setup_django_postgres(name)
    if original is None:
        print("DATABASE_URL must name a PostgreSQL database (postgres://user@host:port/name); the benchmark makes "
              "a throwaway database beside it.", file=sys.stderr)  # fmt: skip
        return 2
    from django.db import connection

    try:
        return run()
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
