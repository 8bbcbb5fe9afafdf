"""The global django-q2 schedule that requeues sync jobs whose worker died (and repairs schedule drift)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

NAME = "joorsync-recover-stale"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(name=NAME).exists():
        Schedule.objects.create(
            name=NAME,
            func="joorsync.sync.tasks.sync_recover_stale",
            schedule_type="I",  # minutes
            minutes=5,
            repeats=-1,
            next_run=timezone.now() + timedelta(minutes=5),
        )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0002_jobs_events_webhooks"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
