"""People and teams: adding and inviting people, changing their role and teams, deactivating leavers, naming
teams, and importing a list of people.

Every function asks ``permissions.can_manage_people`` (and ``can_manage_person`` for the person it changes)
and leaves a history row saying who did what. A person is a Django user, which keeps no history of its own, so
the row is written on their profile, whose change reason names what changed on the user: "Role: Agent →
Editor", "Deactivated". Nothing is written when nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import events
from .importing import ImportPlan, people_import_check
from .models import Profile, Team
from .names import full_name, split_name, tidy_name
from .permissions import can_manage_people, can_manage_person, require
from .roles import ROLE_GROUPS, Role, role_label, role_of
from .selectors import people_managers

NOT_ALLOWED = "Only managers and administrators can manage people."


# Shared steps --------------------------------------------------------------------------------------------------


def _save_profile(profile: Profile, *, user, reason: str, teams: Iterable[Team] | None = None) -> None:
    """Save the profile (and its teams) as one history row recording who and why."""
    if teams is not None:
        # Changing the teams alone would write a history row without a reason; the save below writes one
        # row holding both the teams and the reason.
        profile.skip_history_when_saving = True
        try:
            profile.teams.set(list(teams))
        finally:
            del profile.skip_history_when_saving
    profile._history_user = user
    profile._change_reason = reason
    profile.full_clean()
    profile.save()


def _set_role(person, role: str) -> None:
    """Put ``person`` in the group of ``role`` and out of the other role groups; other groups stay."""
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLE_GROUPS.values())}
    wanted = groups[ROLE_GROUPS[Role(role)]]
    person.groups.remove(*[group for name, group in groups.items() if group != wanted])
    person.groups.add(wanted)


def _check_name(name: str) -> None:
    if any(len(part) > 150 for part in split_name(name)):
        raise ValidationError(
            {"name": "This name is too long: at most 150 characters before and after the first space."}
        )


def _check_email_free(email: str, *, person=None) -> None:
    User = get_user_model()
    others = User.objects.filter(email__iexact=email)
    if person is not None:
        others = others.exclude(pk=person.pk)
    other = others.first()
    if other is not None:
        raise ValidationError({"email": f"{other.username} already uses this email address."})


def _check_keeps_a_manager(person, *, leaving: str) -> None:
    """Refuse a change that would leave nobody active who can manage people."""
    if not people_managers(exclude=person).exists():
        raise ValidationError(
            f"{full_name(person) or person.username} is the last active manager or administrator, so they "
            f"cannot be {leaving}. Make someone else a manager first."
        )


def _team_names(teams: Iterable[Team]) -> str:
    return ", ".join(sorted(team.name for team in teams)) or "no team"


# People --------------------------------------------------------------------------------------------------------


@transaction.atomic
def person_add(
    *, user, username: str, email: str, name: str, role: str, teams: Iterable[Team] = (), reason: str = "Added"
):
    """Add a person who cannot sign in until they choose a password (``person_invite`` sends them the link)."""
    require(can_manage_people(user), NOT_ALLOWED)
    User = get_user_model()
    email = User.objects.normalize_email(email.strip())
    if not email:
        raise ValidationError({"email": "Give the person's email address: their invitation goes there."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username {username} is taken."})
    _check_email_free(email)
    Role(role)  # an unknown role is a programming error here: the forms and the import offer only these
    _check_name(name)
    first_name, last_name = split_name(name)
    person = User(username=username, email=email, first_name=first_name, last_name=last_name)
    person.set_unusable_password()
    person.full_clean()
    person.save()
    _set_role(person, role)
    teams = list(teams)
    profile, _ = Profile.objects.get_or_create(user=person)
    _save_profile(profile, user=user, teams=teams, reason=f"{reason} as {role_label(role)}; teams {_team_names(teams)}")
    return person


def person_invitation_link(*, person, base_url: str) -> str:
    """The absolute address where ``person`` chooses their password: Django's password reset link, which works
    once and for ``PASSWORD_RESET_TIMEOUT`` (three days unless set)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return base_url.rstrip("/") + path


def _days(seconds: int) -> str:
    days = max(1, seconds // 86400)
    return f"{days} day{'' if days == 1 else 's'}"


@transaction.atomic
def person_invite(*, person, user, base_url: str) -> None:
    """Send ``person`` a link to choose their password (``events.person_invited``: the notifications app emails it).

    ``base_url`` is the site's address as the person will reach it ("https://manual.example.com/"), taken from
    the request in the browser and from ``--site-url`` in the import command. Sending again makes a new link;
    earlier ones keep working until one of them is used or they expire.
    """
    require(can_manage_person(user, person), NOT_ALLOWED)
    if not person.is_active:
        raise ValidationError("This person is deactivated: reactivate them before inviting them.")
    if not person.email:
        raise ValidationError("This person has no email address to send the invitation to.")
    if not base_url:
        raise ValueError("person_invite needs the site's address to build the link")
    inviter = full_name(user) or user.username
    now = timezone.now()
    events.person_invited.send(
        sender=Profile,
        person=person,
        title="You are invited to the Policy Manual",
        body=(
            f"{inviter} added you to the Policy Manual as {_with_article(role_label(role_of(person)))}. "
            f"Your username is {person.username}.\n\n"
            f"Open the link below to choose your password, then sign in. The link works once, within "
            f"{_days(settings.PASSWORD_RESET_TIMEOUT)}; if it has expired, ask {inviter} to send a new invitation."
        ),
        url=person_invitation_link(person=person, base_url=base_url),
        key=f"invitation:{person.pk}:{now:%Y%m%dT%H%M%S%f}",
    )
    profile, _ = Profile.objects.get_or_create(user=person)
    profile.invited_by = user
    profile.invited_at = now
    _save_profile(profile, user=user, reason=f"Invitation sent to {person.email}")


def _with_article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label.lower()


@transaction.atomic
def person_update(*, person, user, name: str, email: str, role: str | None, teams: Iterable[Team]) -> bool:
    """Change a person's name, email, role and teams; ``role=None`` keeps it (administrators have none to
    change here). Says whether anything changed: nothing changed writes nothing."""
    require(can_manage_person(user, person), "Only an administrator can change an administrator.")
    User = get_user_model()
    email = email.strip()
    if email != person.email:
        email = User.objects.normalize_email(email)
    if not email:
        raise ValidationError({"email": "A person needs an email address."})
    teams = list(teams)
    # Everything is checked before the person is touched, so a refusal leaves them as they were.
    changes = []
    name_changed = tidy_name(name) != full_name(person)
    if name_changed:
        _check_name(name)
        changes.append("name")
    email_changed = email != person.email
    if email_changed:
        _check_email_free(email, person=person)
        changes.append(f"email {person.email or '(none)'} → {email}")
    old_role = role_of(person)
    role_changed = role is not None and not person.is_superuser and role != old_role
    if role_changed:
        Role(role)
        if old_role == Role.MANAGER and person.is_active:
            _check_keeps_a_manager(person, leaving="made " + role_label(role).lower())
        changes.append(f"role {role_label(old_role)} → {role_label(role)}")
    old_teams = set(person.profile.teams.all())
    if set(teams) != old_teams:
        changes.append(f"teams {_team_names(old_teams)} → {_team_names(teams)}")
    if not changes:
        return False
    if name_changed:
        person.first_name, person.last_name = split_name(name)
    if email_changed:
        person.email = email
    person.full_clean()
    person.save()
    if role_changed:
        _set_role(person, role)
    _save_profile(person.profile, user=user, teams=teams, reason="Changed " + "; ".join(changes))
    return True


@transaction.atomic
def person_deactivate(*, person, user) -> None:
    """A leaver: they can no longer sign in (nor stay signed in), and they drop out of those asked to
    acknowledge. What they wrote, approved and acknowledged stays, with their name on it."""
    require(can_manage_person(user, person), "Only an administrator can deactivate an administrator.")
    if person.pk == user.pk:
        raise ValidationError("You cannot deactivate yourself. Ask another manager or an administrator.")
    if not person.is_active:
        return
    _check_keeps_a_manager(person, leaving="deactivated")
    person.is_active = False
    person.save(update_fields=["is_active"])
    _save_profile(person.profile, user=user, reason="Deactivated")


@transaction.atomic
def person_reactivate(*, person, user) -> None:
    """Let a deactivated person sign in again, with the password they had."""
    require(can_manage_person(user, person), "Only an administrator can reactivate an administrator.")
    if person.is_active:
        return
    person.is_active = True
    person.save(update_fields=["is_active"])
    _save_profile(person.profile, user=user, reason="Reactivated")


# Teams ---------------------------------------------------------------------------------------------------------


def team_save(*, team: Team | None, user, name: str, slug: str | None = None, reason: str = "") -> Team:
    """Add a team (``team=None``, with its slug) or rename one. A team's slug never changes: entries' audiences
    and import files name the team by it."""
    require(can_manage_people(user), NOT_ALLOWED)
    name = tidy_name(name)
    if not name:
        raise ValidationError({"name": "Give the team a name."})
    creating = team is None
    if creating:
        slug = (slug or "").strip().lower()
        if not slug:
            raise ValidationError({"slug": "Give the team a slug."})
        if Team.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": f"Another team already uses the slug {slug}."})
        team = Team(slug=slug)
    elif slug is not None and slug != team.slug:
        raise ValidationError({"slug": "A team's slug cannot change: entries name the team by it."})
    if not creating and name == team.name:
        return team
    old_name = team.name
    team.name = name
    team._history_user = user
    team._change_reason = reason or ("Added the team" if creating else f"Renamed from {old_name}")
    team.full_clean()
    team.save()
    return team


# Importing a list of people ------------------------------------------------------------------------------------


def people_import_plan(*, text: str, user) -> ImportPlan:
    """Check a CSV of people and say what importing it would do, changing nothing.

    Raises ``importing.PeopleImportError`` listing every bad row by line number.
    """
    require(can_manage_people(user), NOT_ALLOWED)
    return people_import_check(text=text, user=user)


@transaction.atomic
def people_import(*, text: str, user, invite: bool = False, base_url: str = "") -> ImportPlan:
    """Import a CSV of people, all or nothing: the file is checked again here, inside the transaction, so what
    is written is what the check allowed. New people are invited when ``invite`` is set. Returns the plan
    carried out; an unchanged file writes nothing."""
    plan = people_import_plan(text=text, user=user)
    teams = {team.slug: team for team in Team.objects.filter(slug__in=plan.team_slugs)}
    for slug, name in plan.new_teams.items():
        teams[slug] = team_save(team=None, user=user, name=name, slug=slug, reason="Added by an import")
    for row in plan.rows:
        row_teams = [teams[slug] for slug in row.team_slugs]
        if row.action == "create":
            person = person_add(
                user=user, username=row.username, email=row.email, name=row.name, role=row.role,
                teams=row_teams, reason="Imported",
            )  # fmt: skip
            if invite:
                person_invite(person=person, user=user, base_url=base_url)
        elif row.action == "update":
            # The address matched, perhaps in other capitals: it is not the import's to change.
            person = row.person
            person_update(person=person, user=user, name=row.name, email=person.email, role=row.role, teams=row_teams)
    return plan
