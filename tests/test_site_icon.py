"""The site's icon: every page links it, and browsers asking for /favicon.ico are sent to it."""

from django.contrib.staticfiles import finders


def test_pages_link_the_icon_and_favicon_ico_redirects_to_it(client, db):
    assert finders.find("favicon.svg")
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
