"""Feedback shown on pages of other apps: the entry page's suggestion form and the review screen's open items."""

from django import template

from .. import selectors
from ..forms import SendForm

register = template.Library()


@register.simple_tag
def open_feedback(entry):
    """The entry's open feedback items, oldest first (for the review screen's checkboxes)."""
    return list(selectors.feedback_open_for_entry(entry)) if entry is not None else []


@register.simple_tag
def feedback_send_form():
    return SendForm(auto_id="feedback_%s")
