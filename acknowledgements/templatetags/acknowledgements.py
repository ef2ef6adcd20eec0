"""Acknowledgements shown on pages of the manual: the entry page's panel and the onboarding packet's signing.

The manual's pages know nothing of acknowledgements; their templates load these tags, which ask this app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template

from policies import selectors
from policies.diffing import rendered_diff
from policies.models import PDFKind, PDFStatus
from policies.rendering.markdown import reader_renderer
from policies.services import manual_link_map

from ..obligations import AckState, entry_state
from ..services import packet_checks_needed

register = template.Library()


@dataclass
class AckPanel:
    """What the entry page shows of acknowledging the version on it."""

    state: AckState | None = None  # where the reader stands with the entry; None when it asks nothing of them
    diff: list | None = None  # the change since the version they acknowledged, when they are asked again
    questions: list[dict] = field(default_factory=list)  # the comprehension check, with their last answers
    here: bool = False  # the form goes on this page (a change that takes effect later is acknowledged ahead)


@register.simple_tag(takes_context=True)
def entry_acknowledgement(context) -> AckPanel:
    """The panel for the entry page's ``entry`` (the live entry; None in a past view) and ``version``, for the
    signed-in reader. After a wrong try at the comprehension check, ``quiz`` in the context holds the answers given
    and the questions got wrong. Two queries (the reader's teams and acknowledgements); the diff, when shown, one
    more for the two versions' text."""
    entry, version = context.get("entry"), context.get("version")
    request = context.get("request")
    if entry is None or version is None or request is None:
        return AckPanel()
    state = entry_state(entry, request.user)
    panel = AckPanel(state=state, questions=_questions(version, context.get("quiz")))
    if state is None:
        return panel
    panel.here = state.done or state.required.pk == version.pk
    if state.asked_again:
        # The change as they will read it, unchanged paragraphs folded: rendered here, for this reader only.
        snapshot, manual = context["snapshot"], context["manual"]
        bodies = selectors.version_bodies([state.acknowledged, version])
        panel.diff = rendered_diff(
            bodies.get(state.acknowledged.pk, ""),
            bodies.get(version.pk, ""),
            render=reader_renderer(link_map=manual_link_map(manual), urls=snapshot.page_urls()),
        )
    return panel


def _questions(version, quiz) -> list[dict]:
    """The version's comprehension check for the template, with the reader's last answers and marks."""
    answers, wrong = (quiz or {}).get("answers", []), set((quiz or {}).get("wrong", []))
    return [
        {
            "number": number,
            "prompt": q["prompt"],
            "choices": [(i, text) for i, text in enumerate(q["choices"])],
            "chosen": answers[number - 1] if number <= len(answers) else None,
            "wrong": number in wrong,
        }
        for number, q in enumerate(version.questions or [], start=1)
    ]


@register.simple_tag(takes_context=True)
def packet_checks(context, pdf) -> list:
    """The versions of a finished onboarding packet that signing it will not acknowledge for the signed-in reader
    until they pass the entry's comprehension check."""
    request = context.get("request")
    if request is None or pdf.kind != PDFKind.ONBOARDING or pdf.status != PDFStatus.DONE:
        return []
    return packet_checks_needed(pdf=pdf, user=request.user)
