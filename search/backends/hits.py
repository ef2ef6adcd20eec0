"""What a backend finds: one indexed entry and how well it matched."""

from dataclasses import dataclass


@dataclass
class Hit:
    entry_id: int
    slug: str
    title: str
    summary: str
    body: str
    kind: str
    section_title: str
    section_slug: str
    score: float
