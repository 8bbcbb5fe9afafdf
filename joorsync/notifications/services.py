"""Notification services: the shop's settings (made on first use, saved with the schedule), the mail
after a job ends, and the daily digest.

No item and no failure is mailed twice after jobs: what a mail names is recorded (`NotificationSent`)
before it goes — items under a lock on the shop's settings row, a failure as a unique row — so two
workers never mail the same thing; a mail the backend refused gives them back, and a later job or
digest names them again. The daily summary lists what is still open each day, on purpose.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from joorsync.notifications import content
from joorsync.notifications.content import ItemGroup
from joorsync.notifications.mails import mail_send
from joorsync.notifications.models import NotificationSent, NotificationSettings
from joorsync.notifications.schedules import notifications_schedule_sync
from joorsync.notifications.selectors import (
    conflicts_open,
    failure_mailed_since_success,
    job_last_finished,
    new_items_exist,
    notification_settings_find,
    notification_zone,
    orders_held,
    orders_needing_decision,
    problems_open,
)
from joorsync.notifications.shopify_contact import shop_contact_read
from joorsync.sync.models import SyncJob
from joorsync.sync.selectors import shop_has_admin_access
from shopify_app.models import Shop

logger = logging.getLogger(__name__)

Kind = NotificationSent.Kind
Status = SyncJob.Status


# -- settings -----------------------------------------------------------------------------------


def notification_settings_for(*, shop: Shop) -> NotificationSettings:
    """The shop's settings; made on first use, with the shop owner's e-mail and the shop's time zone
    as Shopify reports them (blank where Shopify could not be asked)."""
    found = notification_settings_find(shop=shop)
    if found is not None:
        return found
    contact = shop_contact_read(shop=shop)  # None: the defaults stay blank, the page asks
    defaults: dict[str, Any] = {}
    if contact is not None:
        defaults = {
            "recipient": contact.email,
            "shop_time_zone": contact.time_zone,
            "contact_read_at": timezone.now(),
        }
    settings, _ = NotificationSettings.objects.get_or_create(shop=shop, defaults=defaults)
    return settings


def notification_settings_update(*, settings: NotificationSettings, **values: object) -> NotificationSettings:
    """Save changed settings (checked by the model) and bring the digest schedule in line."""
    for key, value in values.items():
        setattr(settings, key, value)
    settings.full_clean()
    settings.save()
    notifications_schedule_sync(settings=settings)
    return settings


# -- recording what was mailed ------------------------------------------------------------------


def _record(shop: Shop, groups: list[ItemGroup], *, ignore_conflicts: bool = False) -> list[int]:
    """Record every item of `groups` as mailed; returns the new rows' ids (none with
    `ignore_conflicts`, where some may have been recorded already)."""
    rows = [
        NotificationSent(shop=shop, kind=group.kind, object_id=object_id, variant=variant[:64])
        for group in groups
        for object_id, variant in group.keys
    ]
    created = NotificationSent.objects.bulk_create(rows, batch_size=500, ignore_conflicts=ignore_conflicts)
    return [row.pk for row in created if row.pk is not None]


def _give_back(ids: list[int]) -> None:
    """A mail that was not sent: its items are news again for the next one."""
    NotificationSent.objects.filter(pk__in=ids).delete()


def _new_groups(shop: Shop) -> list[ItemGroup]:
    found = [
        content.problem_group(problems_open(shop=shop, new=True)),
        content.conflict_group(conflicts_open(shop=shop, new=True)),
        content.held_group(orders_held(shop=shop, new=True)),
        content.decision_group(orders_needing_decision(shop=shop, new=True)),
    ]
    return [group for group in found if group is not None]


def _open_groups(shop: Shop) -> list[ItemGroup]:
    found = [
        content.problem_group(problems_open(shop=shop)),
        content.conflict_group(conflicts_open(shop=shop)),
        content.held_group(orders_held(shop=shop)),
        content.decision_group(orders_needing_decision(shop=shop)),
    ]
    return [group for group in found if group is not None]


# -- after a job --------------------------------------------------------------------------------


def _job_context(job: SyncJob, settings: NotificationSettings) -> dict[str, Any]:
    zone = notification_zone(settings=settings)
    return {
        "shop_domain": job.shop.shop_domain,
        "job_name": content.job_name(job),
        "job_trigger": content.job_trigger(job),
        "job_finished": content.local_time(job.finished_at, zone),
        "job_url": content.app_url("job", job.pk),
    }


def _notify_failure(job: SyncJob, settings: NotificationSettings) -> int:
    if not settings.on_failure or not settings.recipient:
        return 0
    fingerprint = content.failure_fingerprint(job)
    if failure_mailed_since_success(job=job, fingerprint=fingerprint):
        logger.info("job %s failed as the last mailed one did; not mailed again", job.pk)
        return 0
    try:
        with transaction.atomic():
            sent = NotificationSent.objects.create(
                shop=job.shop,
                kind=Kind.JOB_FAILED,
                object_id=job.pk,
                variant=str(job.attempts),
                fingerprint=fingerprint,
            )
    except IntegrityError:
        return 0  # this failure of this job was mailed already (a duplicate call)
    context = {
        **_job_context(job, settings),
        "failure": content.failure_explained(job.error),
        "orders": job.kind == SyncJob.Kind.ORDERS,
        "family": content.job_family(job),
    }
    try:
        mail_send(
            to=settings.recipient,
            subject=content.failure_subject(job),
            template="job_failed",
            context=context,
        )
    except Exception:
        _give_back([sent.pk])
        raise
    return 1


def _notify_new_items(job: SyncJob, settings: NotificationSettings) -> int:
    if not settings.on_new_items or not settings.recipient:
        return 0
    shop = job.shop
    with transaction.atomic():
        # One mailer per shop at a time: the items one takes are not news to the other.
        NotificationSettings.objects.select_for_update().filter(pk=settings.pk).first()
        groups = _new_groups(shop)
        taken = _record(shop, groups)
    if not groups:
        return 0
    context = {**_job_context(job, settings), "groups": groups}
    try:
        mail_send(
            to=settings.recipient,
            subject=content.new_items_subject(groups),
            template="new_items",
            context=context,
        )
    except Exception:
        _give_back(taken)
        raise
    return 1


def notify_job_finished(*, job: SyncJob) -> int:
    """Mail the merchant about a job that ended: a failure (once per reason until a job of the same
    family succeeds), or what a successful job left needing attention that was never mailed (problems,
    conflicts, held orders, orders needing a decision). Previews and shops the app cannot reach are
    left alone. Returns how many mails went (0 or 1); raises what the mail backend raises."""
    if job.dry_run or job.status not in (Status.FAILED, Status.SUCCEEDED):
        return 0
    if not shop_has_admin_access(shop=job.shop):
        return 0
    settings = notification_settings_for(shop=job.shop)
    if job.status == Status.FAILED:
        return _notify_failure(job, settings)
    return _notify_new_items(job, settings)


def _may_notify(job: SyncJob) -> bool:
    """Whether `notify_job_finished` could mail for this job: cheap reads, so that most jobs plan
    nothing after their commit."""
    if job.dry_run or job.status not in (Status.FAILED, Status.SUCCEEDED):
        return False
    settings = notification_settings_find(shop=job.shop)
    if settings is not None and not settings.recipient:
        return False
    if job.status == Status.FAILED:
        return settings is None or settings.on_failure
    if settings is not None and not settings.on_new_items:
        return False
    return new_items_exist(shop=job.shop)


def notify_job_finished_safely(*, job_id: int) -> int:
    """`notify_job_finished` for the job as committed; a failure is logged, never raised: a mail must
    not change what became of a job."""
    try:
        job = SyncJob.objects.select_related("shop").filter(pk=job_id).first()
        return notify_job_finished(job=job) if job is not None else 0
    except Exception:
        logger.exception("the notification mail about job %s was not sent", job_id)
        return 0


def notify_job_finished_on_commit(*, job: SyncJob) -> None:
    """Called by `joorsync.sync.jobs.sync_job_execute` when a job ends: plans the mail about it for
    after the commit, when there may be one. Never raises."""
    try:
        if not _may_notify(job):
            return
        transaction.on_commit(functools.partial(notify_job_finished_safely, job_id=job.pk))
    except Exception:
        logger.exception("the notification mail about job %s could not be planned", job.pk)


# -- the daily digest ---------------------------------------------------------------------------


def _job_summary(job: SyncJob | None, settings: NotificationSettings) -> dict[str, Any] | None:
    if job is None:
        return None
    failed = job.status == Status.FAILED
    return {
        "name": content.job_name(job),
        "failed": failed,
        "finished": content.local_time(job.finished_at, notification_zone(settings=settings)),
        "url": content.app_url("job", job.pk),
        "failure": content.failure_explained(job.error) if failed else None,
    }


def notify_digest(*, shop: Shop, now: datetime | None = None) -> bool:
    """Mail the daily summary of what needs attention now (open problems, open conflicts, held orders,
    orders needing a decision, the last sync and order import), at most once a day on the merchant's
    clock. Nothing is sent when nothing needs attention, the digest is off or there is no recipient.
    Returns whether a mail went; raises what the mail backend raises."""
    settings = notification_settings_find(shop=shop)
    if settings is None or not settings.daily_digest or not settings.recipient:
        return False
    if not shop_has_admin_access(shop=shop):
        return False
    now = now or timezone.now()
    zone = notification_zone(settings=settings)
    if settings.last_digest_at is not None and (
        settings.last_digest_at.astimezone(zone).date() == now.astimezone(zone).date()
    ):
        return False
    groups = _open_groups(shop)
    last_sync = job_last_finished(shop=shop, orders=False)
    last_import = job_last_finished(shop=shop, orders=True)
    failed = [job for job in (last_sync, last_import) if job is not None and job.status == Status.FAILED]
    if not groups and not failed:
        return False
    # Today's summary is taken before it is sent, so a task delivered twice sends it once.
    before = settings.last_digest_at
    unchanged = Q(last_digest_at__isnull=True) if before is None else Q(last_digest_at=before)
    if not NotificationSettings.objects.filter(unchanged, pk=settings.pk).update(last_digest_at=now):
        return False
    context = {
        "shop_domain": shop.shop_domain,
        "date": now.astimezone(zone).strftime("%Y-%m-%d"),
        "groups": groups,
        "last_sync": _job_summary(last_sync, settings),
        "last_import": _job_summary(last_import, settings),
        "dashboard_url": content.app_url("dashboard"),
    }
    try:
        mail_send(
            to=settings.recipient,
            subject=content.digest_subject(groups, failed),
            template="digest",
            context=context,
        )
    except Exception:
        NotificationSettings.objects.filter(pk=settings.pk, last_digest_at=now).update(last_digest_at=before)
        raise
    # What the summary named is no news for the mail after the next job.
    with transaction.atomic():
        NotificationSettings.objects.select_for_update().filter(pk=settings.pk).first()
        _record(shop, groups, ignore_conflicts=True)
    return True
