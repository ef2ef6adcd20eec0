"""The starter template: a customer service manual for any organisation to start from, in ``policies/starter/``.

It is an ordinary manual folder (docs/file-format.md), so the import reads and checks it, and creating a manual
from it is an import of drafts into a manual the user has just named. ``[your company]`` in its text becomes the
organisation's name; every other ``[your ...]`` placeholder is left for the user to fill in.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

from django.db import transaction

from .. import services
from ..models import Manual
from .folder import ManualPlan, read_manual_folder
from .importing import ImportReport, manual_import_plan

STARTER_FOLDER = Path(__file__).resolve().parent.parent / "starter"
COMPANY_PLACEHOLDER = "[your company]"
STARTER_REASON = "Started from the starter template"
# Taken from the starter when the user leaves them empty on the new-manual form.
STARTER_DEFAULTS = ("mission", "vision", "channels")

# Characters that would turn a name into Markdown formatting (emphasis, code, a link) or HTML.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<])")


def _markdown_literal(text: str) -> str:
    """``text`` escaped so that Markdown shows it as typed: "A*B" stays "A*B", not an emphasis."""
    return _MARKDOWN_SPECIAL.sub(lambda m: "&lt;" if m.group(1) == "<" else "\\" + m.group(1), text)


def starter_plan(*, organisation: str = "") -> ManualPlan:
    """The starter folder, read and checked, with ``organisation`` written in for every ``[your company]``.

    A plain text replacement: nothing in the template or the name is evaluated. In Markdown fields the name is
    escaped, so that it reads as typed. Without an organisation the placeholder stays, for the user to fill in.
    """
    plan = read_manual_folder(STARTER_FOLDER)
    name = " ".join(organisation.split())
    if not name:
        return plan

    def plain(text: str) -> str:
        return text.replace(COMPANY_PLACEHOLDER, name)

    def markdown(text: str) -> str:
        return text.replace(COMPANY_PLACEHOLDER, _markdown_literal(name))

    return replace(
        plan,
        organisation=plain(plan.organisation),
        mission=markdown(plan.mission),
        vision=markdown(plan.vision),
        sections=[replace(s, intro=markdown(s.intro)) for s in plan.sections],
        entries=[
            replace(e, title=plain(e.title), summary=plain(e.summary), body=markdown(e.body)) for e in plan.entries
        ],
    )


@cache
def starter_size() -> tuple[int, int]:
    """How many sections and entries the starter holds, for the new-manual form to say (read once)."""
    plan = read_manual_folder(STARTER_FOLDER)
    return len(plan.sections), len(plan.entries)


@transaction.atomic
def manual_create_from_starter(*, user, data: dict) -> tuple[Manual, ImportReport]:
    """Create a manual from the starter template: the manual as ``data`` gives it (the new-manual form's
    fields), with the starter's sections and every entry of it as a draft, closed to readers until a manager
    opens it.

    The mission, vision and channels come from the starter where ``data`` leaves them empty. The history
    records ``user`` and "Started from the starter template" on every row. All or nothing: if anything is
    refused, no manual is created.
    """
    plan = starter_plan(organisation=data.get("organisation", ""))
    data = {**data, **{name: getattr(plan, name) for name in STARTER_DEFAULTS if not data.get(name)}}
    # Closed to readers until a manager opens it: its statements and sections are the template's, placeholders
    # and all, until someone fills them in.
    manual = services.manual_save(manual=None, user=user, data=data, reason=STARTER_REASON, opened=False)
    # The plan now describes the manual just saved, so the import finds nothing to change in it and only adds
    # the sections and the drafts.
    plan = replace(plan, **{name: getattr(manual, name) for name in plan.manual_data()})
    report = manual_import_plan(
        plan=plan, publish=False, user=user, source="the starter template", reason=STARTER_REASON
    )
    return manual, report
