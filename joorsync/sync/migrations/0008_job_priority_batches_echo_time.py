"""Sync jobs get a priority (a person's job runs before scheduled and webhook jobs) and a count of
yields; queued webhook jobs of a shop collect in one batch job; write echoes are judged by event time."""

from django.db import migrations, models
from django.utils import timezone

TARGET_KEYS = ("shopify_product_id", "link_id", "joor_style_id")


def _items(target):
    if not isinstance(target, dict):
        return []
    products = target.get("products")
    return list(products) if isinstance(products, list) else [target]


def priorities_and_batches(apps, schema_editor):
    SyncJob = apps.get_model("sync", "SyncJob")
    SyncJob.objects.filter(trigger="schedule").update(priority=1)
    SyncJob.objects.filter(trigger="webhook").update(priority=2)
    # One open batch per shop: the oldest queued, not started webhook job takes the others' products.
    open_jobs = SyncJob.objects.filter(
        kind="targeted", trigger="webhook", status="queued", dry_run=False, started_at__isnull=True
    ).order_by("shop_id", "created_at", "pk")
    keeper = None
    for job in open_jobs:
        if keeper is None or keeper.shop_id != job.shop_id:
            keeper = job
            continue
        items = _items(keeper.target)
        seen = {(k, item.get(k)) for item in items for k in TARGET_KEYS if item.get(k) not in (None, "")}
        for item in _items(job.target):
            keys = {(k, item.get(k)) for k in TARGET_KEYS if item.get(k) not in (None, "")}
            if keys and not keys & seen:
                items.append(item)
                seen |= keys
        keeper.target = items[0] if len(items) == 1 else {"products": items}
        keeper.save(update_fields=["target"])
        job.status = "cancelled"
        job.error = f"merged into job #{keeper.pk}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("shopify_app", "0001_initial"),
        ("sync", "0007_shopify_write_echo"),
    ]

    operations = [
        migrations.AddField(
            model_name="shopifywriteecho",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="syncjob",
            name="priority",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Asked for by a person"), (1, "Scheduled"), (2, "Shopify webhook")], default=0
            ),
        ),
        migrations.AddField(
            model_name="syncjob",
            name="yields",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(priorities_and_batches, migrations.RunPython.noop),
    ]
