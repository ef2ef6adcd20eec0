"""The health score in a manager's header, on every page inside a manual."""

from django import template

from policies.models import Manual

from ..health import health_summary

register = template.Library()


@register.inclusion_tag("dashboard/_health_badge.html", takes_context=True)
def health_badge(context, manual) -> dict:
    """The manual's health score, linking to the dashboard's health check. Costs no query while the score is
    cached; the dashboard page passes the one it has just worked out."""
    if not isinstance(manual, Manual) or manual.pk is None or not context.get("can_view_dashboard"):
        return {"summary": None}
    summary = context.get("health_summary") or health_summary(manual)
    return {"summary": summary, "manual": manual}
