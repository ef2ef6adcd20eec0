from .permissions import (
    can_approve,
    can_edit,
    can_manage,
    can_manage_people,
    can_release_edition,
    can_retire,
    can_triage_feedback,
    can_view_ack_reports,
    can_view_dashboard,
    can_view_failed_searches,
    can_view_values,
    role_name,
)


def roles(request):
    """What the signed-in person may do, for showing the right next actions (the views check again)."""
    user = getattr(request, "user", None)
    return {
        "role_name": role_name(user),
        "can_edit": can_edit(user),
        "can_approve": can_approve(user),
        "can_manage": can_manage(user),
        "can_retire": can_retire(user),
        "can_release": can_release_edition(user),
        "can_manage_people": can_manage_people(user),
        "can_view_ack_reports": can_view_ack_reports(user),
        "can_triage_feedback": can_triage_feedback(user),
        "can_view_failed_searches": can_view_failed_searches(user),
        "can_view_dashboard": can_view_dashboard(user),
        "can_view_values": can_view_values(user),
    }
