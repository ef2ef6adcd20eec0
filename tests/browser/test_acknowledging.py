"""An agent acknowledges a material change as a person does: from their page, reading the change, answering the
check, pressing the button; the manager's report then shows it."""

import re

from playwright.sync_api import expect

from acknowledgements import services as ack_services
from policies import services

from ..conftest import publish

BODY = "Refunds within **30 days** of purchase.\n\nKeep the receipt."
QUESTIONS = [{"prompt": "How long is the refund window now?", "choices": ["30 days", "45 days"], "answer": 1}]


def test_an_agent_reads_the_change_answers_the_check_and_acknowledges(
    live_server, sign_in, make_entry, alice, mallory, bob, carol
):
    entry = make_entry("refund-policy", title="Refund policy", body=BODY)
    ack_services.entry_acknowledge(entry=entry, user=carol)
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=alice,
        data={"body": BODY.replace("30 days", "45 days"), "questions": QUESTIONS},
    )  # fmt: skip
    publish(entry, author=alice, approver=mallory, summary="Longer refund window")

    agent = sign_in("carol")
    expect(agent).to_have_url(re.compile(r"/my/$"))
    pending = agent.get_by_role("region", name=re.compile("To read and acknowledge"))
    expect(pending).to_contain_text("changed since you acknowledged version 1")
    pending.get_by_role("link", name="Refund policy").click()

    ask = agent.locator(".ack-ask")
    expect(ask).to_contain_text("This changed since you acknowledged version 1")
    expect(ask.locator("del")).to_have_text("30")
    expect(ask.locator("ins")).to_have_text("45")

    agent.get_by_label("30 days").check()
    agent.get_by_role("button", name="I have read this and will follow it").click()
    expect(agent.get_by_text(re.compile("reread the entry for question 1"))).to_be_visible()
    expect(agent.locator(".quiz-question.wrong")).to_have_count(1)

    agent.get_by_label("45 days").check()
    agent.get_by_role("button", name="I have read this and will follow it").click()
    expect(agent.get_by_text("You acknowledged version 2 of “Refund policy”.", exact=False)).to_be_visible()
    expect(agent.locator(".ack-form.done")).to_contain_text("You acknowledged this version")

    agent.goto(live_server.url + "/my/")
    expect(agent.get_by_text("You are up to date")).to_be_visible()

    manager = sign_in("alice")
    manager.goto(live_server.url + "/manuals/service/acknowledgements/")
    row = manager.locator("tr", has=manager.get_by_role("link", name="Refund policy"))
    expect(row).to_contain_text("1 / 4")  # everyone is asked; carol has acknowledged version 2
    manager.goto(live_server.url + "/manuals/service/acknowledgements/?view=people&person=carol")
    expect(manager.locator("tr", has_text="carol")).to_contain_text("All acknowledged")
