"""Each app mounts its own pages under a manual, at the same addresses, and none is hidden by an entry's."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from policies.slugs import RESERVED_SLUGS

PAGES = [
    ("reviews:schedule", {}, "/manuals/service/reviews/", "reviews.views.schedule"),
    ("reviews:reminders", {}, "/manuals/service/reviews/reminders/", "reviews.views.reminders"),
    ("feedback:board", {}, "/manuals/service/feedback/", "feedback.views.board"),
    ("values:list", {}, "/manuals/service/values/", "policies.views.values.value_list"),
    ("values:detail", {"name": "refund_window"}, "/manuals/service/values/refund_window/",
     "policies.views.values.value_detail"),
    ("search:results", {}, "/manuals/service/search/", "search.views.results"),
    ("dashboard:index", {}, "/manuals/service/dashboard/", "dashboard.views.index"),
    ("policies:entry_detail", {"entry": "refund-policy"}, "/manuals/service/refund-policy/",
     "policies.views.reading.entry_detail"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kwargs", "path", "view"), PAGES)
def test_each_page_keeps_its_address_and_opens_its_own_view(name, kwargs, path, view):
    assert reverse(name, kwargs={"manual": "service", **kwargs}) == path
    found = resolve(path).func
    assert f"{found.__module__}.{found.__name__}" == view


def _first_segments(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _first_segments(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("manuals/<slug:manual>/"):
            segment = route.removeprefix("manuals/<slug:manual>/").split("/")[0]
            if segment and not segment.startswith("<") and "." not in segment:  # a file (manual.pdf) is no entry's
                yield segment


def test_no_page_under_a_manual_can_be_taken_by_an_entry():
    segments = set(_first_segments(get_resolver().url_patterns))
    assert {"reviews", "feedback", "values", "search", "dashboard"} <= segments
    assert segments <= RESERVED_SLUGS
