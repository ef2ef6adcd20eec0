"""Refuse an import of a project module inside a function: it hides a dependency (often a cycle) from the layer
check. An import Django needs inside a function (an app's ``ready``) says so in a comment on its line naming
Django. Imports already there when the check began are listed in ``function_imports_baseline.txt`` and are to be
moved; a new one fails ``make lint``, and so does a listed one that has gone (remove it from the list).

Usage: python scripts/check_function_imports.py [--write-baseline]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "people", "notifications", "periodic", "policies", "reviews", "feedback", "search", "dashboard", "demo",
    "policymanual",
)  # fmt: skip
BASELINE = Path(__file__).with_name("function_imports_baseline.txt")


def _project_module(node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return "." * node.level + (node.module or "")
        if node.module and node.module.split(".")[0] in APPS:
            return node.module
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] in APPS:
                return alias.name
    return None


def function_imports() -> list[tuple[str, int, str]]:
    """(file:function, line, module) for each project import inside a function without a Django reason."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = path.read_text().splitlines()
            tree = ast.parse("\n".join(lines), filename=str(path))
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    module = _project_module(node)
                    if module and "Django" not in lines[node.lineno - 1]:
                        found.append((f"{path.relative_to(ROOT)}:{func.name}", node.lineno, module))
    return found


def main(argv: list[str]) -> int:
    found = function_imports()
    keys = sorted({f"{where} {module}" for where, _line, module in found})
    if "--write-baseline" in argv:
        BASELINE.write_text("\n".join(keys) + "\n")
        print(f"Wrote {len(keys)} imports to {BASELINE.name}.")
        return 0
    known = {line.strip() for line in BASELINE.read_text().splitlines() if line.strip()} if BASELINE.exists() else set()
    new = [(w, n, m) for w, n, m in found if f"{w} {m}" not in known]
    gone = sorted(known - set(keys))
    for where, line, module in new:
        path, func = where.split(":")
        print(f"{path}:{line}: imports {module} inside {func}(): import it at the top of the module, or say in a "
              "comment on the line why Django needs it here")
    for key in gone:
        print(f"{BASELINE.name}: '{key}' is no longer there: remove the line")
    if new or gone:
        return 1
    print(f"No new imports inside functions ({len(known)} listed to be moved).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
