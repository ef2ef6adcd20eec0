from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from dashboard.my import my_home


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links; send them to the icon in the static files. The
    URL is worked out per request because in production it carries the file's hash from the static manifest."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="my_home", permanent=False)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
    # Each app mounts its own pages. Those under a manual come before policies', whose <manual>/<entry>/ would
    # take any of them for an entry.
    path("manuals/", include("acknowledgements.urls")),
    path("manuals/<slug:manual>/search/", include("search.urls")),
    path("manuals/<slug:manual>/dashboard/", include("dashboard.urls")),
    path("manuals/<slug:manual>/feedback/", include("feedback.urls")),
    path("manuals/<slug:manual>/values/", include("policies.value_urls")),
    path("manuals/<slug:manual>/reviews/", include("reviews.urls")),
    path("manuals/", include("policies.urls")),
    path("people/", include("people.urls")),
    path("my/", my_home, name="my_home"),
    path("my/notifications/", include("notifications.urls")),
]
