"""Feedback that leads to a revision, as people do it: an agent's suggestion and a customer's complaint reach the
board, are tied to the entry, a revision answers them, the people who raised them are told, and the dashboard
counts it."""

import re

from playwright.sync_api import expect

from feedback.models import FeedbackItem, FeedbackStatus

BODY = "Refunds within **30 days** of purchase.\n\nKeep the receipt."


def test_a_complaint_and_a_suggestion_are_answered_by_a_revision(live_server, sign_in, make_entry, carol, mallory):
    refund = make_entry("refund-policy", body=BODY)
    base = f"{live_server.url}/manuals/service"

    # An agent suggests a change from the entry page.
    agent = sign_in("carol")
    agent.goto(f"{base}/refund-policy/")
    agent.get_by_text("Suggest a change").click()
    agent.get_by_label("What should change in “Refund policy”?").fill("Customers keep asking about gift cards.")
    agent.get_by_role("button", name="Send suggestion").click()
    expect(agent.get_by_text("Your suggestion is with the managers")).to_be_visible()

    # A manager records a customer's complaint, not yet tied to an entry, then ties it from the board.
    manager = sign_in("alice")
    manager.goto(f"{base}/feedback/record/")
    manager.get_by_label("Source").select_option(label="Complaint")
    manager.get_by_label("Channel").select_option(label="Phone")
    manager.get_by_label("Customer reference").fill("CASE-4471")
    manager.get_by_label("What they said").fill("Refused a refund on day 31 although the parcel came late.")
    manager.get_by_role("button", name="Record").click()
    expect(manager.get_by_text("Recorded.")).to_be_visible()
    complaint = FeedbackItem.objects.get(customer_reference="CASE-4471")
    manager.goto(f"{base}/feedback/")
    card = manager.locator(f"#feedback-{complaint.pk}")
    expect(card).to_contain_text("Not about an entry yet")
    card.get_by_label("About").fill("refund-policy")
    card.get_by_role("button", name="Save").click()
    expect(manager.get_by_text(f"#{complaint.pk} about “Refund policy”.")).to_be_visible()
    expect(manager.locator(f"#feedback-{complaint.pk}")).to_contain_text("About Refund policy")

    # An editor revises the entry; another manager approves it and ticks what the version answers.
    editor = sign_in("bob")
    editor.goto(f"{base}/refund-policy/edit/")
    editor.get_by_label("Text", exact=True).fill(BODY.replace("30 days", "30 days of delivery"))
    editor.get_by_label("Note for the reviewer").fill("Count from delivery, and say so.")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".statusbar .chip")).to_have_text("In review")

    approver = sign_in("mallory")
    approver.goto(f"{base}/refund-policy/review/")
    answers = approver.locator("fieldset.feedback-answers")
    answers.get_by_label(re.compile("Refused a refund on day 31")).check()
    answers.get_by_label(re.compile("gift cards")).check()
    approver.get_by_role("button", name="Approve and publish").click()
    expect(approver.get_by_text("Published as version 2.")).to_be_visible()

    assert set(FeedbackItem.objects.values_list("status", flat=True)) == {FeedbackStatus.DONE}
    assert {item.closing_version.number for item in FeedbackItem.objects.all()} == {2}

    # Both people who raised it are told, on their own page.
    agent.goto(f"{live_server.url}/my/")
    expect(agent.get_by_text("Your feedback on “Refund policy” was answered")).to_be_visible()
    manager.goto(f"{live_server.url}/my/")
    expect(manager.get_by_text("Your feedback on “Refund policy” was answered")).to_be_visible()

    # The entry's history links the version to what it answered.
    manager.goto(f"{base}/refund-policy/history/")
    expect(manager.get_by_text("Feedback answered by version 2").first).to_be_visible()
    refund.refresh_from_db()
    assert refund.live_version.number == 2

    # The dashboard counts both as answered by a revision, within the week they were raised.
    manager.goto(f"{base}/dashboard/")
    chart = manager.locator("#feedback-to-revision-chart")
    expect(chart).to_contain_text("(the median of 2 items)")
    chart.get_by_text("Show as table").click()
    expect(chart.get_by_role("row", name="Under a week 2")).to_be_visible()
    feedback = manager.locator("#feedback-chart")
    expect(feedback).to_contain_text("Refund policy")
