"""Places where the apps built on policies add to its pages and texts, without policies importing them.

Policies sits below feedback, reviews and the rest, so it never imports them. Where one of its pages or texts
shows something of theirs, it offers a named place here; each app registers a provider for it in its
``AppConfig.ready``, and policies asks every registered provider in turn, in the order the apps are installed.
Providers take keyword arguments only::

    approval_form(entry) -> str              HTML added to the approve form of the review page (feedback: the open
                                             items the version answers, to tick; ticked ids are posted as
                                             ``answers`` and reach ``events.version_going_live``)
    approved(entry, version) -> str          a line told to the reviewer once the version is approved ("" for none)
    timeline(entry) -> list[TimelineEvent]   events for the entry's history (reviews, feedback answered)
    release_notes_under_entry(manual, since) -> dict[str, str]
                                             a line under each new or revised entry of the draft release notes,
                                             by entry slug (``since`` is the previous edition's release, or None)
    release_notes_sections(manual, since, changed_slugs) -> list[str]
                                             Markdown lines added after the changed entries (a section heading
                                             and its list), leaving out the entries in ``changed_slugs``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Contribution:
    """One place other apps add to. Registering the same provider again (``ready`` may run twice in tests)
    replaces it rather than asking it twice."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: dict[str, Callable[..., Any]] = {}

    def register(self, provider: Callable[..., Any]) -> Callable[..., Any]:
        self._providers[f"{provider.__module__}.{provider.__qualname__}"] = provider
        return provider

    def collect(self, **kwargs) -> list[Any]:
        """What every provider gives for ``kwargs``, in the order they registered."""
        return [provider(**kwargs) for provider in self._providers.values()]

    def __repr__(self) -> str:
        return f"<Contribution {self.name}: {', '.join(self._providers) or 'none'}>"


approval_form = Contribution("approval_form")
approved = Contribution("approved")
timeline = Contribution("timeline")
release_notes_under_entry = Contribution("release_notes_under_entry")
release_notes_sections = Contribution("release_notes_sections")
