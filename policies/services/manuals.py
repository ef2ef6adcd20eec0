"""Manuals and their sections: creating them, changing their statements and settings, arranging them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Entry, Manual, Section
from ..permissions import can_manage, require
from ..rendering.markdown import render_markdown
from ..slugs import manual_slug_problem
from ..text import normalise_text
from .common import apply_changes, manual_link_map, save_with_history, touch_manual

MANUAL_TEXT_FIELDS = ("mission", "vision")


def manual_save(*, manual: Manual | None, user, data: dict, reason: str = "") -> Manual:
    """Create a manual or change its title, organisation, mission, vision or settings."""
    require(can_manage(user), "Only managers can change a manual.")
    data = {k: normalise_text(v) if k in MANUAL_TEXT_FIELDS else v for k, v in data.items()}
    creating = manual is None
    manual = manual or Manual()
    if "slug" in data and data["slug"] != manual.slug:
        problem = manual_slug_problem(data["slug"], manual=manual)
        if problem:
            raise ValidationError({"slug": problem})
    if not apply_changes(manual, data) and not creating:
        return manual
    link_map = manual_link_map(manual) if manual.pk else None
    manual.mission_html = render_markdown(manual.mission, link_map=link_map)
    manual.vision_html = render_markdown(manual.vision, link_map=link_map)
    manual.content_changed_at = timezone.now()
    save_with_history(manual, user=user, reason=reason or ("Created the manual" if creating else "Edited the manual"))
    return manual


def section_save(*, section: Section | None, manual: Manual, user, data: dict, reason: str = "") -> Section:
    """Create a section or change its title, slug, intro or place."""
    require(can_manage(user), "Only managers can change sections.")
    if "intro" in data:
        data = {**data, "intro": normalise_text(data["intro"])}
    creating = section is None
    section = section or Section(manual=manual)
    if not apply_changes(section, data) and not creating:
        return section
    section.intro_html = render_markdown(section.intro, link_map=manual_link_map(manual))
    save_with_history(section, user=user, reason=reason or ("Added the section" if creating else "Edited the section"))
    touch_manual(manual)
    return section


@transaction.atomic
def entries_reorder(*, section: Section, user, entry_ids: list[int]) -> None:
    """Put the entries of a section in the given order."""
    from .entries import entry_move

    require(can_manage(user), "Only managers can arrange the manual.")
    entries = {e.pk: e for e in Entry.objects.filter(section=section)}
    if set(entry_ids) != set(entries):
        raise ValidationError("The new order must list every entry of the section once.")
    for position, pk in enumerate(entry_ids, start=1):
        if entries[pk].order != position:
            entry_move(entry=entries[pk], user=user, order=position)


@transaction.atomic
def sections_reorder(*, manual: Manual, user, section_ids: list[int]) -> None:
    """Put the sections of a manual in the given order."""
    require(can_manage(user), "Only managers can arrange the manual.")
    sections = {s.pk: s for s in Section.objects.filter(manual=manual)}
    if set(section_ids) != set(sections):
        raise ValidationError("The new order must list every section of the manual once.")
    for position, pk in enumerate(section_ids, start=1):
        section_save(section=sections[pk], manual=manual, user=user, data={"order": position}, reason="Reordered")
