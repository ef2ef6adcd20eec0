"""Mutation testing of the modules that hold the manual's rules (`make mutate`; not part of CI).

mutmut changes one small thing at a time in a rule (a `>` becomes `>=`, a `True` becomes `False`, an argument is
dropped) and runs the tests that reach it; a change no test notices is a rule that could be deleted with every
test green. The modules (`only_mutate`) and the tests that exercise them (`tests_dir`) are listed under
`[tool.mutmut]` in pyproject.toml. This script runs mutmut and prints a score per module, which
`docs/mutation.md` records:

    make mutate                          # runs mutmut, then prints the scores
    python scripts/mutate.py --scores    # the scores of the last run only
    .venv/bin/mutmut results             # the surviving mutants; `mutmut show <name>` prints one as a diff

mutmut keeps its results in `mutants/` and tests again only the mutants whose function changed since.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# mutmut's exit codes for a mutant: a failing test run or a run cut short for taking too long kills it.
KILLED = {1, 3, -24, 24, 36, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


def modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return config["only_mutate"]


def scores() -> list[dict]:
    rows = []
    for module in modules():
        meta = ROOT / "mutants" / f"{module}.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        rows.append(
            {
                "module": module,
                "mutants": len(codes),
                "killed": sum(code in KILLED for code in codes.values()),
                "survived": sorted(name for name, code in codes.items() if code in SURVIVED),
                "untested": sum(code in NO_TESTS for code in codes.values()),
                "unchecked": sum(code is None for code in codes.values()),
            }
        )
    return rows


def report() -> None:
    print(f"{'module':40} {'mutants':>8} {'killed':>7} {'survived':>9} {'no test':>8} {'score':>6}")
    for row in scores():
        checked = row["killed"] + len(row["survived"])
        score = f"{100 * row['killed'] / checked:.0f}%" if checked else "-"
        print(
            f"{row['module']:40} {row['mutants']:>8} {row['killed']:>7} {len(row['survived']):>9} "
            f"{row['untested']:>8} {score:>6}"
        )
        if row["unchecked"]:
            print(f"    {row['unchecked']} not checked yet (the run was stopped)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scores", action="store_true", help="print the scores of the last run, run nothing")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args()
    if not args.scores:
        with tempfile.TemporaryDirectory() as folder:
            # Migrated once here; each mutant's tests start on a copy (tests/conftest.py) instead of migrating anew.
            template = Path(folder) / "template.sqlite3"
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{template}"}
            subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
            env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
            env["TEST_DATABASE_TEMPLATE"] = str(template)
            mutmut = Path(sys.executable).with_name("mutmut")
            command = [str(mutmut), "run", "--max-children", str(args.children)]
            subprocess.run(command, cwd=ROOT, env=env, check=False)
    report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
