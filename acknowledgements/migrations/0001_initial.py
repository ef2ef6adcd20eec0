"""The acknowledgement models, moved here from ``policies`` (its 0016): their tables were made by policies' 0006
and 0007 and keep their names (``db_table``, and ``table_name`` for their history), so this migration only tells
Django that the models are now this app's. An existing database keeps every row; a new one gets its tables from
policies' migrations as before."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('policies', '0015_four_eyes_requests'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalAcknowledgement',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('acknowledged_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('source', models.CharField(choices=[('entry', "On the entry's page"), ('onboarding', 'Signing the onboarding packet')], default='entry', max_length=20)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('entry', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policies.entry')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('version', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policies.entryversion')),
                    ],
                    options={
                        'verbose_name': 'historical acknowledgement',
                        'verbose_name_plural': 'historical acknowledgements',
                        'db_table': 'policies_historicalacknowledgement',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalQuizAttempt',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('answers', models.JSONField(default=list)),
                        ('wrong', models.JSONField(default=list)),
                        ('passed', models.BooleanField(default=False)),
                        ('attempted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('entry', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policies.entry')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('version', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policies.entryversion')),
                    ],
                    options={
                        'verbose_name': 'historical quiz attempt',
                        'verbose_name_plural': 'historical quiz attempts',
                        'db_table': 'policies_historicalquizattempt',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Acknowledgement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('acknowledged_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('source', models.CharField(choices=[('entry', "On the entry's page"), ('onboarding', 'Signing the onboarding packet')], default='entry', max_length=20)),
                        ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='acknowledgements', to='policies.entry')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='acknowledgements', to=settings.AUTH_USER_MODEL)),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='acknowledgements', to='policies.entryversion')),
                    ],
                    options={
                        'db_table': 'policies_acknowledgement',
                        'ordering': ['-acknowledged_at'],
                        'indexes': [models.Index(fields=['entry', 'user'], name='ack_entry_user')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'version'), name='ack_once_per_version')],
                    },
                ),
                migrations.CreateModel(
                    name='QuizAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('answers', models.JSONField(default=list)),
                        ('wrong', models.JSONField(default=list)),
                        ('passed', models.BooleanField(default=False)),
                        ('attempted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quiz_attempts', to='policies.entry')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quiz_attempts', to=settings.AUTH_USER_MODEL)),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quiz_attempts', to='policies.entryversion')),
                    ],
                    options={
                        'db_table': 'policies_quizattempt',
                        'ordering': ['-attempted_at'],
                        'indexes': [models.Index(fields=['user', 'entry'], name='quiz_user_entry')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
