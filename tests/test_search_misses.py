"""Failed searches: searches that found nothing and results that did not help are recorded once a day per person,
and managers see them grouped, download them and turn them into feedback."""

import csv
import io

import pytest
from django.test import Client

from feedback.models import FeedbackItem, Source
from search.models import FailedSearchFeedback, SearchLog, SearchOutcome
from search.selectors import top_failed_searches


@pytest.fixture
def refund_policy(live):
    return live("refund-policy", title="Refund policy", body="Refunds within 30 days.")


def test_a_search_that_finds_nothing_is_recorded_once_a_day(client, dave, manual, refund_policy):
    client.force_login(dave)
    for _ in range(3):  # reloading the page counts once
        page = client.get("/manuals/service/search/?q=  Rain+CHECK  ").content.decode()
    assert "We have noted this search for the manual's editors" in page
    assert 'class="search-results"' not in page
    log = SearchLog.objects.get()
    assert (log.query, log.normalised_query, log.outcome) == ("Rain CHECK", "rain check", SearchOutcome.NO_RESULTS)
    assert log.user == dave and log.teams == ",chat-support," and log.team_slugs == ["chat-support"]
    client.get("/manuals/service/search/?q=rain+check")
    assert SearchLog.objects.count() == 1  # the same search, as normalised


def test_searches_that_find_something_are_not_recorded(client, carol, manual, refund_policy):
    client.force_login(carol)
    client.get("/manuals/service/search/?q=refund")
    client.get("/manuals/service/search/?q=refnd")  # found through the spelling suggestion
    client.get("/manuals/service/search/?q=refund&kind=protocol")  # only the filters hid it
    client.get("/manuals/service/search/?q=how+do+I")  # nothing to look for
    assert not SearchLog.objects.exists()


def test_a_result_that_did_not_help_is_recorded_and_the_reader_thanked(client, dave, manual, refund_policy):
    client.force_login(dave)
    page = client.get("/manuals/service/search/?q=refund&channel=chat").content.decode()
    button = 'This did not help<span class="sr-only"> (“Refund policy”)</span></button>'
    assert button not in page  # filtered out
    page = client.get("/manuals/service/search/?q=refund").content.decode()
    assert button in page
    for _ in range(2):
        response = client.post(
            "/manuals/service/search/not-helpful/", {"q": "Refund", "entry": "refund-policy", "kind": "policy"}
        )
    assert response.status_code == 302 and response.url == "/manuals/service/search/?q=Refund&kind=policy"
    page = client.get(response.url).content.decode()
    assert "Thank you. We have noted that “Refund policy” did not answer your search" in page
    log = SearchLog.objects.get()
    assert (log.outcome, log.entry, log.normalised_query, log.teams) == (
        SearchOutcome.NOT_HELPFUL, refund_policy, "refund", ",chat-support,"
    )  # fmt: skip


def test_did_not_help_is_a_post_with_the_csrf_token(manual, carol, refund_policy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    assert client.get("/manuals/service/search/not-helpful/?q=refund&entry=refund-policy").status_code == 405
    assert (
        client.post("/manuals/service/search/not-helpful/", {"q": "refund", "entry": "refund-policy"}).status_code
        == 403
    )
    assert not SearchLog.objects.exists()


def test_only_managers_see_failed_searches(client, carol, bob, alice, manual):
    for user in (carol, bob):
        client.force_login(user)
        assert client.get("/manuals/service/search/misses/").status_code == 403
        assert client.post("/manuals/service/search/misses/feedback/", {"q": "x"}).status_code == 403
    client.force_login(alice)
    page = client.get("/manuals/service/search/misses/").content.decode()
    assert "No failed searches in this period." in page
    assert 'href="/manuals/service/search/misses/" aria-current="page">Failed searches</a>' in page


def _searched(manual, user, query, outcome=SearchOutcome.NO_RESULTS, entry=None):
    from search.services import search_log_record

    return search_log_record(manual=manual, user=user, query=query, outcome=outcome, entry=entry)


@pytest.fixture
def misses(manual, carol, dave, bob, refund_policy, phone):
    carol.profile.teams.add(phone)
    for user in (carol, dave, bob):
        _searched(manual, user, "Rain check")
    _searched(manual, dave, "rain  CHECK", SearchOutcome.NOT_HELPFUL, entry=refund_policy)
    _searched(manual, carol, "gift cards")


def test_top_failed_searches_groups_them_in_one_query(manual, misses, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = top_failed_searches(manual)
    assert [(r.query, r.count, r.no_results, r.not_helpful, r.people) for r in rows] == [
        ("rain check", 4, 3, 1, 3),
        ("gift cards", 1, 1, 0, 1),
    ]
    assert rows[0].teams == ["chat-support", "phone-support"] and rows[0].entries == ["refund-policy"]
    assert rows[0].last_searched >= rows[0].first_searched
    assert [r.query for r in top_failed_searches(manual, limit=1)] == ["rain check"]
    assert {r.query for r in top_failed_searches(manual, team="phone-support")} == {"rain check", "gift cards"}
    from django.utils import timezone

    assert top_failed_searches(manual, since=timezone.now() + timezone.timedelta(minutes=1)) == []
    assert [(r.query, r.count) for r in top_failed_searches(manual, outcome="not_helpful")] == [("rain check", 1)]


def test_the_misses_page_lists_them_and_filters_by_team(client, alice, manual, misses):
    client.force_login(alice)
    page = client.get("/manuals/service/search/misses/").content.decode()
    assert page.index("“rain check”") < page.index("“gift cards”")
    assert '<strong>4</strong> <span class="muted small">(3 nothing found, 1 did not help)</span>' in page
    assert '<span class="chip">Chat support</span><span class="chip">Phone support</span>' in page
    assert "Did not help: Refund policy" in page
    page = client.get("/manuals/service/search/misses/?team=chat-support").content.decode()
    assert "“rain check”" in page and "“gift cards”" not in page


def test_turning_a_failed_search_into_feedback_makes_one_item(client, alice, manual, misses):
    client.force_login(alice)
    for _ in range(2):
        response = client.post("/manuals/service/search/misses/feedback/", {"q": "rain check", "period": "30"})
        assert response.status_code == 302 and response.url == "/manuals/service/search/misses/?period=30"
    item = FeedbackItem.objects.get()
    assert item.source == Source.SEARCH and item.get_source_display() == "Failed search"
    assert item.submitted_by == alice and item.entry is None
    assert item.text.startswith("People searched the manual for “rain check” 4 times (3 people) on ")
    assert "Nothing was found 3 times." in item.text
    assert "A result did not help once: “Refund policy”." in item.text
    assert "Teams: Chat support, Phone support." in item.text
    assert item.history.latest().history_user == alice
    assert FailedSearchFeedback.objects.get().item == item
    page = client.get("/manuals/service/search/misses/").content.decode()
    assert f'?item={item.pk}">Feedback #{item.pk}</a>' in page
    assert page.count(">Turn into feedback</button>") == 1  # gift cards still has its button
    page = client.get(f"/manuals/service/feedback/?item={item.pk}").content.decode()
    assert "Failed search" in page and "rain check" in page


def test_turning_nothing_into_feedback_is_a_404(client, alice, manual, misses):
    client.force_login(alice)
    assert client.post("/manuals/service/search/misses/feedback/", {"q": "never searched"}).status_code == 404
    assert not FeedbackItem.objects.exists()


def test_the_failed_searches_download_as_csv(client, alice, manual, misses):
    client.force_login(alice)
    response = client.get("/manuals/service/search/misses/?format=csv&period=all")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="service-failed-searches.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["query"], r["count"], r["teams"], r["entries_that_did_not_help"]) for r in rows] == [
        ("rain check", "4", "chat-support phone-support", "refund-policy"),
        ("gift cards", "1", "phone-support", ""),
    ]
