"""An agent who failed an entry's comprehension check signs an onboarding packet and is told the entry still
needs its check, with the way to it."""

import re

from playwright.sync_api import expect

from acknowledgements.models import Acknowledgement
from policies import services

from ..conftest import publish

QUESTIONS = [{"prompt": "How long is the refund window?", "choices": ["14 days", "30 days"], "answer": 1}]


def test_an_agent_who_failed_the_check_signs_the_packet_and_reads_that_the_entry_still_needs_it(
    live_server, sign_in, make_entry, alice, mallory, carol
):
    make_entry("exchanges", title="Exchanges")
    entry = make_entry("refund-policy", title="Refund policy")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"questions": QUESTIONS})
    publish(entry, author=alice, approver=mallory, summary="Added a comprehension check")

    agent = sign_in("carol")
    agent.goto(live_server.url + "/manuals/service/refund-policy/")
    agent.get_by_label("14 days").check()
    agent.get_by_role("button", name="I have read this and will follow it").click()
    expect(agent.get_by_text(re.compile("reread the entry for question 1"))).to_be_visible()

    agent.goto(live_server.url + "/manuals/service/onboarding/")
    agent.get_by_label("New hire", exact=True).select_option(label="carol")
    agent.get_by_label("Role of the new hire").fill("Chat agent")
    agent.get_by_label("Policies").check()
    agent.get_by_role("button", name="Make the PDF").click()
    agent.get_by_role("button", name="I have read this packet and will follow it").click()

    expect(agent.get_by_text("You acknowledged 1 entry of the packet.")).to_be_visible()
    still = agent.get_by_role("region", name="Still needing their comprehension check")
    expect(still).to_be_visible()
    still.get_by_role("link", name="Refund policy").click()
    expect(agent).to_have_url(f"{live_server.url}/manuals/service/refund-policy/")
    expect(agent.get_by_text("How long is the refund window?")).to_be_visible()
    assert list(Acknowledgement.objects.filter(user=carol).values_list("entry__slug", flat=True)) == ["exchanges"]
