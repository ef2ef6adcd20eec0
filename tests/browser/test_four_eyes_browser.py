"""Turning four-eyes approval off as managers do it: one unticks the box, another approves in their own browser."""

from playwright.sync_api import expect

from policies.models import Manual


def test_a_manager_unticks_four_eyes_and_another_manager_approves_it(live_server, sign_in, manual, mallory):
    settings = f"{live_server.url}/manuals/service/settings/"
    asker = sign_in("alice")
    asker.goto(settings)
    asker.get_by_role("checkbox", name="Four-eyes approval").uncheck()
    asker.get_by_role("button", name="Save").click()
    expect(asker.get_by_role("status")).to_contain_text("Turning off four-eyes approval waits for another manager")
    request = asker.get_by_role("region", name="Request to turn off four-eyes approval")
    expect(request).to_contain_text("alice asked")
    expect(asker.get_by_role("checkbox", name="Four-eyes approval")).to_be_checked()  # still on
    expect(asker.get_by_role("button", name="Approve turning it off")).to_have_count(0)
    assert Manual.objects.get(pk=manual.pk).require_second_approver

    approver = sign_in("mallory")
    approver.goto(settings)
    approver.get_by_role("button", name="Approve turning it off").click()
    expect(approver.get_by_role("status")).to_contain_text("Four-eyes approval is off")
    expect(approver.get_by_role("checkbox", name="Four-eyes approval")).not_to_be_checked()
    manual.refresh_from_db()
    assert not manual.require_second_approver
    assert manual.history.latest().history_change_reason == (
        "Four-eyes approval turned off, requested by alice, approved by mallory"
    )
