"""Feedback shown on pages of other apps: the entry page's suggestion form."""

from django import template

from ..forms import SendForm

register = template.Library()


@register.simple_tag
def feedback_send_form():
    return SendForm(auto_id="feedback_%s")
