"""Managing people as a manager does it: adding someone by typing and clicking, the invitation they open, and
deactivating them when they leave."""

import re

from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import expect

from people.models import Team

from .conftest import PHONE

NEW_PASSWORD = "Calm-harbour-482"


def test_a_manager_adds_a_person_who_sets_a_password_signs_in_and_is_later_deactivated(
    live_server, sign_in, open_context, alice
):
    Team.objects.create(name="Phone support", slug="phone-support")
    Team.objects.create(name="Chat support", slug="chat-support")
    Team.objects.create(name="Store staff", slug="store-staff")
    manager = sign_in("alice")
    manager.goto(live_server.url + "/my/")
    manager.get_by_role("link", name="People", exact=True).click()
    manager.get_by_role("link", name="Add a person").click()

    manager.get_by_label("Name", exact=True).press_sequentially("Ava Lind")
    manager.get_by_label("Email").press_sequentially("ava.lind@example.com")
    expect(manager.get_by_label("Username")).to_have_value("ava.lind")  # suggested from the email
    manager.get_by_label("Editor:").check()
    manager.get_by_label("Phone support").check()
    manager.get_by_label("Chat support").check()
    manager.get_by_role("button", name="Add and send the invitation").click()
    expect(manager.get_by_role("status")).to_contain_text("An invitation to choose a password is on its way")
    row = manager.locator("tr", has_text="Ava Lind")
    expect(row).to_contain_text("Editor")
    expect(row.locator(".chip")).to_have_text(["Chat support", "Phone support", "Invited"])

    ava = User.objects.get(username="ava.lind")
    assert not ava.has_usable_password() and ava.groups.get().name == "Editors"
    [email] = [m for m in mail.outbox if m.to == ["ava.lind@example.com"]]
    link = re.search(r"http://\S+/accounts/reset/\S+/", email.body).group(0)
    assert link.startswith(live_server.url)

    # Ava opens the link in her own browser, chooses a password and signs in with it.
    newcomer = open_context().new_page()
    newcomer.goto(link)
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("New password again").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Change my password").click()
    expect(newcomer.get_by_role("heading", name="Password changed")).to_be_visible()
    newcomer.get_by_role("link", name="Sign in").click()
    newcomer.get_by_label("Username").fill("ava.lind")
    newcomer.get_by_label("Password").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Sign in").click()
    expect(newcomer.get_by_role("button", name="Sign out")).to_be_visible()
    expect(newcomer.get_by_role("link", name="People", exact=True)).to_have_count(0)  # an editor

    # She leaves: the manager deactivates her, and she can no longer sign in (nor stay signed in).
    manager.get_by_role("link", name="Ava Lind").click()
    manager.get_by_role("button", name="Deactivate").click()
    expect(manager.get_by_role("status")).to_contain_text("Ava Lind is deactivated and can no longer sign in.")
    expect(manager.get_by_role("button", name="Reactivate")).to_be_visible()

    newcomer.reload()
    expect(newcomer).to_have_url(re.compile(r"/accounts/login/"))
    newcomer.get_by_label("Username").fill("ava.lind")
    newcomer.get_by_label("Password").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Sign in").click()
    expect(newcomer.get_by_role("alert")).to_contain_text("did not match")
    ava.refresh_from_db()
    assert not ava.is_active and ava.profile.history.latest().history_change_reason == "Deactivated"


def test_the_people_pages_fit_a_phone(live_server, sign_in, alice, carol):
    team = Team.objects.create(name="Customer care in stores and by phone", slug="customer-care")
    carol.email = "carol.with.a.rather.long.address@customer-service.example.com"
    carol.save()
    carol.profile.teams.add(team)
    phone = sign_in("alice", **PHONE)
    for path in ("/people/", "/people/add/", "/people/person/carol/", "/people/teams/", "/people/import/"):
        phone.goto(live_server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide"
    phone.goto(live_server.url + "/people/")
    expect(phone.get_by_role("link", name="Add a person")).to_be_visible()
    expect(phone.locator("tr", has_text="carol").locator(".chip", has_text="Customer care")).to_be_visible()
