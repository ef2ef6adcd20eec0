"""The acknowledgement models move to the ``acknowledgements`` app (its 0001), keeping their tables: only Django's
record of which app owns them changes here, and no row is touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0015_four_eyes_requests'),
        ('acknowledgements', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalacknowledgement',
                    name='entry',
                ),
                migrations.RemoveField(
                    model_name='historicalacknowledgement',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalacknowledgement',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='historicalacknowledgement',
                    name='version',
                ),
                migrations.RemoveField(
                    model_name='historicalquizattempt',
                    name='entry',
                ),
                migrations.RemoveField(
                    model_name='historicalquizattempt',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalquizattempt',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='historicalquizattempt',
                    name='version',
                ),
                migrations.RemoveField(
                    model_name='quizattempt',
                    name='entry',
                ),
                migrations.RemoveField(
                    model_name='quizattempt',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='quizattempt',
                    name='version',
                ),
                migrations.DeleteModel(
                    name='Acknowledgement',
                ),
                migrations.DeleteModel(
                    name='HistoricalAcknowledgement',
                ),
                migrations.DeleteModel(
                    name='HistoricalQuizAttempt',
                ),
                migrations.DeleteModel(
                    name='QuizAttempt',
                ),
            ],
            database_operations=[],
        ),
    ]
