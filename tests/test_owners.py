"""Entry owners: a person or a team, or else a name in words shown as unassigned."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.models import Team
from policies import services
from policies.forms import EntryForm
from policies.models import Entry, EntryVersion

owners_migration = importlib.import_module("policies.migrations.0008_entry_owners")


@pytest.fixture
def dana(db):
    return User.objects.create_user("dana", first_name="Dana", last_name="Osei")


@pytest.fixture
def returns(db):
    return Team.objects.create(slug="returns", name="Returns team")


# The data migration ----------------------------------------------------------------------------------------------


def test_the_migration_turns_owner_names_into_people_and_teams(make_entry, bob, dana, returns):
    Team.objects.create(slug="store-staff", name="Store staff")
    User.objects.create_user("sam1", first_name="Sam", last_name="Lee")
    User.objects.create_user("sam2", first_name="Sam", last_name="Lee")
    written = {
        "by-username": "BOB",
        "by-full-name": "dana  osei",
        "by-team-slug": "Returns",
        "by-team-name": "store staff",
        "two-people-of-that-name": "Sam Lee",
        "nobody": "Returns team lead",
    }
    for slug, owner in written.items():
        make_entry(slug, owner=owner)

    owners_migration.assign_owners(django_apps, None)

    found = {
        e.slug: (e.owner_user and e.owner_user.username, e.owner_team and e.owner_team.slug, e.owner)
        for e in Entry.objects.select_related("owner_user", "owner_team")
    }
    assert found == {
        "by-username": ("bob", None, ""),
        "by-full-name": ("dana", None, ""),
        "by-team-slug": (None, "returns", ""),
        "by-team-name": (None, "store-staff", ""),
        "two-people-of-that-name": (None, None, "Sam Lee"),
        "nobody": (None, None, "Returns team lead"),
    }
    for entry in Entry.objects.all():
        version = entry.live_version
        assert (version.owner_user_id, version.owner_team_id, version.owner) == (
            entry.owner_user_id, entry.owner_team_id, entry.owner,
        )  # fmt: skip
        newest = entry.history.order_by("-history_date", "-history_id").first()
        assert (newest.owner_user_id, newest.owner_team_id, newest.owner) == (
            entry.owner_user_id, entry.owner_team_id, entry.owner,
        )  # fmt: skip
    # Older history keeps the owner as it was written then.
    first = Entry.objects.get(slug="by-username").history.order_by("history_date", "history_id").first()
    assert (first.owner, first.owner_user_id) == ("BOB", None)


def test_the_migration_leaves_assigned_owners_alone_and_goes_back_to_names(make_entry, bob, dana, returns):
    make_entry("by-person", owner_user=dana)
    make_entry("by-team", owner_team=returns)
    make_entry("in-words", owner="bob")

    owners_migration.assign_owners(django_apps, None)
    assert Entry.objects.get(slug="by-person").owner_user == dana
    assert Entry.objects.get(slug="in-words").owner_user == bob

    owners_migration.write_owners_as_text(django_apps, None)

    assert dict(Entry.objects.values_list("slug", "owner")) == {
        "by-person": "Dana Osei", "by-team": "Returns team", "in-words": "bob",
    }  # fmt: skip
    assert EntryVersion.objects.get(entry__slug="by-team").owner == "Returns team"


# The form ----------------------------------------------------------------------------------------------------


def test_the_owner_select_lists_editors_and_managers_first_then_people_then_teams(manual, alice, bob, carol, returns):
    User.objects.create_user("left", is_active=False)
    dana = User.objects.create_user("dana", first_name="Dana", last_name="Osei")
    dana.groups.add(*bob.groups.all())

    choices = EntryForm(manual=manual).fields["owned_by"].choices

    assert choices[0][0] == ""
    groups = {title: [label for _value, label in options] for title, options in choices[1:]}
    assert groups == {
        "Editors and managers": ["alice", "bob", "Dana Osei (dana)"],
        "Other people": ["carol"],
        "Teams": ["Returns team"],
    }


def test_a_person_who_left_stays_listed_as_the_owner_they_are(make_entry, manual):
    left = User.objects.create_user("left", is_active=False)
    entry = make_entry(owner_user=left)

    form = EntryForm(initial=EntryForm.initial_for(entry), manual=manual, entry=entry)

    assert (f"user:{left.pk}", "left, no longer active") in form.fields["owned_by"].choices[2][1]
    assert f'<option value="user:{left.pk}" selected>' in str(form["owned_by"])


def test_choosing_a_team_in_the_form_sets_it_and_drops_the_words(manual, section, returns):
    data = {"title": "Refunds", "slug": "refunds", "kind": "policy", "section": section.pk, "review_every_months": 12}
    form = EntryForm({**data, "owned_by": "team:returns", "owner": "Returns team lead"}, manual=manual)

    assert form.is_valid(), form.errors
    content = form.content()
    assert (content["owner_user"], content["owner_team"], content["owner"]) == (None, returns, "")


def test_an_editor_assigns_a_person_in_the_editor(client, bob, dana, make_entry):
    entry = make_entry(published=False, owner="Returns team lead")
    client.force_login(bob)
    url = f"/manuals/{entry.manual.slug}/{entry.slug}/edit/"
    assert '<option value="" selected>' in client.get(url).content.decode()

    client.post(
        url,
        {
            "title": entry.title, "slug": entry.slug, "kind": "policy", "review_every_months": "12",
            "owned_by": f"user:{dana.pk}", "owner": "Returns team lead", "lock_version": entry.lock_version,
            "action": "save",
        },
    )  # fmt: skip

    entry.refresh_from_db()
    assert (entry.owner_user, entry.owner_team, entry.owner) == (dana, None, "")
    assert f'<option value="user:{dana.pk}" selected>' in client.get(url).content.decode()


# One owner at most ---------------------------------------------------------------------------------------------


def test_the_database_refuses_an_entry_owned_by_a_person_and_a_team(make_entry, dana, returns):
    entry = make_entry(published=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        # Straight to the database, past the service, to show the constraint holds on its own.
        Entry.objects.filter(pk=entry.pk).update(owner_user=dana, owner_team=returns)


def test_the_service_refuses_a_person_and_a_team_as_owner(make_entry, manual, section, bob, dana, returns):
    entry = make_entry(published=False, owner_user=dana)
    history = entry.history.count()

    with pytest.raises(ValidationError, match="Choose a person or a team as the owner, not both."):
        services.entry_save_draft(entry=entry, manual=manual, user=bob, data={"owner_team": returns})

    entry.refresh_from_db()
    assert (entry.owner_user, entry.owner_team, entry.history.count()) == (dana, None, history)
    with pytest.raises(ValidationError, match="not both"):
        make_entry("another", owner_user=dana, owner_team=returns)
    assert not Entry.objects.filter(slug="another").exists()


def test_publishing_copies_the_owner_into_the_version(make_entry, returns):
    entry = make_entry(owner_team=returns)

    assert entry.live_version.owner_team == returns
    assert entry.live_version.owner_label == "Returns team"


# Where the owner is shown --------------------------------------------------------------------------------------


def test_owner_label_is_the_person_then_the_team_then_the_words(make_entry, bob, dana, returns):
    assert make_entry("a", owner_user=dana).owner_label == "Dana Osei"
    assert make_entry("b", owner_user=bob).owner_label == "bob"
    assert make_entry("c", owner_team=returns).owner_label == "Returns team"
    words = make_entry("d", owner="Returns team lead")
    assert (words.owner_label, words.owner_unassigned) == ("Returns team lead", True)
    assert (make_entry("e").owner_label, make_entry("f").owner_unassigned) == ("", False)


def test_the_entry_page_names_the_owner_and_tells_editors_when_unassigned(
    client, carol, bob, make_entry, dana, returns
):
    make_entry("refund-policy", owner_user=dana)
    make_entry("guarantee", owner_team=returns)
    make_entry("tone", owner="Returns team lead")
    client.force_login(carol)

    assert "<span>Owner: Dana Osei</span>" in client.get("/manuals/service/refund-policy/").content.decode()
    assert "<span>Owner: Returns team</span>" in client.get("/manuals/service/guarantee/").content.decode()
    assert "<span>Owner: Returns team lead</span>" in client.get("/manuals/service/tone/").content.decode()

    client.force_login(bob)
    page = client.get("/manuals/service/tone/").content.decode()
    assert "<span>Owner: Returns team lead (unassigned)</span>" in page


def test_the_print_page_names_owners(client, carol, make_entry, dana, returns):
    make_entry("refund-policy", owner_user=dana)
    make_entry("guarantee", owner_team=returns)
    client.force_login(carol)

    page = client.get("/manuals/service/print/").content.decode()

    assert "<span>Owner: Dana Osei</span>" in page
    assert "<span>Owner: Returns team</span>" in page


def test_the_diff_shows_an_owner_change_by_name(client, bob, make_entry, returns):
    entry = make_entry(owner="Quality lead")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"owner": "", "owner_team": returns})
    client.force_login(bob)

    page = client.get(f"/manuals/service/{entry.slug}/diff/?from=1&to=draft").content.decode()

    assert '<h2 class="label">Owner</h2>' in page
    assert '<div class="diff"><del>Quality</del><ins>Returns</ins> <del>lead</del><ins>team</ins></div>' in page
