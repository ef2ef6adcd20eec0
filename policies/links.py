"""Where each live entry of a manual is read, for resolving the links between entries on a page."""

from django.urls import reverse

from .models import Entry, Manual


def entry_link_urls(manual: Manual) -> dict[int | str, str]:
    """URL of every live entry of a manual, by entry id and by slug: one query, for resolving links on a page."""
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    urls: dict[int | str, str] = {}
    for pk, slug in Entry.objects.live().filter(manual=manual).values_list("id", "slug"):
        urls[pk] = urls[slug] = f"{base}{slug}/"
    return urls
