"""Readable word-level differences between two texts, built from escaped tokens."""

import re
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|[\w'’-]+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def word_diff(old: str, new: str) -> SafeString:
    """HTML of ``new`` with words removed from ``old`` in ``<del>`` and words added in ``<ins>``.

    Every token is escaped before the single ``mark_safe`` at the end.
    """
    a, b = _tokens(old), _tokens(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def has_changes(old: str, new: str) -> bool:
    return (old or "") != (new or "")
