"""Who may do what: every permission question has one function here.

Views, services, templates (through the context processor) and management commands all ask these, so the
answer cannot differ between the browser, the admin and a command. Roles are Django groups; the checks are
Django permissions, so the admin agrees with the views. Whether a step fits the entry's state (in review,
retired, four eyes) is the workflow's question, answered by the services with a ``TransitionError``.
"""

from __future__ import annotations

from people.permissions import can_manage_people, can_manage_person, can_read, require

from .models import EntryStatus, PDFKind, ValueStatus

__all__ = ["can_manage_people", "can_manage_person", "can_read", "require"]  # and the questions below


def can_edit(user) -> bool:
    """Write and submit drafts."""
    return can_read(user) and user.has_perm("policies.change_entry")


def can_approve(user) -> bool:
    """Review drafts: approve them or send them back."""
    return can_read(user) and user.has_perm("policies.approve_entry")


def can_retire(user) -> bool:
    """Retire entries and reinstate retired ones."""
    return can_read(user) and user.has_perm("policies.retire_entry")


def can_manage(user) -> bool:
    """Create manuals, change their settings and sections, arrange entries."""
    return can_read(user) and user.has_perm("policies.manage_manual")


def can_read_manual(user, manual) -> bool:
    """See ``manual`` at all (its home page, entries, search, the list of manuals): every reader once a manager
    has opened it; only managers while it waits closed (a manual started from the starter template)."""
    return can_read(user) and (manual.is_open or can_manage(user))


def can_open_manual(user, manual) -> bool:
    """Open a closed manual to readers: managers."""
    return can_manage(user) and not manual.is_open


def can_release_edition(user) -> bool:
    return can_read(user) and user.has_perm("policies.release_edition")


def can_view_ack_reports(user) -> bool:
    """See who has acknowledged what: managers and administrators. Agents and editors see only their own."""
    return can_manage(user)


def can_triage_feedback(user) -> bool:
    """Record, import and triage feedback on the manual: managers."""
    return can_manage(user)


def can_view_dashboard(user) -> bool:
    """Open the manual's dashboard and health check, and see the health score in the header: managers."""
    return can_manage(user)


def can_view_failed_searches(user) -> bool:
    """See what readers searched for without finding it, and turn it into feedback: managers."""
    return can_triage_feedback(user)


def can_view_values(user) -> bool:
    """See the manual's shared values and where they are used: whoever writes entries, to know the names."""
    return can_edit(user)


def can_manage_values(user) -> bool:
    """Define shared values and propose changes to them: managers."""
    return can_manage(user)


def can_approve_value(user, shared_value) -> bool:
    """Whether to offer ``user`` the approval of the change proposed for ``shared_value`` now (four eyes as for
    entries: not its author where the manual asks for it; the service checks again)."""
    return (
        can_approve(user) and shared_value.status == ValueStatus.IN_REVIEW and not four_eyes_blocks(user, shared_value)
    )


def can_send_feedback(user) -> bool:
    """Send a suggestion or change request from an entry page: every signed-in reader."""
    return can_read(user)


def can_import(user, *, publish: bool) -> bool:
    """Import a manual from files; publishing straight from files bypasses review, so it needs an approver."""
    return can_manage(user) and can_edit(user) and (not publish or can_approve(user))


def can_import_word(user) -> bool:
    """Turn Word files into draft entries: whoever may write drafts. Unlike a folder import, it changes no
    manual or section and publishes nothing; the drafts go through review like any other."""
    return can_edit(user)


def can_delete_draft(user, entry) -> bool:
    """A draft that was never published may be deleted by the person who started it, or by a manager."""
    if entry.was_published or not can_edit(user):
        return False
    return can_manage(user) or (entry.created_by_id is not None and entry.created_by_id == user.pk)


def four_eyes_blocks(user, entry) -> bool:
    """Whether the manual's four-eyes rule stops ``user`` approving ``entry`` (they wrote its latest changes)."""
    return bool(entry.manual.require_second_approver and entry.last_author_id == user.pk)


def can_switch_off_four_eyes(user) -> bool:
    """Turn a manual's four-eyes approval off at once: administrators. It binds managers, so a manager's wish to
    turn it off is a request that another manager decides (``can_decide_four_eyes_off``)."""
    return can_manage(user) and user.is_superuser


def can_decide_four_eyes_off(user, manual) -> bool:
    """Approve or decline a pending request to turn four-eyes approval off: any manager but the one who asked."""
    return can_manage(user) and manual.four_eyes_off_pending and manual.four_eyes_off_requested_by_id != user.pk


def can_withdraw_four_eyes_off(user, manual) -> bool:
    """Take back one's own pending request to turn four-eyes approval off."""
    return can_manage(user) and manual.four_eyes_off_pending and manual.four_eyes_off_requested_by_id == user.pk


def can_approve_entry(user, entry) -> bool:
    """Whether to offer ``user`` the approval of ``entry`` now (the service checks it again when it happens)."""
    return can_approve(user) and entry.status == EntryStatus.IN_REVIEW and not four_eyes_blocks(user, entry)


def can_record_review(user, entry) -> bool:
    """Record "Reviewed, no change" on ``entry``: editors and managers, and whoever owns it (the person, or a
    member of the team)."""
    if not can_read(user):
        return False
    if can_edit(user) or entry.owner_user_id == user.pk:
        return True
    return bool(entry.owner_team_id) and entry.owner_team.members.filter(user=user).exists()


def can_see_all_reviews(user) -> bool:
    """The reviews page lists every entry due for editors and managers; anyone else sees the entries they own."""
    return can_edit(user)


def can_open_pdf(user, pdf) -> bool:
    """Stored PDFs of the manual are for every reader, except onboarding packets: those open for the people who
    asked for them (the file is shared by everyone who asks for the same packet) and for editors and managers."""
    if not can_read(user):
        return False
    if pdf.kind != PDFKind.ONBOARDING or can_edit(user):
        return True
    return pdf.requested_by_id == user.pk or pdf.requesters.filter(pk=user.pk).exists()


def can_make_packet_for(user, person) -> bool:
    """Make an onboarding packet naming ``person`` (None: a packet naming nobody). Naming someone lets them open
    and sign it, so a reader may name only themselves; managers name anyone."""
    if not can_read(user):
        return False
    return person is None or person.pk == user.pk or can_manage_people(user)


def role_name(user) -> str:
    if not can_read(user):
        return "Visitor"
    if user.is_superuser:
        return "Administrator"
    if can_manage(user):
        return "Manager"
    if can_edit(user):
        return "Editor"
    return "Agent"
