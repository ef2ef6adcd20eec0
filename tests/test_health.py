"""The manual's health check: each rule found and not found, the score, the order of findings, and the cached score
in the header."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from acknowledgements import services as ack_services
from dashboard.health import Check, HealthReport, Severity, health_check, health_summary, targets_of, time_limits_in
from dashboard.sources import Sources
from feedback.services import feedback_record, feedback_set_status
from policies import services

from .conftest import revise

TARGET = {"metric": "Calls answered", "channel": "phone", "comparison": "within", "value": 30, "unit": "seconds",
          "period": "each month"}  # fmt: skip


@pytest.fixture(autouse=True)
def _empty_cache():
    """The header's score is cached by manual id, which the next test's database may give another manual."""
    cache.clear()
    yield
    cache.clear()


def checks(manual, **kwargs):
    return {check.key: check for check in health_check(manual, **kwargs).checks}


def settings(manual, alice, **data):
    return services.manual_save(manual=manual, user=alice, data=data)


def complaint(manual, alice, *, days_ago: int, **fields):
    data = {"source": "complaint", "channel": "", "text": "Nobody called back."}
    data.update(fields)
    received = timezone.localdate() - timedelta(days=days_ago)
    return feedback_record(manual=manual, user=alice, received_on=received, **data)


# Mission and vision --------------------------------------------------------------------------------------------------


def test_a_manual_with_both_statements_passes(manual):
    assert checks(manual)["statements"].passed


@pytest.mark.parametrize("missing", ["mission", "vision"])
def test_a_missing_statement_is_a_finding_linking_to_the_settings(manual, alice, missing):
    settings(manual, alice, **{missing: ""})
    check = checks(manual)["statements"]
    assert not check.passed
    assert f"no {missing} statement" in check.explanation
    assert check.fix_url == "/manuals/service/settings/#id_mission"


# Owners ---------------------------------------------------------------------------------------------------------------


def test_live_entries_without_an_owner_are_named_with_a_link_to_their_editor(make_entry, manual, phone):
    make_entry("refund-policy", owner="Returns lead")
    make_entry("team-owned", owner_team=phone)
    make_entry("nobodys", title="Nobody's entry")
    make_entry("draft-without-owner", published=False)  # not live: not counted
    check = checks(manual)["owners"]
    assert not check.passed
    assert check.severity == Severity.HIGH
    assert check.explanation.startswith("1 live entry has no owner")
    assert [(i.label, i.url) for i in check.items] == [("Nobody's entry", "/manuals/service/nobodys/edit/")]
    assert check.fix_url == "/manuals/service/nobodys/edit/"
    assert check.share == pytest.approx(2 / 3)


def test_entries_owned_by_a_person_a_team_or_a_role_pass(make_entry, manual, phone, bob):
    make_entry("by-person", owner_user=bob)
    make_entry("by-team", owner_team=phone)
    make_entry("by-role", owner="Contact centre lead")
    assert checks(manual)["owners"].passed


# Reviews --------------------------------------------------------------------------------------------------------------


def test_overdue_reviews_are_a_finding_linking_to_the_reviews_page(make_entry, manual):
    make_entry("refund-policy", review_every_months=6)
    make_entry("yearly", review_every_months=12)
    assert checks(manual)["reviews"].passed
    later = Sources(manual, today=timezone.localdate() + timedelta(days=200))
    check = checks(manual, sources=later)["reviews"]
    assert not check.passed
    assert check.explanation.startswith("1 entry is past its review date")
    assert check.fix_url == "/manuals/service/reviews/"
    assert check.share == 0.5


# Channels -------------------------------------------------------------------------------------------------------------


def test_a_manual_that_lists_no_channels_is_told_to_and_has_no_channel_check(manual):
    found = checks(manual)
    assert not found["channels_listed"].passed
    assert found["channels_listed"].severity == Severity.LOW
    assert found["channels_listed"].fix_url == "/manuals/service/settings/#id_channels_0"
    assert "channel_protocols" not in found


def test_a_channel_without_a_live_protocol_is_a_finding(manual, alice, make_entry):
    settings(manual, alice, channels=["phone", "chat", "email"])
    make_entry("phone-protocol", kind="protocol", channels=["phone"])
    make_entry("chat-protocol", kind="protocol", channels=["chat"], published=False)  # a draft covers nothing
    make_entry("email-policy", kind="policy", channels=["email"])  # a policy is not a protocol
    check = checks(manual)["channel_protocols"]
    assert checks(manual)["channels_listed"].passed
    assert not check.passed
    assert "these channels customers use to reach you: Chat / text and Email" in check.explanation
    assert [i.label for i in check.items] == ["Chat / text: write its protocol", "Email: write its protocol"]
    assert check.fix_url == "/manuals/service/new/?kind=protocol"


def test_every_channel_covered_by_a_live_protocol_passes(manual, alice, make_entry):
    settings(manual, alice, channels=["phone", "chat"])
    make_entry("voice-and-chat", kind="protocol", channels=["phone", "chat"])
    assert checks(manual)["channel_protocols"].passed


# Refunds --------------------------------------------------------------------------------------------------------------


def test_no_refund_policy_is_a_finding(manual, make_entry):
    make_entry("returns", title="Returns", kind="procedure", body="How to refund within 30 days.")
    found = checks(manual)
    assert not found["refund_policy"].passed
    assert found["refund_policy"].fix_url == "/manuals/service/new/?kind=policy"
    assert "refund_limit" not in found  # nothing to check a time limit in


@pytest.mark.parametrize(("slug", "title"), [("refund-policy", "Money back"), ("money-back", "Refunds and exchanges")])
def test_a_live_policy_naming_refunds_in_its_title_or_address_is_the_refund_policy(manual, make_entry, slug, title):
    make_entry(slug, title=title)
    assert checks(manual)["refund_policy"].passed


@pytest.mark.parametrize(
    "body", ["Refunds within **30 days**.", "Return it within 2 weeks.", "A 14-day window.", "Up to 3 months."]
)
def test_a_refund_policy_with_a_time_limit_passes(manual, make_entry, body):
    make_entry("refund-policy", body=body)
    assert checks(manual)["refund_limit"].passed


def test_a_refund_policy_without_a_time_limit_is_a_finding_linking_to_it(manual, make_entry):
    make_entry("refund-policy", title="Refund policy", body="Refunds are at the manager's discretion, within reason.")
    check = checks(manual)["refund_limit"]
    assert not check.passed
    assert check.explanation.startswith("“Refund policy” gives no time limit")
    assert check.fix_url == "/manuals/service/refund-policy/edit/"


# Escalation, feedback and standards -----------------------------------------------------------------------------------


def test_no_escalation_path_is_a_finding(manual, make_entry):
    make_entry("refund-policy", body="Escalate refunds over 30 days to a supervisor.")  # a policy, not a procedure
    check = checks(manual)["escalation"]
    assert not check.passed
    assert check.fix_url == "/manuals/service/new/?kind=procedure"


@pytest.mark.parametrize("kind", ["procedure", "protocol"])
def test_a_procedure_or_protocol_that_mentions_escalation_passes(manual, make_entry, kind):
    make_entry("problems", kind=kind, body="When you cannot solve it, **escalate** to the duty supervisor.")
    assert checks(manual)["escalation"].passed


def test_no_procedure_about_feedback_is_a_finding(manual, make_entry):
    make_entry("feedback-policy", title="Feedback policy", kind="policy")
    make_entry("returns", kind="procedure", body="Ask for feedback at the end.")  # mentions it, is not about it
    check = checks(manual)["feedback_procedure"]
    assert not check.passed
    assert check.fix_url == "/manuals/service/new/?kind=procedure"


def test_a_procedure_about_feedback_passes(manual, make_entry):
    make_entry("listening", title="Collecting customer feedback", kind="procedure")
    assert checks(manual)["feedback_procedure"].passed


def test_no_service_standards_is_a_finding_linking_to_a_new_standard(manual, make_entry):
    check = checks(manual)["standard_targets"]
    assert not check.passed
    assert "no service standards" in check.explanation
    assert check.fix_url == "/manuals/service/new/?kind=standard"


def test_standards_without_measurable_targets_are_named_with_a_link_to_their_targets(manual, make_entry):
    # Numbers in the text are not targets: targets are the standard's structured parts.
    make_entry("courtesy", title="Courtesy", kind="standard", body="We answer 90% of calls within 30 seconds.")
    make_entry("draft-standard", kind="standard", targets=[TARGET], published=False)  # not live
    check = checks(manual)["standard_targets"]
    assert not check.passed
    assert "No service standard has measurable targets" in check.explanation
    assert [i.url for i in check.items] == ["/manuals/service/courtesy/targets/"]
    assert check.fix_url == "/manuals/service/courtesy/targets/"


def test_a_standard_with_measurable_targets_passes(manual, make_entry):
    make_entry("response-times", kind="standard", targets=[TARGET])
    check = checks(manual)["standard_targets"]
    assert check.passed
    targets = targets_of(next(e for e in Sources(manual).live if e.slug == "response-times"))
    assert [(t["metric"], t["unit"]) for t in targets] == [("Calls answered", "seconds")]


def test_time_limits_are_numbers_of_days_weeks_or_months():
    assert time_limits_in("within **30** days or a 2-week window") == ["30 days", "2-week"]
    assert time_limits_in("call us on 0800 123 456") == []


# Acknowledgements ----------------------------------------------------------------------------------------------------


def test_a_material_change_unacknowledged_after_its_due_date_is_a_finding(manual, make_entry, carol, alice, bob):
    manual.opened_at = timezone.now() - timedelta(days=60)  # open to readers well before the change
    manual.save(update_fields=["opened_at"])
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        entry = make_entry("refund-policy", title="Refund policy", owner="Lead")
        carol.date_joined = timezone.now()
        carol.save()
    check = checks(manual)["acknowledgements"]
    assert not check.passed
    assert "Part of the audience of 1 entry" in check.explanation
    assert [(i.label, i.url) for i in check.items] == [
        ("Refund policy: 1 overdue", "/manuals/service/acknowledgements/?view=people&entry=refund-policy&state=overdue")
    ]
    ack_services.entry_acknowledge(entry=entry, user=carol)
    assert not checks(manual)["acknowledgements"].passed  # the figures are kept for a few minutes
    assert checks(manual, sources=Sources(manual, fresh=True))["acknowledgements"].passed

    # A new material change asks again, and is not overdue until ack_days have passed.
    revise(entry, author=bob, approver=alice, body="Refunds within 14 days.")
    manual.refresh_from_db()  # a new content stamp: the figures are counted again
    assert checks(manual)["acknowledgements"].passed


# Complaints ----------------------------------------------------------------------------------------------------------


def test_open_complaints_older_than_thirty_days_are_a_finding(manual, alice):
    complaint(manual, alice, days_ago=10)  # recent
    complaint(manual, alice, days_ago=45, source="customer")  # not a complaint
    done = complaint(manual, alice, days_ago=60)
    feedback_set_status(item=done, status="done", user=alice)
    assert checks(manual)["complaints"].passed

    planned = complaint(manual, alice, days_ago=31)
    feedback_set_status(item=planned, status="planned", user=alice)
    complaint(manual, alice, days_ago=40)
    check = checks(manual)["complaints"]
    assert not check.passed
    assert check.severity == Severity.HIGH
    assert check.explanation.startswith("2 complaints are still open more than 30 days after they were received")
    assert check.fix_url == "/manuals/service/feedback/?source=complaint&age=30"


# The score -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def sound_manual(manual, alice, make_entry):
    """A manual that passes every check."""
    settings(manual, alice, channels=["phone"])
    make_entry("refund-policy", title="Refund policy", owner="Returns lead")
    make_entry("phone-protocol", kind="protocol", channels=["phone"], owner="Lead", body="Escalate to a supervisor.")
    make_entry("collecting-feedback", title="Collecting feedback", kind="procedure", owner="Lead")
    make_entry("response-times", kind="standard", owner="Lead", targets=[TARGET])
    return manual


def test_a_manual_passing_every_check_scores_100(sound_manual):
    report = health_check(sound_manual)
    assert report.findings == []
    assert report.score == 100
    assert len(report.passed) == len(report.checks) == 12


def test_the_score_weighs_checks_by_severity_and_entries_by_share(sound_manual, alice, make_entry):
    total = sum(c.points for c in health_check(sound_manual).checks)
    assert total == 3 * 5 + 2 * 6 + 1  # five high, six medium, one low
    settings(sound_manual, alice, vision="")  # medium: 2 points lost
    assert health_check(sound_manual).score == 100 * (total - 2) // total
    make_entry("unowned")  # high, 3 points, with 4 of 5 entries owned: 2.4 of them earned
    assert health_check(sound_manual).score == int(100 * (total - 2 - 0.6) / total)


def test_only_a_manual_with_no_finding_scores_100():
    nearly = Check(key="owners", title="Owners", severity=Severity.HIGH, passed=False, explanation="", share=1 - 1e-12)
    assert HealthReport(checks=[nearly]).score == 99
    assert HealthReport(checks=[]).score == 100


def test_findings_come_most_severe_first(manual, alice):
    settings(manual, alice, mission="")
    order = [c.severity for c in health_check(manual).findings]
    assert order == sorted(order, reverse=True)
    assert order[0] == Severity.HIGH and order[-1] == Severity.LOW


# The cached score for the header -------------------------------------------------------------------------------------


def test_the_header_score_is_cached_until_the_manual_changes(sound_manual, make_entry, django_assert_num_queries):
    assert health_summary(sound_manual).score == 100
    with django_assert_num_queries(0):
        assert health_summary(sound_manual).score == 100
    make_entry("unowned")  # publishing changes the manual's content stamp
    sound_manual.refresh_from_db()
    summary = health_summary(sound_manual)
    assert summary.score < 100 and summary.findings == 1 and summary.worst == Severity.HIGH


def test_the_header_score_is_worked_out_again_the_next_day(sound_manual, alice):
    complaint(sound_manual, alice, days_ago=30)  # not yet more than 30 days old
    assert health_summary(sound_manual).findings == 0
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert health_summary(sound_manual).findings == 1


def test_opening_the_dashboard_refreshes_the_header_score(sound_manual, alice, client):
    sound_manual.refresh_from_db()  # its content stamp as the page will read it
    assert health_summary(sound_manual).findings == 0
    complaint(sound_manual, alice, days_ago=40)  # feedback leaves the manual's content stamp as it was
    assert health_summary(sound_manual).findings == 0  # the cached score, for a few minutes
    client.force_login(alice)
    assert client.get("/manuals/service/dashboard/").status_code == 200
    assert health_summary(sound_manual).findings == 1


def test_a_time_limit_given_by_a_shared_value_counts(manual, make_entry, alice):
    from policies.services.values import value_create

    value_create(manual=manual, user=alice, name="refund_window", label="Refund window", value="45 days")
    make_entry("refund-policy", body="Refunds within **{{ refund_window }}** of delivery.")
    assert checks(manual)["refund_limit"].passed


def test_the_health_checks_fix_link_opens_the_form_on_the_right_kind(client, alice, manual):
    client.force_login(alice)
    page = client.get("/manuals/service/new/?kind=procedure").content.decode()
    assert '<option value="procedure" selected>' in page
