from django.utils.functional import SimpleLazyObject

from . import selectors


def unread(request):
    """``unread_notifications``: how many notifications the signed-in person has not read, for the header.

    Counted only when a template shows it (one COUNT query), and never for visitors.
    """
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user))}
