"""People and teams: who may manage them, adding and inviting, changing and deactivating, teams, and the import."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from acknowledgements import services as ack_services
from notifications.models import Notification
from people import services
from people.importing import PeopleImportError
from people.models import Profile, Team
from policies.permissions import can_manage_people

from .conftest import _user

SITE = "https://manual.example.com/"


@pytest.fixture
def phone(db):
    return Team.objects.create(name="Phone support", slug="phone-support")


@pytest.fixture
def chat(db):
    return Team.objects.create(name="Chat support", slug="chat-support")


def history_rows() -> int:
    return Profile.history.count() + Team.history.count()


def roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def invitation_link(person) -> str:
    note = Notification.objects.filter(user=person, kind="invitation").latest("created_at")
    return note.url


def add(user, **overrides):
    data = {"username": "ava", "email": "ava@example.com", "name": "Ava Lind", "role": "agent", "teams": ()}
    return services.person_add(user=user, **{**data, **overrides})


# Who may manage people ------------------------------------------------------------------------------------------


def test_managers_and_administrators_manage_people_editors_and_agents_do_not(alice, admin_user, bob, carol):
    assert can_manage_people(alice) and can_manage_people(admin_user)
    assert not can_manage_people(bob) and not can_manage_people(carol)
    alice.is_active = False
    assert not can_manage_people(alice)


PAGES = [
    ("get", "/people/"),
    ("get", "/people/add/"),
    ("post", "/people/add/"),
    ("get", "/people/import/"),
    ("post", "/people/import/"),
    ("post", "/people/import/confirm/"),
    ("get", "/people/teams/"),
    ("post", "/people/teams/"),
    ("get", "/people/teams/phone-support/"),
    ("post", "/people/teams/phone-support/"),
    ("get", "/people/person/alice/"),
    ("post", "/people/person/alice/"),
    ("post", "/people/person/alice/deactivate/"),
    ("post", "/people/person/alice/reactivate/"),
    ("post", "/people/person/alice/invite/"),
    ("get", "/people/person/nobody-by-this-name/"),
]


@pytest.mark.parametrize("who", ["bob", "carol"])
@pytest.mark.parametrize("method,url", PAGES)
def test_editors_and_agents_are_refused_on_every_people_page(client, request, alice, phone, who, method, url):
    client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(url, {"name": "Taken over", "email": "x@example.com", "role": "manager"})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.is_active and not alice.first_name
    assert Team.objects.get().name == "Phone support"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_header_links_to_people_for_managers_only(client, alice, carol):
    client.force_login(alice)
    assert 'href="/people/">People</a>' in client.get("/people/").content.decode()
    client.force_login(carol)
    assert 'href="/people/"' not in client.get("/my/").content.decode()


def test_the_services_refuse_editors_and_agents(bob, carol, phone):
    for user in (bob, carol):
        with pytest.raises(PermissionDenied):
            add(user)
        with pytest.raises(PermissionDenied):
            services.team_save(team=phone, user=user, name="Renamed")
        with pytest.raises(PermissionDenied):
            services.people_import_plan(text="username,email,name,role,teams\n", user=user)
    assert not User.objects.filter(username="ava").exists()


# The list ------------------------------------------------------------------------------------------------------


def test_the_list_shows_each_person_with_role_teams_and_status(client, alice, admin_user, bob, phone, chat):
    ava = add(alice, teams=[phone, chat])
    services.person_deactivate(person=bob, user=alice)
    client.force_login(alice)
    html = client.get("/people/").content.decode()
    assert "Ava Lind" in html and "ava@example.com" in html
    assert '<span class="chip">Chat support</span><span class="chip">Phone support</span>' in html
    assert "Invited" in html and "Deactivated" in html and "Administrator" in html
    assert f'href="/people/person/{ava.username}/"' in html
    for label in ("Add a person", "Import people (CSV)", "Teams"):
        assert label in html


def test_the_list_filters_by_team_and_role_and_finds_people_by_name(client, alice, bob, carol, phone):
    add(alice, teams=[phone])
    add(alice, username="eli", email="eli@example.com", name="Eli Brooks", role="editor")
    client.force_login(alice)

    def names(query):
        html = client.get("/people/" + query).content.decode()
        return set(re.findall(r'href="/people/person/([^/]+)/"', html))

    assert names("?team=phone-support") == {"ava"}
    assert names("?role=editor") == {"bob", "eli"}
    assert names("?role=agent") == {"ava", "carol"}
    assert names("?role=manager") == {"alice"}
    assert names("?q=lind") == {"ava"}
    assert names("?q=eli+brooks") == {"eli"}
    assert names("?q=nobody") == set()


def test_the_list_asks_as_many_queries_for_thirty_people_as_for_three(
    client, alice, phone, django_assert_max_num_queries
):
    client.force_login(alice)
    for n in range(3):
        add(alice, username=f"p{n}", email=f"p{n}@example.com", teams=[phone])
    with django_assert_max_num_queries(100) as few:
        client.get("/people/")
    for n in range(3, 30):
        add(alice, username=f"p{n}", email=f"p{n}@example.com", teams=[phone])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/people/").status_code == 200


# Adding and inviting -------------------------------------------------------------------------------------------


def test_adding_a_person_makes_an_account_without_a_password_and_invites_them(client, alice, phone, chat):
    client.force_login(alice)
    response = client.post(
        "/people/add/",
        {"name": "Ava  Lind", "email": "ava@example.com", "username": "ava", "role": "editor",
         "teams": [phone.pk, chat.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    ava = User.objects.get(username="ava")
    assert ava.get_full_name() == "Ava Lind" and ava.email == "ava@example.com" and ava.is_active
    assert not ava.has_usable_password()
    assert roles(ava) == {"Editors"}
    assert set(ava.profile.teams.all()) == {phone, chat}
    assert ava.profile.invited_by == alice and ava.profile.invited_at
    reasons = [(r.history_change_reason, r.history_user) for r in ava.profile.history.order_by("history_id")]
    assert ("Added as Editor; teams Chat support, Phone support", alice) in reasons
    assert ("Invitation sent to ava@example.com", alice) in reasons
    note = Notification.objects.get(user=ava, kind="invitation")
    assert note.title.startswith("You are invited to") and "Your username is ava" in note.body
    assert re.fullmatch(r"http://testserver/accounts/reset/[\w-]+/[\w-]+/", note.url)


def test_the_invitation_link_lets_the_person_choose_a_password_and_sign_in(client, alice):
    ava = services.person_add(user=alice, username="ava", email="ava@example.com", name="Ava", role="agent")
    services.person_invite(person=ava, user=alice, base_url=SITE)
    link = invitation_link(ava)
    assert link.startswith(SITE + "accounts/reset/")
    page = client.get(link.removeprefix(SITE.rstrip("/")), follow=True)
    assert "Choose a new password" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": "a-calm-Password-9", "new_password2": "a-calm-Password-9"}
    )
    assert done.status_code == 302
    assert client.login(username="ava", password="a-calm-Password-9")
    assert client.get(link.removeprefix(SITE.rstrip("/")), follow=True).context["validlink"] is False  # used once


def test_the_invitation_is_emailed_once_the_person_is_saved(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ava = add(alice)
        services.person_invite(person=ava, user=alice, base_url=SITE)
    [email] = mail.outbox
    assert email.to == ["ava@example.com"] and invitation_link(ava) in email.body


def test_the_username_is_suggested_from_the_email_when_left_empty(client, alice):
    User.objects.create_user("ava.lind", "someone@example.com")
    client.force_login(alice)
    client.post("/people/add/", {"name": "Ava Lind", "email": "Ava.Lind@Example.com", "username": "", "role": "agent"})
    assert User.objects.get(email="Ava.Lind@example.com").username == "ava.lind2"


def test_a_taken_username_or_email_address_is_refused_with_a_free_suggestion(client, alice):
    client.force_login(alice)
    add(alice)
    html = client.post(
        "/people/add/", {"name": "Ava", "email": "ava.l@example.com", "username": "ava", "role": "agent"}
    )
    assert "The username ava is taken." in html.content.decode() and "ava.l is free." in html.content.decode()
    html = client.post("/people/add/", {"name": "Ava", "email": "AVA@example.com", "username": "ava2", "role": "agent"})
    assert "ava already uses this email address." in html.content.decode()
    assert User.objects.filter(username__startswith="ava").count() == 1


def test_an_invitation_again_makes_a_new_link_and_a_deactivated_person_gets_none(client, alice):
    ava = add(alice)
    client.force_login(alice)
    client.post("/people/person/ava/invite/")
    client.post("/people/person/ava/invite/")
    assert Notification.objects.filter(user=ava, kind="invitation").count() == 2
    services.person_deactivate(person=ava, user=alice)
    with pytest.raises(ValidationError):
        services.person_invite(person=ava, user=alice, base_url=SITE)


# Changing a person ---------------------------------------------------------------------------------------------


def test_changing_name_email_role_and_teams_is_one_history_row_saying_what_changed(client, alice, carol, phone):
    client.force_login(alice)
    before = carol.profile.history.count()
    response = client.post(
        "/people/person/carol/",
        {"name": "Carol Diaz", "email": "carol.diaz@example.com", "role": "editor", "teams": [phone.pk]},
    )
    assert response.status_code == 302
    carol.refresh_from_db()
    assert (carol.first_name, carol.last_name, carol.email) == ("Carol", "Diaz", "carol.diaz@example.com")
    assert roles(carol) == {"Editors"}
    assert list(carol.profile.teams.all()) == [phone]
    assert carol.profile.history.count() == before + 1
    latest = carol.profile.history.latest()
    assert latest.history_user == alice
    assert latest.history_change_reason == (
        "Changed name; email (none) → carol.diaz@example.com; role Agent → Editor; teams no team → Phone support"
    )
    # Saving the same again writes nothing.
    client.post(
        "/people/person/carol/",
        {"name": "Carol Diaz", "email": "carol.diaz@example.com", "role": "editor", "teams": [phone.pk]},
    )
    assert carol.profile.history.count() == before + 1


def test_a_role_change_keeps_groups_that_are_not_roles(alice, carol):
    other = Group.objects.create(name="Store 12")
    carol.groups.add(other)
    carol.email = "carol@example.com"
    services.person_update(person=carol, user=alice, name="Carol", email=carol.email, role="manager", teams=[])
    assert roles(carol) == {"Managers", "Store 12"}


def test_the_last_manager_cannot_be_demoted_but_one_of_two_can(client, alice, mallory):
    alice.email, mallory.email = "alice@example.com", "mallory@example.com"
    services.person_deactivate(person=mallory, user=alice)
    client.force_login(alice)
    html = client.post("/people/person/alice/", {"name": "Alice", "email": "alice@example.com", "role": "agent"})
    assert "the last active manager or administrator" in html.content.decode()
    assert roles(alice) == {"Managers"}
    services.person_reactivate(person=mallory, user=alice)
    response = client.post("/people/person/alice/", {"name": "Alice", "email": "alice@example.com", "role": "agent"})
    assert roles(alice) == {"Agents"}
    assert response["Location"] == "/my/"  # the people pages are no longer hers


def test_a_manager_cannot_change_an_administrator_but_an_administrator_can(client, alice, admin_user):
    client.force_login(alice)
    assert client.get("/people/person/root/").status_code == 403
    assert client.post("/people/person/root/deactivate/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.person_update(person=admin_user, user=alice, name="X", email="x@example.com", role=None, teams=[])
    client.force_login(User.objects.create_superuser("root2", "root2@example.com", "pw"))
    html = client.get("/people/person/root/").content.decode()
    assert "given and taken away in the admin" in html
    assert client.post("/people/person/root/deactivate/").status_code == 302
    admin_user.refresh_from_db()
    assert not admin_user.is_active


# Deactivating a leaver -----------------------------------------------------------------------------------------


def test_a_manager_cannot_deactivate_themselves(client, alice, mallory):
    client.force_login(alice)
    response = client.post("/people/person/alice/deactivate/", follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active


def test_a_deactivated_person_cannot_sign_in_but_their_history_stays(client, alice, bob, carol, make_entry):
    entry = make_entry()  # written by bob, approved by alice
    ack_services.entry_acknowledge(entry=entry, user=carol)
    client.force_login(carol)
    client.force_login(alice)
    response = client.post("/people/person/carol/deactivate/")
    assert response.status_code == 302
    carol.refresh_from_db()
    assert not carol.is_active
    assert carol.profile.history.latest().history_change_reason == "Deactivated"
    assert not client.login(username="carol", password="pw-carol")
    page = client.post("/accounts/login/", {"username": "carol", "password": "pw-carol"})
    assert "did not match" in page.content.decode()
    # What they did stays, with their name on it.
    assert carol.acknowledgements.filter(version__entry=entry).exists()
    services.person_deactivate(person=bob, user=alice)
    assert entry.history.filter(history_user=bob).exists()
    assert entry.versions.get(number=1).author == bob
    # They can come back.
    client.post("/people/person/carol/reactivate/")
    assert client.login(username="carol", password="pw-carol")


def test_a_deactivated_person_signed_in_elsewhere_is_signed_out(client, alice, carol):
    client.force_login(carol)
    assert client.get("/my/").status_code == 200
    services.person_deactivate(person=carol, user=alice)
    assert client.get("/my/").status_code == 302


# Teams ---------------------------------------------------------------------------------------------------------


def test_the_teams_page_counts_active_members_and_adds_a_team(client, alice, carol, bob, phone):
    carol.profile.teams.add(phone)
    bob.profile.teams.add(phone)
    services.person_deactivate(person=bob, user=alice)
    client.force_login(alice)
    html = client.get("/people/teams/").content.decode()
    assert "Phone support" in html and "1 person" in html
    assert "Names the team in entries&#x27; audiences" in html
    response = client.post("/people/teams/", {"name": "Store staff", "slug": "store-staff"})
    assert response.status_code == 302
    team = Team.objects.get(slug="store-staff")
    assert team.name == "Store staff"
    assert (team.history.get().history_user, team.history.get().history_change_reason) == (alice, "Added the team")
    html = client.post("/people/teams/", {"name": "Phones", "slug": "phone-support"}).content.decode()
    assert "Another team already uses the slug phone-support." in html


def test_renaming_a_team_keeps_its_slug(client, alice, phone):
    client.force_login(alice)
    client.post("/people/teams/phone-support/", {"name": "Phone and video", "slug": "video"})
    phone.refresh_from_db()
    assert (phone.name, phone.slug) == ("Phone and video", "phone-support")
    assert phone.history.latest().history_change_reason == "Renamed from Phone support"
    with pytest.raises(ValidationError):
        services.team_save(team=phone, user=alice, name="Phone", slug="phone")


# Importing -----------------------------------------------------------------------------------------------------

GOOD = """username,email,name,role,teams
ava,ava@example.com,Ava Lind,agent,Phone support;Chat support
eli,eli@example.com,Eli Brooks,editor,
morgan,morgan@example.com,Morgan Reid,Manager,chat-support
"""


def test_an_import_adds_people_and_makes_missing_teams(alice, phone):
    plan = services.people_import(text=GOOD, user=alice)
    assert [r.username for r in plan.created] == ["ava", "eli", "morgan"]
    assert plan.new_teams == {"chat-support": "Chat support"}
    ava, eli, morgan = (User.objects.get(username=u) for u in ("ava", "eli", "morgan"))
    assert {t.slug for t in ava.profile.teams.all()} == {"phone-support", "chat-support"}
    assert Team.objects.get(slug="chat-support").name == "Chat support"
    assert roles(ava) == {"Agents"} and roles(eli) == {"Editors"} and roles(morgan) == {"Managers"}
    assert not ava.has_usable_password()
    assert not Notification.objects.filter(kind="invitation").exists()  # only with invite


def test_an_import_invites_new_people_only_when_asked(alice):
    services.people_import(text=GOOD, user=alice, invite=True, base_url=SITE)
    assert Notification.objects.filter(kind="invitation").count() == 3


def test_importing_the_same_file_again_changes_nothing_and_writes_no_history(client, alice):
    services.people_import(text=GOOD, user=alice)
    before = history_rows()
    plan = services.people_import(text=GOOD, user=alice)
    assert not plan.changes_anything and len(plan.unchanged) == 3
    assert history_rows() == before
    out = StringIO()
    path = _write(GOOD)
    call_command("import_people", str(path), "--user", "alice", stdout=out)
    assert "Nothing to change" in out.getvalue()
    assert history_rows() == before


def test_a_changed_row_updates_that_person(alice):
    services.people_import(text=GOOD, user=alice)
    changed = GOOD.replace("eli,eli@example.com,Eli Brooks,editor,", "eli,ELI@example.com,Eli Brookes,manager,Store")
    plan = services.people_import(text=changed, user=alice)
    [row] = plan.updated
    assert row.username == "eli" and row.changes == [
        "name Eli Brooks → Eli Brookes", "role Editor → Manager", "teams none → Store"
    ]  # fmt: skip
    eli = User.objects.get(username="eli")
    assert eli.get_full_name() == "Eli Brookes" and roles(eli) == {"Managers"} and eli.email == "eli@example.com"
    assert [t.slug for t in eli.profile.teams.all()] == ["store"]
    assert eli.profile.history.latest().history_user == alice


BAD = """username,email,name,role,teams
ava,ava@example.com,Ava Lind,agent,Phone support
ben,ben@example.com,Ben,boss,
ava,ava2@example.com,Ava Again,agent,
,nobody@example.com,No Name,agent,
dee,not-an-email,Dee,agent,
carol,someone-else@example.com,Carol,agent,
fay,,Fay,agent,
"""


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(alice, carol):
    carol.email = "carol@example.com"
    carol.save()
    users, teams, history = User.objects.count(), Team.objects.count(), history_rows()
    with pytest.raises(PeopleImportError) as caught:
        services.people_import(text=BAD, user=alice)
    assert [str(p) for p in caught.value.problems] == [
        "Line 3: unknown role 'boss' (use agent, editor or manager)",
        "Line 4: the username ava is already on line 2",
        "Line 5: no username",
        "Line 6: 'not-an-email' is not a valid email address",
        "Line 7: the username carol is taken by someone with another email address (carol@example.com)",
        "Line 8: no email address",
    ]
    assert (User.objects.count(), Team.objects.count(), history_rows()) == (users, teams, history)


def test_a_line_repeating_a_bad_line_is_reported_too(alice):
    text = "username,email,name,role,teams\nzed,zed@example.com,Zed,boss,\nzed,zed@example.com,Zed,agent,\n"
    with pytest.raises(PeopleImportError) as caught:
        services.people_import_plan(text=text, user=alice)
    assert [str(p) for p in caught.value.problems] == [
        "Line 2: unknown role 'boss' (use agent, editor or manager)",
        "Line 3: the username zed is already on line 2",
        "Line 3: the email address zed@example.com is already on line 2",
    ]


def test_a_file_that_is_not_a_people_csv_says_why(alice):
    from people.importing import decode_upload

    for data, reason in [
        ("naïve".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV file"),
        (b"", "empty"),
        (b"name,address\nAva,Somewhere\n", "the first line must name the columns"),
        (b'username,email,name,role,teams\nava,"ava@example.com,Ava,agent,\n', "not valid CSV"),
        (b"username,email,name,role,teams\nava,ava@example.com\n", "Line 2: 2 values where the header has 5"),
    ]:
        with pytest.raises(PeopleImportError) as caught:
            services.people_import_plan(text=decode_upload(data), user=alice)
        assert reason in str(caught.value), data


def test_an_import_cannot_leave_no_manager(alice):
    text = "username,email,name,role,teams\nalice,,Alice,agent,\n"
    alice.email = "alice@example.com"
    alice.save()
    with pytest.raises(PeopleImportError) as caught:
        services.people_import(text=text.replace(",,", ",alice@example.com,"), user=alice)
    assert "Line 2: alice is among the last managers" in str(caught.value)


def test_a_manager_cannot_change_an_administrator_by_import(alice, admin_user):
    admin_user.email = "root@example.com"
    admin_user.save()
    text = "username,email,name,role,teams\nroot,root@example.com,Root Person,manager,\n"
    with pytest.raises(PeopleImportError, match="only an administrator can change them"):
        services.people_import(text=text, user=alice)
    services.people_import(text=text, user=admin_user)
    admin_user.refresh_from_db()
    assert admin_user.get_full_name() == "Root Person" and admin_user.is_superuser


# The import page -----------------------------------------------------------------------------------------------


def upload(client, text: str | bytes, invite=False, name="people.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/people/import/", {"file": SimpleUploadedFile(name, data, "text/csv"), "invite": invite})


def test_the_import_page_previews_then_imports_on_confirmation(client, alice):
    client.force_login(alice)
    preview = upload(client, GOOD, invite=True)
    html = preview.content.decode()
    assert "3 to add" in html and "2 new teams" in html and "Chat support" in html
    assert "Each new person gets an email" in html
    assert '<span class="chip">chat-support</span>' not in html  # a new team shows the name it will have
    assert not User.objects.filter(username="ava").exists()  # nothing yet
    digest = preview.context["confirm"]["digest"].value()
    done = client.post("/people/import/confirm/", {"digest": digest}, follow=True)
    assert "Imported people.csv: 3 added, 0 changed, 0 unchanged, 2 new teams. 3 invitations sent." in (
        done.content.decode()
    )
    assert User.objects.filter(username__in=["ava", "eli", "morgan"]).count() == 3
    assert Notification.objects.filter(kind="invitation").count() == 3
    # The same file again: the preview says there is nothing to do.
    html = upload(client, GOOD).content.decode()
    assert "Nothing to change:" in html and "Import</button>" not in html


def test_a_confirmation_for_another_preview_imports_nothing(client, alice):
    client.force_login(alice)
    upload(client, GOOD)
    response = client.post("/people/import/confirm/", {"digest": "0" * 64}, follow=True)
    assert "no longer current" in response.content.decode()
    assert not User.objects.filter(username="ava").exists()


def test_the_import_page_shows_bad_lines_and_imports_nothing(client, alice):
    client.force_login(alice)
    html = upload(client, BAD).content.decode()
    assert "Nothing was imported." in html and "Line 3: unknown role &#x27;boss&#x27;" in html
    assert not User.objects.filter(username="ava").exists()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"x" * 1_000_001, "The file is larger than 1 MB."),
        ("naïve,café".encode("latin-1"), "The file is not UTF-8 text."),
        (b"\x00\x01\x02binary", "This is not a CSV file."),
        (b"just some words\n", "the first line must name the columns"),
    ],
)
def test_a_wrong_file_gets_a_clear_error_never_a_server_error(client, alice, data, message):
    client.force_login(alice)
    response = upload(client, data)
    assert response.status_code == 200 and message in response.content.decode()


# The command ---------------------------------------------------------------------------------------------------


def _write(text: str):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_command_imports_and_refuses_a_bad_file_with_line_numbers(alice):
    out = StringIO()
    call_command("import_people", str(_write(GOOD)), "--user", "alice", stdout=out)
    assert "3 to add" in out.getvalue() and User.objects.filter(username="morgan").exists()
    with pytest.raises(CommandError) as caught:
        call_command("import_people", str(_write(BAD)), "--user", "alice", stdout=StringIO())
    assert "Nothing was imported." in str(caught.value) and "Line 3: unknown role 'boss'" in str(caught.value)


def test_the_command_invites_only_with_invite(alice, settings):
    call_command("import_people", str(_write(GOOD)), "--user", "alice", stdout=StringIO())
    assert not Notification.objects.filter(kind="invitation").exists()
    more = "username,email,name,role,teams\nzed,zed@example.com,Zed,agent,\n"
    call_command(
        "import_people", str(_write(more)), "--user", "alice", "--invite", "--site-url", SITE, stdout=StringIO()
    )
    assert invitation_link(User.objects.get(username="zed")).startswith(SITE + "accounts/reset/")


def test_the_command_dry_run_changes_nothing_and_agents_cannot_import(alice, carol):
    call_command("import_people", str(_write(GOOD)), "--user", "alice", "--dry-run", stdout=StringIO())
    assert not User.objects.filter(username="ava").exists()
    with pytest.raises(CommandError, match="cannot manage people"):
        call_command("import_people", str(_write(GOOD)), "--user", "carol", stdout=StringIO())


# The admin -----------------------------------------------------------------------------------------------------


def test_teams_and_profiles_are_in_the_admin_with_their_history(client, admin_user, phone, carol):
    client.force_login(admin_user)
    assert client.get("/admin/people/team/").status_code == 200
    assert client.get(f"/admin/people/team/{phone.pk}/history/").status_code == 200
    assert client.get(f"/admin/people/profile/{carol.profile.pk}/change/").status_code == 200
    response = client.post(f"/admin/people/team/{phone.pk}/change/", {"name": "Phones"})
    assert response.status_code == 302
    phone.refresh_from_db()
    assert (phone.name, phone.slug) == ("Phones", "phone-support")
    assert phone.history.latest().history_change_reason == "Edited in the admin"


def test_every_user_still_has_a_profile(db):
    user = _user("newbie", "Agents")
    assert Profile.objects.filter(user=user).exists()


def test_the_top_bar_names_each_persons_role(client, admin_user, alice, bob, carol):
    for person, role in ((admin_user, "Administrator"), (alice, "Manager"), (bob, "Editor"), (carol, "Agent")):
        client.force_login(person)
        page = client.get("/my/").content.decode()
        assert f'<span class="role">{role}</span>' in page, role
