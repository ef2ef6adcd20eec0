"""What acknowledging announces, after the transaction commits (``policies.events.announce``).

    entry_acknowledged: version, user       (they read it and will follow it; version.entry_id is the entry)
"""

from django.dispatch import Signal

entry_acknowledged = Signal()
