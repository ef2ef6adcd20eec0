"""Deployment checks: emails need the site's address to link back to it."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def site_url_check(app_configs, **kwargs):
    if getattr(settings, "SITE_URL", "").startswith(("http://", "https://")):
        return []
    return [
        Warning(
            "SITE_URL is not set, so links in notification emails have no host.",
            hint="Set DJANGO_SITE_URL to the address people open, e.g. https://manual.example.com.",
            id="notifications.W001",
        )
    ]
