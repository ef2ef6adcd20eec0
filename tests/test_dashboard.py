"""The manager's dashboard: who may open it, what each chart shows and downloads, its queries, and the health score in
the header."""

import csv
import io
import sys
import types
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.utils import timezone
from django.utils.formats import date_format

from acknowledgements import services as ack_services
from dashboard import selectors
from dashboard.health import health_summary
from dashboard.sources import Sources
from feedback.services import feedback_close_with_version, feedback_record
from people.models import Team
from policies import services
from policies.models import Entry
from policies.scheduling import add_months
from search.models import SearchLog
from search.services import search_log_record

from .conftest import _user, publish, revise

URL = "/manuals/service/dashboard/"
CHARTS = list(selectors.CHARTS)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The header's score is cached by manual id, which the next test's database may give another manual."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_search_app(monkeypatch):
    """The search app not recording failed searches (yet)."""
    get_resolver().url_patterns  # noqa: B018 (the addresses, and the search app's views, are loaded first)
    monkeypatch.setitem(sys.modules, "search.selectors", types.ModuleType("search.selectors"))


def csv_of(client, chart: str) -> list[list[str]]:
    response = client.get(f"{URL}{chart}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="service-{chart}.csv"'
    return list(csv.reader(io.StringIO(response.content.decode())))


def feedback(manual, alice, *, days_ago=0, entry=None, source="customer", received_on=None):
    received = received_on or timezone.localdate() - timedelta(days=days_ago)
    return feedback_record(manual=manual, user=alice, source=source, channel="", received_on=received,
                           text="Said something", entry=entry)  # fmt: skip


# Who may open it -----------------------------------------------------------------------------------------------------


def test_a_manager_opens_the_dashboard_with_its_health_check_and_every_chart(client, alice, make_entry):
    make_entry("refund-policy")
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert '<section id="health"' in page and "How the score is worked out" in page
    for chart in CHARTS:
        assert f'href="{URL}{chart}.csv"' in page
    for title in ("Entries by kind and status", "Reviews overdue and due by month", "Acknowledgement by team",
                  "Feedback per entry, month by month", "Time from feedback to revision",
                  "Searches that find nothing"):  # fmt: skip
        assert f">{title}</h2>" in page
    # A drawn chart is an image named by its title and description, with its table beside it.
    assert '<svg class="chart" role="img"' in page
    assert 'aria-labelledby="chart-entries-title chart-entries-desc"' in page
    assert '<title id="chart-entries-title">Entries by kind and status</title>' in page
    assert "<summary>Show as table</summary>" in page


@pytest.mark.parametrize("who", ["bob", "carol"])
@pytest.mark.parametrize("path", ["", *(f"{chart}.csv" for chart in CHARTS)])
def test_editors_and_agents_are_refused_the_dashboard_and_its_csvs(client, manual, bob, carol, who, path):
    client.force_login({"bob": bob, "carol": carol}[who])
    assert client.get(URL + path).status_code == 403


def test_visitors_are_asked_to_sign_in(client, manual):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_chart_is_not_found(client, alice, manual):
    client.force_login(alice)
    assert client.get(URL + "nonsense.csv").status_code == 404
    assert client.get("/manuals/nowhere/dashboard/").status_code == 404


def test_managers_find_the_dashboard_in_the_workspace_navigation(client, alice, bob, manual):
    client.force_login(alice)
    assert f'<a href="{URL}" aria-current="page">Dashboard</a>' in client.get(URL).content.decode()
    client.force_login(bob)
    assert f'href="{URL}"' not in client.get("/manuals/service/reviews/").content.decode()


# The charts ------------------------------------------------------------------------------------------------------


def test_entries_by_kind_and_status(client, alice, bob, manual, make_entry):
    make_entry("refund-policy")
    make_entry("gift-cards")
    make_entry("returns", kind="procedure", published=False)
    services.entry_submit(entry=make_entry("phone-protocol", kind="protocol", published=False), user=bob)
    services.entry_retire(entry=make_entry("old-standard", kind="standard"), user=alice, reason="Replaced")
    client.force_login(alice)
    assert csv_of(client, "entries") == [
        ["Kind", "Draft", "In review", "Published", "Retired", "Total"],
        ["Policy", "0", "0", "2", "0", "2"],
        ["Procedure", "1", "0", "0", "0", "1"],
        ["Protocol", "0", "1", "0", "0", "1"],
        ["Service standard", "0", "0", "0", "1", "1"],
    ]
    chart = selectors.entries_chart(Sources(manual))
    assert chart.summary == "5 entries: 1 draft, 1 in review, 2 published, 1 retired."


def test_reviews_overdue_and_due_by_month(client, alice, manual, make_entry):
    make_entry("monthly", review_every_months=1)
    make_entry("quarterly", review_every_months=3)
    make_entry("yearly", review_every_months=12)
    make_entry("slow", review_every_months=24)
    today = timezone.localdate()
    chart = selectors.reviews_chart(Sources(manual, today=today))
    due = {row[0]: row[2] for row in chart.rows[1:13]}
    this_month = today.replace(day=1)

    def month(n):
        return date_format(add_months(this_month, n), "F Y")

    assert chart.rows[0] == ["Overdue", 0, ""]
    assert list(due) == [month(n) for n in range(12)]
    assert due[month(1)] == due[month(3)] == 1 and sum(due.values()) == 2
    assert chart.rows[-1] == [f"From {month(12)}", "", 2]  # the yearly one a year from now, the slow one later
    soon = Entry.objects.filter(next_review_on__lte=today + timedelta(days=30)).count()  # the monthly one, or none
    assert chart.summary == (
        f"0 entries are overdue for review and {soon} due within 30 days; 2 fall due by the end of {month(11)}, "
        "2 later."
    )

    # Two months on, the monthly one is overdue.
    later = selectors.reviews_chart(Sources(manual, today=add_months(today, 2) + timedelta(days=1)))
    assert later.rows[0] == ["Overdue", 1, ""]
    client.force_login(alice)
    assert csv_of(client, "reviews")[:2] == [["Month", "Overdue", "Due"], ["Overdue", "0", ""]]


def test_acknowledgement_by_team_least_complete_first(client, alice, manual, make_entry, phone, chat):
    people = {}
    for name, team in (("pia", phone), ("pete", phone), ("cara", chat)):
        people[name] = _user(name, "Agents")
        people[name].profile.teams.add(team)
    entry = make_entry("refund-policy")
    for name in ("pia", "pete", "cara"):
        if name != "pete":
            ack_services.entry_acknowledge(entry=entry, user=people[name])
    client.force_login(alice)
    lines = csv_of(client, "acknowledgements")
    assert lines[0] == ["Team", "People", "Asked", "Done", "Overdue", "Done %"]
    assert lines[1] == ["No team", "2", "2", "0", "0", "0%"]  # alice and bob, in no team, asked everything
    assert lines[2] == ["Phone support", "2", "2", "1", "0", "50%"]
    assert lines[3] == ["Chat support", "1", "1", "1", "0", "100%"]
    chart = selectors.acknowledgements_chart(Sources(manual))
    assert chart.value_labels == ["0%", "50%", "100%"]
    assert [s.name for s in chart.series] == ["Done", "Pending", "Overdue"]
    assert chart.series[0].values == (0, 50, 100)


def test_acknowledgement_figures_are_kept_a_few_minutes_and_counted_again_on_request(client, alice, carol, make_entry):
    entry = make_entry("refund-policy")
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert "Counted at " in page and f'href="{URL}?fresh=1#acknowledgements-chart">Count again</a>' in page
    assert lines_for(client)["No team"][3] == "0"
    ack_services.entry_acknowledge(entry=entry, user=carol)
    client.get(URL)
    assert lines_for(client)["No team"][3] == "0"  # as counted a moment ago
    client.get(URL + "?fresh=1")
    assert lines_for(client)["No team"][3] == "1"


def test_old_figures_are_shown_at_once_and_counted_again_by_the_worker(
    client, alice, carol, make_entry, django_capture_on_commit_callbacks
):
    entry = make_entry("refund-policy")
    client.force_login(alice)
    client.get(URL)  # the first view counts them
    ack_services.entry_acknowledge(entry=entry, user=carol)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            client.get(URL)
        assert lines_for(client)["No team"][3] == "0"  # shown as kept: the page did not wait for a count
        assert len(queued) == 1  # the recount, for the worker
        client.get(URL)
        assert len(queued) == 1  # asked once, however many pages ask meanwhile
        queued[0]()  # the worker runs it
        assert lines_for(client)["No team"][3] == "1"


def lines_for(client) -> dict[str, list[str]]:
    return {line[0]: line for line in csv_of(client, "acknowledgements")[1:]}


def test_feedback_per_entry_month_by_month(client, alice, manual, make_entry):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    entries = [make_entry(f"entry-{n}", title=f"Entry {n}") for n in range(8)]
    for n, entry in enumerate(entries):
        for _ in range(n + 1):
            feedback(manual, alice, entry=entry, received_on=this_month)
    feedback(manual, alice, entry=entries[7], received_on=add_months(this_month, -11))
    feedback(manual, alice, entry=entries[7], received_on=add_months(this_month, -12))  # too old to count
    feedback(manual, alice)  # about no entry
    chart = selectors.feedback_chart(Sources(manual))
    assert chart.labels == ["Entry 7", "Entry 6", "Entry 5", "Entry 4", "Entry 3", "Entry 2"]
    assert chart.value_labels[0] == "9"
    assert chart.rows[0][1] == 1 and chart.rows[0][12] == 8 and chart.rows[0][13] == 9
    assert "1 not about any entry" in chart.summary
    assert "the most about “Entry 7” (9)" in chart.summary
    client.force_login(alice)
    lines = csv_of(client, "feedback")
    assert lines[0][0] == "Entry" and lines[0][-1] == "Total" and len(lines[0]) == 14
    assert [line[0] for line in lines[1:]] == [f"Entry {n}" for n in range(7, -1, -1)]  # every entry, not six


def test_time_from_feedback_to_revision(client, alice, bob, manual, make_entry):
    entry = make_entry("refund-policy")
    items = [feedback(manual, alice, entry=entry, days_ago=days) for days in (2, 10, 12, 40, 200)]
    feedback(manual, alice, entry=entry, days_ago=5)  # still open
    version = revise(entry, author=bob, approver=alice, body="Refunds within 14 days.")
    feedback_close_with_version(items=items, version=version, user=alice)
    chart = selectors.turnaround_chart(Sources(manual))
    assert chart.rows == [["Under a week", 1], ["1–4 weeks", 2], ["1–3 months", 1], ["Longer", 1]]
    assert "within 12 days (the median of 5 items)" in chart.summary
    client.force_login(alice)
    assert csv_of(client, "feedback-to-revision")[1] == ["Under a week", "1"]


def test_failed_searches_wait_for_the_search_app(client, alice, manual, no_search_app):
    chart = selectors.searches_chart(Sources(manual))
    assert chart.is_empty and chart.empty == "No failed searches recorded yet."
    client.force_login(alice)
    assert "No failed searches recorded yet." in client.get(URL).content.decode()
    assert csv_of(client, "searches") == [selectors.SEARCH_HEAD]


def test_the_ten_searches_that_most_often_find_nothing(client, alice, carol, dave, manual, make_entry):
    refund = make_entry("refund-policy")

    def searched(query, user, outcome="no_results", **fields):
        return search_log_record(manual=manual, user=user, query=query, outcome=outcome, **fields)

    for user in (alice, carol, dave):
        searched("Loyalty points", user)
    searched("<b>Gift</b> card", carol)
    searched("<b>Gift</b> card", dave, outcome="not_helpful", entry=refund)
    for n in range(10):
        searched(f"rare {n}", carol)
    old = searched("ancient question", carol)
    SearchLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))

    chart = selectors.searches_chart(Sources(manual))
    assert len(chart.labels) == 10 and "ancient question" not in chart.labels
    assert chart.labels[:2] == ["loyalty points", "<b>gift</b> card"]
    assert chart.rows[0][:4] == ["loyalty points", 3, 3, 0] and chart.rows[0][5] == "Chat support"
    assert chart.rows[1][:4] == ["<b>gift</b> card", 2, 1, 1]
    assert [s.name for s in chart.series] == ["Found nothing", "Result did not help"]
    assert chart.link == ("Open the failed searches", "/manuals/service/search/misses/")
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert "&lt;b&gt;gift&lt;/b&gt; card" in page and "<b>gift</b>" not in page
    lines = csv_of(client, "searches")
    assert lines[0] == ["Search", "Times", "Found nothing", "Result did not help", "Last searched", "Teams"]
    assert lines[2][:4] == ["<b>gift</b> card", "2", "1", "1"]


# Queries ---------------------------------------------------------------------------------------------------------


def _grow(manual, alice, bob, section, teams, *, entries: int, people: int, items: int):
    start = Entry.objects.filter(manual=manual).count()
    for i in range(start, start + entries):
        entry = services.entry_save_draft(entry=None, manual=manual, user=bob, data={
            "title": f"Entry {i}", "slug": f"entry-{i}", "kind": ["policy", "procedure", "protocol", "standard"][i % 4],
            "body": f"Text {i}.", "section": section, "audience": [teams[i % 2].slug] if i % 3 else [],
        })  # fmt: skip
        if i % 5:
            publish(entry, author=bob, approver=alice)
    for i in range(people):
        user = _user(f"agent-{start}-{i}", "Agents")
        user.profile.teams.add(teams[i % 2])
        for entry in Entry.objects.live().filter(manual=manual)[: i + 1]:
            try:
                ack_services.entry_acknowledge(entry=entry, user=user)
            except Exception:  # not for their team
                pass
        search_log_record(manual=manual, user=user, query=f"question {start} {i}", outcome="no_results")
    live = list(Entry.objects.live().filter(manual=manual))
    for i in range(items):
        item = feedback(manual, alice, days_ago=i * 11, entry=live[i % len(live)] if i % 4 else None,
                        source="complaint" if i % 3 == 0 else "customer")  # fmt: skip
        if i % 2 and item.entry_id:
            feedback_close_with_version(items=[item], version=item.entry.live_version, user=alice)


def test_the_dashboard_costs_the_same_queries_at_any_size(
    client, alice, bob, manual, section, django_assert_num_queries
):
    teams = [Team.objects.create(name=f"Team {n}", slug=f"team-{n}") for n in range(2)]
    client.force_login(alice)
    # Session, user, the manager's permissions (2), manual, unread notifications; entries by kind and status, live
    # entries, feedback counts, feedback per entry and month, feedback answered by a version, failed searches; and
    # the acknowledgement report's four when its figures are not kept from a moment before.
    for entries, people, items in ((3, 2, 4), (12, 6, 30)):
        _grow(manual, alice, bob, section, teams, entries=entries, people=people, items=items)
        cache.clear()
        with django_assert_num_queries(16):
            assert client.get(URL).status_code == 200
        with django_assert_num_queries(12):
            assert client.get(URL).status_code == 200


# The score in the header -------------------------------------------------------------------------------------------


def test_a_manager_sees_the_health_score_in_the_header_inside_a_manual(client, alice, make_entry):
    entry = make_entry("refund-policy")
    client.force_login(alice)
    score = health_summary(entry.manual.__class__.objects.get(pk=entry.manual_id)).score
    for url in ("/manuals/service/", "/manuals/service/refund-policy/", "/manuals/service/reviews/"):
        page = client.get(url).content.decode()
        assert '<a class="health-badge health-' in page, url
        assert f'href="{URL}#health"' in page and f"Health <strong>{score}</strong>" in page
    assert "health-badge" not in client.get("/manuals/").content.decode()  # not inside a manual


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_editors_and_agents_see_no_health_score(client, bob, carol, make_entry, who):
    make_entry("refund-policy")
    client.force_login({"bob": bob, "carol": carol}[who])
    assert "health-badge" not in client.get("/manuals/service/refund-policy/").content.decode()


def test_the_header_score_costs_no_query_once_worked_out(client, alice, make_entry):
    make_entry("refund-policy")
    client.force_login(alice)
    client.get("/manuals/service/")  # works the score out and keeps it
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/manuals/service/").content.decode()
    assert "health-badge" in page
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "feedback_feedbackitem" not in sql and "policies_acknowledgement" not in sql
