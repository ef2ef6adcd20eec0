"""The index follows the published manual.

Publishing, retiring, reinstating and deleting announce themselves after the commit (``policies.events``), and
each re-indexes its entry. Two kinds of change are not announced, and the index must follow them all the same:
the demo replays its past year with the events muted (nobody should be told today of changes made months ago,
but its manual must still be searchable), and arranging the manual (a move to another section) takes effect at
once without an event. So every save of an entry that was ever published also queues the entry, and once the
transaction commits its entries are re-indexed together: a whole import or the demo's year costs one pass. An
entry already in step costs two reads and writes nothing, so an announced change indexed twice is cheap.

A failure here is logged and never turns a publication that is already stored into an error page;
``manage.py rebuild_search_index`` mends the index.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from policies import events
from policies.models import Entry

from .indexing import index_entries

_queued = threading.local()


_quietly = events.quietly("Updating the search index")


@receiver(events.entry_published, dispatch_uid="search.entry_published")
@_quietly
def entry_published(sender, *, entry, **kwargs) -> None:
    index_entries([entry.pk])


@receiver(events.entry_retired, dispatch_uid="search.entry_retired")
@_quietly
def entry_retired(sender, *, entry, **kwargs) -> None:
    index_entries([entry.pk])


@receiver(events.entry_reinstated, dispatch_uid="search.entry_reinstated")
@_quietly
def entry_reinstated(sender, *, entry, **kwargs) -> None:
    index_entries([entry.pk])


@receiver(events.entry_deleted, dispatch_uid="search.entry_deleted")
@_quietly
def entry_deleted(sender, *, entry_id, **kwargs) -> None:
    index_entries([entry_id])


@receiver(post_save, sender=Entry, dispatch_uid="search.entry_saved")
def entry_saved(sender, instance: Entry, raw: bool = False, **kwargs) -> None:
    """Queue an entry that is or was in the manual; a draft never published has nothing to index."""
    if raw or instance.live_version_id is None:
        return
    pending = getattr(_queued, "ids", None)
    if pending is None:
        pending = _queued.ids = set()
    pending.add(instance.pk)
    # One callback per save; the first to run after the commit takes every queued entry, the rest find none.
    # Entries queued in a transaction that rolled back are simply indexed with the next commit: indexing an
    # entry that did not change writes nothing.
    transaction.on_commit(_index_queued)


@_quietly
def _index_queued() -> None:
    pending = getattr(_queued, "ids", None)
    if not pending:
        return
    ids, _queued.ids = pending, set()
    index_entries(ids)
