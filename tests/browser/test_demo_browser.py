"""The demo in a browser: an auditor's look back at the manual works out of the box."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from policies.models import Edition


def test_an_agent_reads_the_demo_three_months_back_and_compares_its_editions(live_server, sign_in):
    call_command("load_demo", force=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo", force=True, stdout=out)  # as a second `make run` does
    assert "nothing was changed" in out.getvalue()
    first, second = Edition.objects.order_by("released_at").values_list("label", flat=True)
    base = f"{live_server.url}/manuals/northwind"

    page = sign_in("agent", "demo-agent-2026")
    page.goto(f"{base}/?as_of={(timezone.localdate() - timedelta(days=91)).isoformat()}")
    expect(page.get_by_role("note")).to_contain_text("You are reading the manual as it stood on")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Price match promise")).to_be_visible()
    expect(main.get_by_role("link", name="Refund and reimbursement policy")).to_be_visible()

    page.goto(f"{base}/compare/?from={first}&to={second}")
    expect(page.get_by_text(f"From Edition {first} to Edition {second}")).to_be_visible()
    revised = page.locator(".diff-block").filter(has_text="Gear guarantee and repairs")
    expect(revised.locator(".change-revised")).to_be_visible()
    expect(revised.locator(".rendered-diff ins").first).to_be_visible()
    expect(page.locator(".diff-block .change-retired")).to_have_count(1)
