"""What happened to the manual, announced once the change is safely stored.

Publishing a version, retiring or reinstating an entry and releasing an edition each send one
signal, after the transaction commits (``transaction.on_commit``): a rolled-back approval announces nothing.
Reactions hang off these rather than being called from inside the services: asking readers to acknowledge a
material change, notifications, the search index, stored PDFs. (Acknowledging announces its own event,
``acknowledgements.events``.)

Receivers get ``sender`` (the model class) and keyword arguments named after what happened::

    entry_submitted: entry, user            (a draft sent for review)
    changes_requested: entry, user, comment (a reviewer sent it back)
    entry_published: entry, version, user, asks_acknowledgement, live
                                            (and value_change, when a shared value's change republished it)
    value_published: value_change, user     (a shared value's change, after the entry_published of each entry
                                             it republished)
    entry_retired: entry, user, reason
    entry_reinstated: entry, user
    entry_deleted: manual, entry_id, slug, title, user
    edition_released: edition, user
    manual_opened: manual, user             (a manual closed to readers was opened to them)
"""

import functools
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

_muted: ContextVar[bool] = ContextVar("policy_events_muted", default=False)

entry_submitted = Signal()
changes_requested = Signal()
entry_published = Signal()
value_published = Signal()
entry_retired = Signal()
entry_reinstated = Signal()
entry_deleted = Signal()
edition_released = Signal()
manual_opened = Signal()
# Sent inside the publishing transaction (not after it): entry, version, user, answers (ids of feedback items the
# version answers). For work that must commit or roll back with the publication.
version_going_live = Signal()


def announce(signal: Signal, sender, **kwargs) -> None:
    """Send ``signal`` when the current transaction commits (at once outside a transaction)."""
    if _muted.get():
        return
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))


@contextmanager
def muted():
    """Announce nothing inside the block: for replaying history (the demo's past year), where telling people
    now about changes made months ago would be noise."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def quietly(doing: str):
    """For a receiver: log its failure ("<doing> failed (<receiver>)", with the traceback, on its module's logger)
    instead of raising, so one reaction going wrong never undoes or hides the change it reacts to."""

    def decorate(handler):
        log = logging.getLogger(handler.__module__)

        @functools.wraps(handler)
        def wrapper(*args, **kwargs):
            try:
                handler(*args, **kwargs)
            except Exception:
                log.exception("%s failed (%s)", doing, handler.__name__)

        return wrapper

    return decorate
