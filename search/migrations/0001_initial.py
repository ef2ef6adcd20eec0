"""The search index, its vocabulary and the record of failed searches.

On PostgreSQL: the pg_trgm extension, a GIN index on the documents' tsvector and a trigram index on the
vocabulary. On SQLite: the FTS5 table (porter tokenizer) over the documents and the triggers that keep it in
step. Each database skips the other's part.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from search.dbops import AddIndexOnPostgreSQL, sqlite_sql

# SQLite: an external-content FTS5 table over the documents' own rows, and triggers that keep it in step with
# every insert, update and delete, cascades included (search.indexing.SQLITE_FTS is the same, for mending).
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title, summary, body, content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_update AFTER UPDATE OF title, summary, body ON search_searchdocument
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO search_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
]
SQLITE_FTS_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('feedback', '0002_source_search'),
        ('policies', '0010_manual_channels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),  # PostgreSQL only: CreateExtension does nothing on other databases
        migrations.CreateModel(
            name='FailedSearchFeedback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('normalised_query', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='feedback.feedbackitem')),
                ('manual', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policies.manual')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('manual', 'normalised_query'), name='failedsearch_feedback_unique')],
            },
        ),
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('manual', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policies.manual')),
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='search_document', to='policies.entry')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policies.entryversion')),
                ('kind', models.CharField(choices=[('policy', 'Policy'), ('procedure', 'Procedure'), ('protocol', 'Protocol'), ('standard', 'Service standard')], max_length=20)),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policies.section')),
                ('channels', models.CharField(blank=True, max_length=200)),
                ('audience', models.TextField(blank=True)),
                ('indexed_at', models.DateTimeField(auto_now=True)),
                ('title', models.CharField(max_length=200)),
                ('summary', models.CharField(blank=True, max_length=500)),
                ('body', models.TextField(blank=True, help_text="The live version's text as readers read it, without markup")),
                ('words', models.TextField(blank=True)),
                ('vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={
                'indexes': [models.Index(fields=['manual', 'kind'], name='searchdoc_manual_kind')],
            },
        ),
        migrations.CreateModel(
            name='SearchLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(help_text='As typed (trimmed)', max_length=200)),
                ('normalised_query', models.CharField(help_text='Lower case, one space between words', max_length=200)),
                ('teams', models.CharField(blank=True, max_length=500)),
                ('result_count', models.PositiveIntegerField(default=0)),
                ('outcome', models.CharField(choices=[('no_results', 'Nothing found'), ('not_helpful', 'Did not help')], max_length=20)),
                ('day', models.DateField(help_text="The searcher's day: one row per person, query and outcome a day")),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='policies.entry')),
                ('manual', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policies.manual')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['manual', 'normalised_query'], name='searchlog_manual_query')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('outcome', 'no_results')), fields=('manual', 'user', 'normalised_query', 'day'), name='searchlog_no_results_once_a_day'), models.UniqueConstraint(condition=models.Q(('outcome', 'not_helpful')), fields=('manual', 'user', 'normalised_query', 'entry', 'day'), name='searchlog_not_helpful_once_a_day')],
            },
        ),
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=40)),
                ('stem', models.CharField(help_text="The word's Snowball English stem: what the index matches", max_length=40)),
                ('documents', models.PositiveIntegerField(default=0)),
                ('manual', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policies.manual')),
            ],
            options={
                'indexes': [models.Index(fields=['manual', 'stem'], name='searchterm_manual_stem')],
                'constraints': [models.UniqueConstraint(fields=('manual', 'word'), name='searchterm_unique')],
            },
        ),
        AddIndexOnPostgreSQL(
            model_name='searchdocument',
            index=django.contrib.postgres.indexes.GinIndex(fields=['vector'], name='searchdoc_vector'),
        ),
        AddIndexOnPostgreSQL(
            model_name='searchterm',
            index=django.contrib.postgres.indexes.GinIndex(fields=['word'], name='searchterm_word_trgm', opclasses=['gin_trgm_ops']),
        ),
        sqlite_sql(SQLITE_FTS, SQLITE_FTS_DROP),
    ]
