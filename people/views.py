"""The people pages, for managers and administrators: everyone at a glance, adding and inviting a person,
changing or deactivating them, teams, and importing a list of people from a CSV file."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import ImportConfirmForm, ImportUploadForm, PersonForm, TeamForm
from .importing import COLUMNS, PeopleImportError, decode_upload
from .models import Team
from .permissions import can_manage_people, can_manage_person, require
from .roles import ADMINISTRATOR, Role, role_label, role_of

IMPORT_SESSION_KEY = "people_import"
PER_PAGE = 50
ROLE_FILTERS = [(ADMINISTRATOR, "Administrators")] + [(role.value, f"{role.label}s") for role in reversed(Role)]


def _require_people_manager(request: HttpRequest) -> None:
    require(can_manage_people(request.user), "Only managers and administrators can manage people.")


def _person(request: HttpRequest, username: str):
    """The person named in the address, once the visitor may manage people (so others never learn who exists)."""
    _require_people_manager(request)
    try:
        person = selectors.person_get(username)
    except get_user_model().DoesNotExist:
        raise Http404("Nobody has this username.") from None
    require(can_manage_person(request.user, person), "Only an administrator can change an administrator.")
    return person


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _show_errors(form, exc: ValidationError) -> None:
    """Put a service's refusal beside the field it is about, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _status(person) -> str:
    if not person.is_active:
        return "deactivated"
    return "active" if person.has_usable_password() else "invited"


def _row(person) -> dict:
    return {
        "person": person,
        "name": services.full_name(person),
        "role": role_label(role_of(person)),
        "teams": list(person.profile.teams.all()),
        "status": _status(person),
    }


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    _require_people_manager(request)
    team, role, q = request.GET.get("team", ""), request.GET.get("role", ""), request.GET.get("q", "").strip()
    page = Paginator(selectors.people_list(team=team, role=role, q=q), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "rows": [_row(person) for person in page],
        "page": page,
        "teams": Team.objects.order_by("name"),
        "roles": ROLE_FILTERS,
        "team": team,
        "role": role,
        "q": q,
        "filtered": bool(team or role or q),
    }
    return render(request, "people/person_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest) -> HttpResponse:
    _require_people_manager(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # nobody is added without their invitation
                person = services.person_add(
                    user=request.user,
                    username=data["username"] or selectors.username_suggestion(data["email"]),
                    email=data["email"],
                    name=data["name"],
                    role=data["role"],
                    teams=data["teams"],
                )
                services.person_invite(person=person, user=request.user, base_url=_site_url(request))
        except ValidationError as exc:
            _show_errors(form, exc)
            if "username" in form.errors and data.get("email"):
                free = selectors.username_suggestion(data["email"])
                form.add_error("username", f"{free} is free.")
        else:
            messages.success(
                request,
                f"{services.full_name(person) or person.username} is added as {person.username}. An invitation to "
                f"choose a password is on its way to {person.email}.",
            )
            return redirect("people:person_list")
    return render(request, "people/person_form.html", {"form": form, "adding": True})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, username: str) -> HttpResponse:
    person = _person(request, username)
    initial = {
        "name": services.full_name(person),
        "email": person.email,
        "role": role_of(person),
        "teams": list(person.profile.teams.all()),
    }
    form = PersonForm(request.POST or None, initial=initial, adding=False, with_role=not person.is_superuser)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.person_update(
                person=person,
                user=request.user,
                name=data["name"],
                email=data["email"],
                role=data.get("role"),
                teams=data["teams"],
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Saved." if changed else "Nothing to save: no changes.")
            if person.pk == request.user.pk and not can_manage_people(selectors.person_get(person.username)):
                return redirect("my_home")  # they gave up their own manager role: these pages are closed to them
            return redirect("people:person_edit", username=person.username)
    context = {
        "form": form,
        "adding": False,
        "person": person,
        "row": _row(person),
        "is_self": person.pk == request.user.pk,
        "history": selectors.person_history(person),
    }
    return render(request, "people/person_form.html", context)


def _person_step(request: HttpRequest, username: str, step, done: str) -> HttpResponse:
    person = _person(request, username)
    try:
        step(person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(name=services.full_name(person) or person.username, person=person))
    return redirect("people:person_edit", username=person.username)


@login_required
@require_POST
def person_deactivate(request: HttpRequest, username: str) -> HttpResponse:
    return _person_step(
        request,
        username,
        lambda person: services.person_deactivate(person=person, user=request.user),
        "{name} is deactivated and can no longer sign in. What they wrote and acknowledged stays.",
    )


@login_required
@require_POST
def person_reactivate(request: HttpRequest, username: str) -> HttpResponse:
    return _person_step(
        request,
        username,
        lambda person: services.person_reactivate(person=person, user=request.user),
        "{name} is active again and can sign in.",
    )


@login_required
@require_POST
def person_invite(request: HttpRequest, username: str) -> HttpResponse:
    return _person_step(
        request,
        username,
        lambda person: services.person_invite(person=person, user=request.user, base_url=_site_url(request)),
        "A new invitation is on its way to {person.email}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    _require_people_manager(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_save(
                team=None, user=request.user, name=form.cleaned_data["name"], slug=form.cleaned_data["slug"]
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, f"Team {team.name} added.")
            return redirect("people:team_list")
    return render(request, "people/team_list.html", {"teams": selectors.teams_with_counts(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_people_manager(request)
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise Http404("No team has this slug.")
    form = TeamForm(request.POST or None, initial={"name": team.name}, renaming=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(team=team, user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Team saved.")
            return redirect("people:team_list")
    return render(request, "people/team_form.html", {"team": team, "form": form})


def _import_page(request: HttpRequest, form, problems=()) -> HttpResponse:
    return render(request, "people/import.html", {"form": form, "problems": problems, "columns": ",".join(COLUMNS)})


@login_required
@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV and see what importing it would do; the file waits in the session for the confirmation."""
    _require_people_manager(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form)
    upload = form.cleaned_data["file"]
    try:
        text = decode_upload(upload.read())
        plan = services.people_import_plan(text=text, user=request.user)
    except PeopleImportError as exc:
        return _import_page(request, form, exc.problems)
    digest = hashlib.sha256(text.encode()).hexdigest()
    invite = form.cleaned_data["invite"]
    request.session[IMPORT_SESSION_KEY] = {"text": text, "digest": digest, "name": upload.name, "invite": invite}
    context = {
        "plan": plan,
        "confirm": ImportConfirmForm(initial={"digest": digest}),
        "filename": upload.name,
        "invite": invite,
    }
    return render(request, "people/import_preview.html", context)


@login_required
@require_POST
def people_import_confirm(request: HttpRequest) -> HttpResponse:
    _require_people_manager(request)
    stored = request.session.get(IMPORT_SESSION_KEY)
    form = ImportConfirmForm(request.POST)
    if not stored or not form.is_valid() or form.cleaned_data["digest"] != stored["digest"]:
        messages.error(request, "That preview is no longer current. Upload the file again.")
        return redirect("people:people_import")
    try:
        plan = services.people_import(
            text=stored["text"], user=request.user, invite=stored["invite"], base_url=_site_url(request)
        )
    except PeopleImportError as exc:  # someone changed people or teams since the preview
        return _import_page(request, ImportUploadForm(), exc.problems)
    del request.session[IMPORT_SESSION_KEY]
    if not plan.changes_anything:
        messages.info(request, "Nothing to change: everyone in the file already matches.")
    else:
        sent = len(plan.created) if stored["invite"] else 0
        invited = f" {sent} invitation{'s' if sent != 1 else ''} sent." if sent else ""
        messages.success(
            request,
            f"Imported {stored['name']}: {len(plan.created)} added, {len(plan.updated)} changed, "
            f"{len(plan.unchanged)} unchanged, {len(plan.new_teams)} new team{'' if len(plan.new_teams) == 1 else 's'}."
            + invited,
        )
    return redirect("people:person_list")
