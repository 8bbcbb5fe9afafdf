"""Webhook deliveries record each processing attempt and end `dead` after the last one; the django-q2
schedule that retries failed deliveries (and re-queues lost ones) is created here."""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

RETRY_SCHEDULE_NAME = "shopify-webhook-retry"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(name=RETRY_SCHEDULE_NAME).exists():
        Schedule.objects.create(
            name=RETRY_SCHEDULE_NAME,
            func="shopify_app.tasks.webhook_deliveries_requeue",
            schedule_type="I",  # minutes
            minutes=1,
            repeats=-1,
            next_run=timezone.now() + timedelta(minutes=1),
        )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=RETRY_SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shopify_app", "0002_webhookdelivery_handled_status"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="last_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("processing", "Processing"),
                    ("processed", "Processed"),
                    ("failed", "Failed (retried later)"),
                    ("ignored", "Ignored"),
                    ("handled", "Handled at receipt"),
                    ("dead", "Gave up (every attempt failed)"),
                ],
                default="queued",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(fields=["status", "next_attempt_at"], name="webhook_retry_due_idx"),
        ),
        # Deliveries that failed before attempts were counted are retried like a first failure.
        migrations.RunSQL(
            "UPDATE shopify_app_webhookdelivery SET attempts = 1 WHERE status = 'failed'",
            migrations.RunSQL.noop,
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
