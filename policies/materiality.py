"""Whether a change looks material (readers must acknowledge it again) or minor, from what changed.

The review screen ticks the box as suggested and says why beside it; the reviewer decides. A change to what
readers must do (the rules text beyond a typo, the title, the targets, where or to whom it applies) suggests
material; scripts added, a corrected typo, the summary or the owner suggest minor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .models import Entry

# Field -> how the reason names it. The order is the order reasons are given in.
MATERIAL_FIELDS = {
    "title": "the title",
    "targets": "the targets",
    "channels": "the channels",
    "audience": "who it applies to",
    "kind": "the kind of entry",
}
MINOR_FIELDS = {
    "summary": "the summary",
    "owner": "the owner",
    "owner_user_id": "the owner",
    "owner_team_id": "the owner",
    "review_every_months": "the review interval",
    "effective_date": "the effective date",
    "questions": "the comprehension check",
}
_TOKENS = re.compile(r"\s+|[\w'’-]+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w", re.UNICODE)
TYPO_SIMILARITY = 0.75  # "recieve" -> "receive" is 0.86; "refund" -> "return" is 0.67


@dataclass(frozen=True)
class MaterialSuggestion:
    material: bool
    reason: str

    @property
    def text(self) -> str:
        return f"Suggested: {'material' if self.material else 'minor'} — {self.reason}"


def _joined(parts: list[str]) -> str:
    parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _negated(word: str) -> bool:
    return word.casefold().replace("’", "'").endswith("n't")


def is_typo_size(old: str, new: str) -> bool:
    """Whether ``new`` differs from ``old`` only by corrected spellings, punctuation or spacing: each changed word
    is replaced by one much like it, and no number changes ("30 days" to "60 days" is not a typo)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        removed, added = [t for t in a[i1:i2] if _WORD.search(t)], [t for t in b[j1:j2] if _WORD.search(t)]
        if not removed and not added:
            continue  # punctuation or spacing
        if len(removed) != len(added):
            return False  # a word added or taken away
        for was, now in zip(removed, added, strict=True):
            if any(c.isdigit() for c in was + now) or _negated(was) != _negated(now):
                return False  # "30 days" to "60 days", "can" to "can't": not typos
            if SequenceMatcher(None, was.casefold(), now.casefold()).ratio() < TYPO_SIMILARITY:
                return False
    return True


def _script_key(script: dict) -> tuple[str, str]:
    return script["channel"], script["situation"].strip().casefold()


def _scripts_change(old: list[dict], new: list[dict]) -> tuple[bool, str]:
    """(material, what happened) for a change to the scripts: only additions are minor."""
    old_by_key = {_script_key(s): s for s in old or []}
    new_keys = {_script_key(s) for s in new or []}
    kept_as_they_were = all(key in new_keys and s in (new or []) for key, s in old_by_key.items())
    added = len(new_keys - set(old_by_key))
    if kept_as_they_were and added:
        return False, "a script was added" if added == 1 else "scripts were added"
    return True, "a script was changed or removed"


def material_suggestion(entry: Entry) -> MaterialSuggestion:
    """Material or minor, and why, for the working copy against the version readers have now."""
    live = entry.live_version
    if live is None:
        return MaterialSuggestion(True, "a new entry readers have not read")
    material: list[str] = []
    minor: list[str] = []
    if live.body != entry.body:
        if is_typo_size(live.body, entry.body):
            minor.append("typo-size edits to the text")
        else:
            material.append("the rules text changed")
    if live.scripts != entry.scripts:
        is_material, what = _scripts_change(live.scripts, entry.scripts)
        (material if is_material else minor).append(what)
    for field, label in MATERIAL_FIELDS.items():
        if getattr(live, field) != getattr(entry, field):
            material.append(f"{label} changed")
    for field, label in MINOR_FIELDS.items():
        if getattr(live, field) != getattr(entry, field):
            minor.append(f"{label} changed")
    if material:
        return MaterialSuggestion(True, _joined(material))
    if not minor:
        return MaterialSuggestion(False, "nothing readers act on changed")
    return MaterialSuggestion(False, "only " + _joined(minor))
