"""The results table every benchmark prints: one row per measure, with its value, target and PASS or FAIL."""

from __future__ import annotations

import time


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
