"""Words: what the index stores of an entry, and what a typed query means.

The same rules serve both databases: PostgreSQL's ``english`` configuration and SQLite's FTS5 ``porter``
tokenizer stem the text they index, and this module stems the query the same way (the Snowball English stemmer
PostgreSQL uses) to drop stop words, add synonyms, mark the words of a snippet and suggest spellings.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

QUERY_MAX = 200
MAX_TERMS = 12
# A word held by more than this share of a manual's entries is too common to decide a search by (see
# ParsedQuery.planned); not applied to manuals of fewer entries than MIN_DOCUMENTS_FOR_COMMON.
COMMON_SHARE = 0.5
MIN_DOCUMENTS_FOR_COMMON = 8

# PostgreSQL's English stop words, and the words of a question that say how it is asked rather than what about:
# "how do I escalate an angry customer" is a search for "escalate angry customer".
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing don down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves
    able allowed anyone anything ask asks cannot could get gets getting go going happen happens know let lets
    may might must need needs please say someone something tell thing things want wants way ways whether
    s t d ll m re ve don doesn didn isn aren wasn
    """.split()
)

# Words agents type for what the manual names otherwise. Each group is searched as one: any of its words
# matches. General service vocabulary, not tuned to any one manual.
SYNONYMS = [
    ("angry", "upset", "irate", "frustrated", "furious", "annoyed"),
    ("refund", "reimburse", "reimbursement", "repay"),
    ("broken", "faulty", "defective", "damaged", "fault"),
    ("complaint", "complain", "grievance"),
    ("escalate", "escalation", "supervisor"),
    ("compensation", "compensate", "goodwill", "gesture"),
    ("guarantee", "warranty"),
    ("receipt", "proof"),
    ("rude", "abusive", "aggressive"),
    ("phone", "call", "telephone"),
    ("chat", "messaging", "message"),
    ("privacy", "gdpr", "personal", "data"),
    ("delay", "late", "delayed"),
    ("discount", "voucher", "coupon"),
    ("exchange", "swap", "replace", "replacement"),
    ("fix", "repair"),
    ("shop", "store"),
    ("training", "induction", "onboarding"),
    ("disabled", "disability", "accessible", "accessibility"),
]

_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Tags that end a block of text, read as a space; other tags (bold, links, code) are dropped with nothing in their
# place, so "30 <strong>days</strong>." stays "30 days.".
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|blockquote|pre|figure|"
    r"figcaption|img)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word (as PostgreSQL's ``english`` configuration makes it)."""
    return _stemmer.stemWord(word)


def _synonym_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for group in SYNONYMS:
        for word in group:
            index.setdefault(stem(word), group)
    return index


_SYNONYMS_BY_STEM = _synonym_index()


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, in order."""
    return _WORD.findall(text.lower())


def plain_text(body_html: str) -> str:
    """The text of an entry's stored (sanitised) HTML, as readers read it: tags gone, entities decoded, every
    run of white space one space. Control characters are removed, so they can mark matches in snippets."""
    text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", body_html or "")))
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def clean_line(value: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub(" ", value or "")).strip()


def normalise_query(query: str) -> str:
    """How failed searches are grouped: lower case, one space between words, at most 200 characters."""
    return _SPACES.sub(" ", (query or "").lower()).strip()[:QUERY_MAX]


def vocabulary(*texts: str) -> set[str]:
    """The words a document offers for spelling suggestions: three letters or more, no digits, no stop words."""
    found = set()
    for text in texts:
        for word in words(text):
            if 3 <= len(word) <= 40 and word.isalpha() and word not in STOP_WORDS:
                found.add(word)
    return found


@dataclass
class Term:
    """One thing to look for: a word (with its synonyms) or a quoted phrase. ``typed`` holds the other words
    typed that are synonyms of it ("phone call"): one thing asked for, in two words."""

    text: str
    phrase: bool = False
    alternatives: tuple[str, ...] = ()
    typed: tuple[str, ...] = ()

    @property
    def variants(self) -> tuple[str, ...]:
        return (self.text, *self.typed, *[a for a in self.alternatives if a != self.text and a not in self.typed])


@dataclass
class ParsedQuery:
    """A typed query, web-search style: words, "quoted phrases", and -words to leave out. Stop words are dropped
    (PostgreSQL's index does not hold them); ``or`` between words is read as the default (any word may match,
    entries with more of them rank first)."""

    raw: str
    terms: list[Term] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def stems(self) -> set[str]:
        """Stems of every word searched for, synonyms included: the words a snippet marks."""
        found = set()
        for term in self.terms:
            for variant in term.variants:
                found.update(stem(w) for w in words(variant))
        return found

    def planned(self, frequencies: dict[str, int], documents: int, *, enough: int | None = None) -> ParsedQuery:
        """The query as it will be run, given how many of the manual's ``documents`` hold each stem:

        - a word in more than half of the entries (every entry of a service manual says "customer") tells them
          apart too little to decide which match, so it is left out while rarer words remain;
        - synonyms widen the search for a word only where fewer than ``enough`` entries use the word itself.
        """
        terms = self.terms
        if documents >= MIN_DOCUMENTS_FOR_COMMON:
            rare = [t for t in terms if t.phrase or frequencies.get(stem(t.text), 0) <= documents * COMMON_SHARE]
            if rare:
                terms = rare
        if enough is not None:
            terms = [
                Term(text=t.text, typed=t.typed) if frequencies.get(stem(t.text), 0) >= enough else t for t in terms
            ]
        return ParsedQuery(raw=self.raw, terms=terms, excluded=self.excluded)

    @property
    def plain_words(self) -> list[str]:
        """The single words of the query (not phrases), in order: the ones a spelling suggestion may replace."""
        return [t.text for t in self.terms if not t.phrase]


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(query: str, *, synonyms: bool = True) -> ParsedQuery:
    """Read ``query`` as a search engine would (see ``ParsedQuery``)."""
    raw = clean_line(query)[:QUERY_MAX]
    parsed = ParsedQuery(raw=raw)
    kept: list[Term] = []
    seen: set[str] = set()
    for match in _TOKEN.finditer(raw):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            phrase_words = words(quoted)
            if not phrase_words:
                continue
            if negated:
                parsed.excluded.extend(phrase_words)
            elif len(phrase_words) == 1:
                _add_word(phrase_words[0], kept, seen, synonyms=False)
            else:
                text = " ".join(phrase_words)
                if text not in seen:
                    seen.add(text)
                    kept.append(Term(text=text, phrase=True))
            continue
        if bare.startswith("-") and len(bare) > 1:
            parsed.excluded.extend(words(bare[1:]))
            continue
        for word in words(bare):
            if word in ("or", "and"):
                continue
            _add_word(word, kept, seen, synonyms=synonyms)
    parsed.terms = kept[:MAX_TERMS]  # nothing but stop words ("how do I"): nothing to look for
    parsed.excluded = [w for w in dict.fromkeys(parsed.excluded) if w not in STOP_WORDS][:MAX_TERMS]
    return parsed


def _add_word(word: str, kept: list[Term], seen: set[str], *, synonyms: bool) -> None:
    key = stem(word)
    if key in seen or word in STOP_WORDS:
        return
    seen.add(key)
    for term in kept:  # a synonym of a word already typed joins it
        if not term.phrase and any(stem(a) == key for a in term.alternatives):
            term.typed += (word,)
            return
    alternatives = _SYNONYMS_BY_STEM.get(key, ()) if synonyms else ()
    kept.append(Term(text=word, alternatives=tuple(a for a in alternatives if stem(a) != key)))


@dataclass
class Vocabulary:
    """What a manual's vocabulary says about the stems of a query."""

    frequencies: dict[str, int] = field(default_factory=dict)  # stem -> documents holding it (most of any form)
    forms: dict[str, set[str]] = field(default_factory=dict)  # stem -> the manual's words with that stem
    documents: int = 0  # documents of the manual


class Matcher:
    """Finds the words of a text whose stem was searched for, by their forms in the manual's vocabulary (and as
    typed): one regular expression, no stemming of the text."""

    def __init__(self, parsed: ParsedQuery, vocabulary: Vocabulary):
        stem_of: dict[str, str] = {}
        for word_stem in parsed.stems:
            for form in vocabulary.forms.get(word_stem, ()):
                stem_of[form] = word_stem
        for term in parsed.terms:
            for variant in term.variants:
                for word in words(variant):
                    stem_of.setdefault(word, stem(word))
        self.stem_of = stem_of
        alternatives = "|".join(re.escape(w) for w in sorted(stem_of, key=len, reverse=True))
        self._lower = re.compile(rf"\b(?:{alternatives})\b") if stem_of else None
        self._any_case = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE) if stem_of else None

    def counts(self, text: str) -> dict[str, int]:
        """How often each searched stem occurs in ``text``."""
        found: dict[str, int] = {}
        if self._lower is not None:
            for word in self._lower.findall(text.lower()):
                word_stem = self.stem_of[word]
                found[word_stem] = found.get(word_stem, 0) + 1
        return found

    def positions(self, text: str) -> list[tuple[int, str]]:
        """(offset, stem) of each searched word in ``text``, in order."""
        if self._lower is None:
            return []
        return [(m.start(), self.stem_of[m.group()]) for m in self._lower.finditer(text.lower())]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, stem) of each searched word in ``text``."""
        if self._any_case is None or not text:
            return []
        return [(m.start(), m.end(), self.stem_of.get(m.group().lower(), "")) for m in self._any_case.finditer(text)]


def edit_distance(a: str, b: str) -> int:
    """Letters to insert, delete, change or swap with a neighbour to turn ``a`` into ``b``."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]


def correction(word: str, candidates: list[tuple[str, int]]) -> str | None:
    """The spelling ``word`` was probably meant as, among ``candidates`` (the manual's words like it, with the
    documents holding each), or None. A slip of the fingers: one letter wrong in a short word, two in a longer
    one, and the first letter right unless only one letter is wrong, so "refnd" becomes "refund" but a real word
    the manual does not use ("lessons") is not turned into one it does ("sessions")."""
    allowed = 1 if len(word) <= 5 else 2
    best = None
    for candidate, documents in candidates:
        distance = edit_distance(word, candidate)
        if candidate == word or distance > allowed or (distance > 1 and candidate[0] != word[0]):
            continue
        key = (distance, -documents, candidate)
        if best is None or key < best[0]:
            best = (key, candidate)
    return best[1] if best else None
