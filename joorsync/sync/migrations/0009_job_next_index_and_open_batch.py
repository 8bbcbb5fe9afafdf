"""The index the dispatcher reads the next job by, and at most one open webhook batch job per shop
(a migration of its own: 0008 rewrote rows of this table, which PostgreSQL does not alter in the same
transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0008_job_priority_batches_echo_time"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="syncjob",
            index=models.Index(fields=["shop", "status", "priority", "created_at"], name="sync_job_next_idx"),
        ),
        migrations.AddConstraint(
            model_name="syncjob",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("dry_run", False),
                    ("kind", "targeted"),
                    ("started_at__isnull", True),
                    ("status", "queued"),
                    ("trigger", "webhook"),
                ),
                fields=("shop",),
                name="one_open_webhook_batch_per_shop",
            ),
        ),
    ]
