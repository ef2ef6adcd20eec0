"""Ranking: the database finds the candidates, this module orders them, the same way on both databases.

The score is BM25 over three fields (a ranking function every search engine uses), with each field saturated
on its own and weighed: a word in the title counts three times one in the body, in the summary half as much as
in the title. A rare word counts for more than a common one (inverse document frequency, from the manual's
vocabulary). Each searched word counts once, through whichever of its forms or synonyms scores best, a synonym
at SYNONYM_WEIGHT of the word typed, so a question finds the entry holding most of what it asks about.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .text import Matcher, ParsedQuery, Vocabulary, stem, words

TITLE_WEIGHT = 3.0
SUMMARY_WEIGHT = 1.5
BODY_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.6
# Words asked for together and written close together (within PROXIMITY characters, two lines or so) are more
# likely about what was asked than the same words scattered over an entry: each word of the closest such stretch
# adds PROXIMITY_WEIGHT of its weight once more.
PROXIMITY = 150
PROXIMITY_WEIGHT = 0.7
K1 = 1.2
B = 0.75


def idf(document_frequency: int, documents: int) -> float:
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def _saturated(count: int, length_ratio: float = 1.0) -> float:
    if not count:
        return 0.0
    return count * (K1 + 1) / (count + K1 * (1 - B + B * length_ratio))


@dataclass
class _Variant:
    stem: str
    weight: float


class Scorer:
    """Scores documents for one planned query, given the manual's ``vocabulary``."""

    def __init__(self, parsed: ParsedQuery, vocabulary: Vocabulary):
        self.documents = max(vocabulary.documents, 1)
        self.frequencies = vocabulary.frequencies
        self.matcher = Matcher(parsed, vocabulary)
        self.groups: list[list[_Variant]] = []
        self.phrases: list[tuple[re.Pattern, float]] = []
        for term in parsed.terms:
            if term.phrase:
                pattern = r"\W+".join(rf"\b{re.escape(stem(w)[:4])}\w*" for w in words(term.text))
                phrase_idf = max((self._idf(stem(w)) for w in words(term.text)), default=1.0)
                self.phrases.append((re.compile(pattern, re.IGNORECASE), phrase_idf))
                continue
            typed = {stem(w) for w in (term.text, *term.typed)}
            variants = [_Variant(s, 1.0) for s in sorted(typed)]
            variants += [_Variant(s, SYNONYM_WEIGHT) for s in sorted({stem(a) for a in term.alternatives} - typed)]
            self.groups.append(variants)
        # stem -> (group, weight of the stem in it: its idf, less for a synonym), for proximity
        self._groups_of: dict[str, list[tuple[int, float]]] = {}
        for index, variants in enumerate(self.groups):
            for v in variants:
                self._groups_of.setdefault(v.stem, []).append((index, v.weight * self._idf(v.stem)))

    def _idf(self, word_stem: str) -> float:
        return idf(self.frequencies.get(word_stem, 1), self.documents)

    def _near(self, positions: list[tuple[int, str]]) -> float:
        """The weight of the words of different groups found closest together in the text (0 for fewer than
        two)."""
        if len(self.groups) < 2 or len(positions) < 2:
            return 0.0
        best = 0.0
        for i, (start, _stem) in enumerate(positions):
            groups: dict[int, float] = {}
            for offset, word_stem in positions[i:]:
                if offset > start + PROXIMITY:
                    break
                for index, weight in self._groups_of.get(word_stem, ()):
                    groups[index] = max(groups.get(index, 0.0), weight)
            if len(groups) >= 2:
                best = max(best, sum(groups.values()))
        return best

    def score(self, title: str, summary: str, body: str, *, average_length: float) -> float:
        counts = self.matcher.counts
        title_counts, summary_counts = counts(title), counts(summary)
        positions = self.matcher.positions(body)
        body_counts: dict[str, int] = {}
        for _offset, word_stem in positions:
            body_counts[word_stem] = body_counts.get(word_stem, 0) + 1
        length_ratio = (len(body) / average_length) if average_length else 1.0
        total = PROXIMITY_WEIGHT * self._near(positions)
        for variants in self.groups:
            total += max(
                v.weight
                * self._idf(v.stem)
                * (
                    TITLE_WEIGHT * _saturated(title_counts.get(v.stem, 0))
                    + SUMMARY_WEIGHT * _saturated(summary_counts.get(v.stem, 0))
                    + BODY_WEIGHT * _saturated(body_counts.get(v.stem, 0), length_ratio)
                )
                for v in variants
            )
        for pattern, phrase_idf in self.phrases:
            total += phrase_idf * (
                TITLE_WEIGHT * _saturated(len(pattern.findall(title)))
                + SUMMARY_WEIGHT * _saturated(len(pattern.findall(summary)))
                + BODY_WEIGHT * _saturated(len(pattern.findall(body)), length_ratio)
            )
        return total


def rank(hits: list, parsed: ParsedQuery, vocabulary: Vocabulary) -> list:
    """``hits`` (with ``title``, ``summary``, ``body``) best first, each given its ``score``; ties keep the
    database's order."""
    if not hits:
        return hits
    scorer = Scorer(parsed, vocabulary)
    average_length = sum(len(h.body) for h in hits) / len(hits)
    for hit in hits:
        hit.score = scorer.score(hit.title, hit.summary, hit.body, average_length=average_length)
    return sorted(hits, key=lambda h: -h.score)
