"""The process that claimed a job, so that a job whose worker died is recovered at once on its
machine."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0009_job_next_index_and_open_batch"),
    ]

    operations = [
        migrations.AddField(
            model_name="syncjob",
            name="worker",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
    ]
