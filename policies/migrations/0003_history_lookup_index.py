"""An index for "the entry as it stood at time T": its newest history row at or before T.

simple-history indexes the entry id and the history date separately; the manual as of a date looks up, for each
entry, its rows by id in date order, which this composite index answers directly. The history model is built by
simple-history, so the index is created here in SQL and is not part of the model state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_roles")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX policies_historicalentry_id_date ON policies_historicalentry (id, history_date)",
            "DROP INDEX policies_historicalentry_id_date",
        ),
    ]
