"""Sync jobs: creating (with debounce), queueing, claiming, running the engine, progress and recovery.

Life of a job: `queued` → (claimed by one worker) `running` → `succeeded` | `failed` | `cancelled`.

- One running job per shop is enforced by the database (partial unique index
  `one_running_job_per_shop`): a claim that would make a second one fails with IntegrityError and the
  job simply stays queued. Whenever a job ends, the shop's oldest queued job is queued for a worker.
- Each claim increments `attempts`, which then acts as the worker's lease: progress updates and the
  final status only apply while the job is still `running` under that attempt. A worker whose job was
  recovered as stale (or cancelled) gets `SyncJobLost` on its next progress call and stops.
- Work resumes from `checkpoint`: a killed worker's job is put back to `queued` with its checkpoint
  (at once by `sync_job_recover_orphans` when its worker process is known to be gone, else by
  `sync_job_recover_stale` once its heartbeat is stale), and the engine continues from there. A job
  that lost its worker `max_attempts()` times in a row without getting any further is failed with a
  reason the job page shows.
- What runs next is decided by the rows, not by the order of the task queue: every task a job is
  queued with runs the shop's next queued job by `priority` (a person's job, then scheduled syncs,
  then webhook jobs), then age (`sync_job_dispatch`). django-q2 has no priorities of its own, and
  this holds on the ORM broker and on Redis alike. A webhook batch steps aside (back to `queued`,
  checkpoint kept) between two products when a person's job is waiting (`sync_job_yield_point`).
- Webhook jobs of one shop collect in one batch job until a worker starts it (a partial unique
  constraint, `one_open_webhook_batch_per_shop`): its target lists the products.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_q.tasks import async_task

from joorsync.core.text import strip_controls
from joorsync.notifications.services import notify_job_finished_on_commit
from joorsync.sync.models import Direction, JoorAccount, ProductLink, SyncEvent, SyncJob
from joorsync.sync.selectors import shop_has_admin_access
from joorsync.sync.workers import worker_alive, worker_identity
from shopify_app.models import Shop

logger = logging.getLogger(__name__)

RUN_TASK = "joorsync.sync.tasks.sync_job_run"
MAX_ERROR_LENGTH = 2000

Status = SyncJob.Status
Kind = SyncJob.Kind
Priority = SyncJob.Priority
Trigger = SyncJob.Trigger
ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
#: Keys a targeted job's `target` may carry, in the order used to recognise "the same product".
TARGET_KEYS = ("shopify_product_id", "link_id", "joor_style_id")
#: A batch target: `{"products": [target, …]}`, each item shaped like a one-product target.
BATCH_KEY = "products"
_PRIORITY_BY_TRIGGER: dict[str, Priority] = {
    Trigger.SCHEDULE: Priority.SCHEDULE,
    Trigger.WEBHOOK: Priority.WEBHOOK,
}


class SyncJobLost(Exception):
    """The job is no longer running under this worker's attempt (recovered as stale, or cancelled)."""


class SyncJobYield(Exception):
    """A person's job is waiting for this shop: the running batch stops between two products."""


class SyncJobNotRunnable(Exception):
    """The shop cannot be synced now (uninstalled, or no JOOR connection): nothing was attempted."""


class SyncJobStateError(ValueError):
    """The requested transition does not apply to the job's current status."""


def stale_after() -> timedelta:
    """A running job whose heartbeat is older than this is taken for a dead worker."""
    return timedelta(minutes=float(getattr(settings, "JOORSYNC_JOB_STALE_MINUTES", 10)))


def max_attempts() -> int:
    """Claims after which a job that keeps losing its worker is failed instead of resumed again."""
    return int(getattr(settings, "JOORSYNC_JOB_MAX_ATTEMPTS", 5))


# -- creating and queueing ----------------------------------------------------------------------


def job_priority(trigger: str) -> int:
    """A person's job (by hand, command line, conflict resolution) runs before scheduled syncs, and
    those before webhook jobs."""
    return int(_PRIORITY_BY_TRIGGER.get(trigger, Priority.PERSON))


def _target_key(target: Mapping[str, Any] | None) -> tuple[str, Any] | None:
    if not target:
        return None
    for key in TARGET_KEYS:
        if target.get(key) not in (None, ""):
            return key, target[key]
    return None


def target_items(target: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The one-product targets of a job's `target`: the products of a batch, or the target itself."""
    if not target:
        return []
    products = target.get(BATCH_KEY)
    if isinstance(products, list):
        return [dict(item) for item in products if isinstance(item, Mapping)]
    return [dict(target)]


def _item_keys(item: Mapping[str, Any]) -> set[tuple[str, Any]]:
    return {(key, item[key]) for key in TARGET_KEYS if item.get(key) not in (None, "")}


def _with_item(target: Mapping[str, Any] | None, item: Mapping[str, Any]) -> dict[str, Any]:
    """`target` with one more product; one it already names is merged into its entry instead."""
    items = target_items(target)
    keys = _item_keys(item)
    for entry in items:
        if _item_keys(entry) & keys:
            entry.update(item)
            break
    else:
        items.append(dict(item))
    return items[0] if len(items) == 1 else {BATCH_KEY: items}


def _open_batch(shop_id: int) -> Any:
    """The shop's webhook batch that no worker has started yet (at most one: a unique constraint)."""
    return SyncJob.objects.filter(
        shop_id=shop_id,
        kind=Kind.TARGETED,
        trigger=Trigger.WEBHOOK,
        status=Status.QUEUED,
        dry_run=False,
        started_at__isnull=True,
    )


def _join(job: SyncJob, target: Mapping[str, Any], direction: str) -> SyncJob:
    """Add a product to a queued job whose row the caller holds locked."""
    job.target = _with_item(job.target, target)
    if job.direction != direction:
        job.direction = Direction.BOTH
    job.save(update_fields=["target", "direction"])
    return job


def _default_direction(shop: Shop) -> str:
    account = JoorAccount.objects.filter(shop=shop).only("direction").first()
    return account.direction if account is not None else Direction.BOTH


def _create(
    *,
    shop: Shop,
    kind: str,
    direction: str | None,
    dry_run: bool,
    target: Mapping[str, Any] | None,
    trigger: str,
    join_waiting_full: bool = False,
) -> tuple[SyncJob, bool]:
    if kind not in Kind.values:
        raise SyncJobStateError(f"unknown job kind {kind!r}")
    if direction is not None and direction not in Direction.values:
        raise SyncJobStateError(f"unknown direction {direction!r}")
    if trigger and trigger not in SyncJob.Trigger.values:
        raise SyncJobStateError(f"unknown trigger {trigger!r}")
    key = _target_key(target)
    if kind == Kind.TARGETED and key is None:
        raise SyncJobStateError(f"a targeted job needs a target with one of {', '.join(TARGET_KEYS)}")
    priority = job_priority(trigger)
    with transaction.atomic():
        # Serialises job creation per shop, so two webhooks for one product cannot both add a job.
        Shop.objects.select_for_update().filter(pk=shop.pk).first()
        direction = direction or _default_direction(shop)
        if kind == Kind.TARGETED and not dry_run and key is not None:
            waiting = (
                SyncJob.objects.select_for_update()
                .filter(
                    shop=shop,
                    kind=Kind.TARGETED,
                    status=Status.QUEUED,
                    dry_run=False,
                    **{f"target__{key[0]}": key[1]},
                )
                .order_by("created_at", "pk")
                .first()
            )
            if waiting is not None:
                # Debounce: the queued job has not read the product yet, so it will see this change too.
                waiting.target = {**(waiting.target or {}), **dict(target or {})}
                if waiting.direction != direction:
                    waiting.direction = Direction.BOTH
                fields = ["target", "direction"]
                if priority < waiting.priority:  # a person asked for it: it runs as theirs
                    waiting.priority, waiting.trigger = priority, trigger
                    fields += ["priority", "trigger"]
                waiting.save(update_fields=fields)
                return waiting, False
            if trigger == Trigger.WEBHOOK:
                batch = _open_batch(shop.pk).select_for_update().first()
                if batch is not None:
                    return _join(batch, target or {}, direction), False
        if join_waiting_full and kind == Kind.FULL and not dry_run and priority == Priority.PERSON:
            waiting = (
                SyncJob.objects.select_for_update()
                .filter(shop=shop, kind=Kind.FULL, status=Status.QUEUED, dry_run=False, direction=direction)
                .order_by("priority", "created_at", "pk")
                .first()
            )
            if waiting is not None:
                # A full sync that has not started (or was put back after its worker died) does what
                # a second one would: the person's request joins it, so it does not wait behind it.
                if priority < waiting.priority:
                    waiting.priority, waiting.trigger = priority, trigger
                    waiting.save(update_fields=["priority", "trigger"])
                return waiting, False
        try:
            with transaction.atomic():
                job = SyncJob.objects.create(
                    shop=shop,
                    kind=kind,
                    direction=direction,
                    dry_run=dry_run,
                    target=dict(target) if target else None,
                    trigger=trigger,
                    priority=priority,
                )
        except IntegrityError:
            # Only the open-batch constraint refuses a new job: another webhook made the batch first.
            batch = _open_batch(shop.pk).select_for_update().first()
            if batch is None or key is None:
                raise
            return _join(batch, target or {}, direction), False
    return job, True


def sync_job_create(
    *,
    shop: Shop,
    kind: str,
    direction: str | None = None,
    dry_run: bool = False,
    target: Mapping[str, Any] | None = None,
    trigger: str = "",
) -> SyncJob:
    """A queued job (not yet handed to a worker: see `sync_job_enqueue`).

    A targeted job for a product that already has a queued targeted job is merged into it (debounce)
    and that job is returned; a webhook's targeted job joins the shop's open webhook batch. The
    priority follows the trigger (`job_priority`). `direction` defaults to the account's setting.
    """
    job, _ = _create(
        shop=shop, kind=kind, direction=direction, dry_run=dry_run, target=target, trigger=trigger
    )
    return job


def _send(job_id: int) -> None:
    try:
        async_task(RUN_TASK, job_id, group=f"sync-job-{job_id}")
    except Exception:
        # The job row is committed: the sweeper (`sync_job_recover_stale`) queues it again later.
        logger.exception("could not hand sync job %s to the task queue", job_id)


def sync_job_enqueue(*, job: SyncJob) -> None:
    """Hand the job to a django-q worker once the surrounding transaction commits."""
    job_id = job.pk
    transaction.on_commit(lambda: _send(job_id))


def sync_job_request(
    *,
    shop: Shop,
    kind: str,
    direction: str | None = None,
    dry_run: bool = False,
    target: Mapping[str, Any] | None = None,
    trigger: str = "",
) -> SyncJob:
    """Create and enqueue a job; a debounced (merged or batched) targeted job is not queued again.

    When a person asks: a running job of the shop whose worker is gone is put back first
    (`sync_job_recover_orphans`), so it does not hold the shop until its heartbeat goes stale; and a
    full sync joins the shop's full sync that has not started yet (same direction, not a preview),
    which is returned and queued for a worker once more (an extra task is harmless), so the person's
    sync does not wait for a whole other full sync to finish first.
    """
    person = job_priority(trigger) == Priority.PERSON
    if person:
        sync_job_recover_orphans(shop_id=shop.pk)
    job, created = _create(
        shop=shop,
        kind=kind,
        direction=direction,
        dry_run=dry_run,
        target=target,
        trigger=trigger,
        join_waiting_full=person,
    )
    if created or (person and kind == Kind.FULL):
        sync_job_enqueue(job=job)
    return job


def sync_job_target_for_link(*, link: ProductLink) -> dict[str, Any]:
    """The `target` of a targeted job for one linked product."""
    target: dict[str, Any] = {"link_id": link.pk}
    if link.shopify_product_id:
        target["shopify_product_id"] = link.shopify_product_id
    if link.joor_style_id is not None:
        target["joor_style_id"] = link.joor_style_id
    return target


# -- running ------------------------------------------------------------------------------------


def _claim(job_id: int, now: datetime) -> bool:
    try:
        with transaction.atomic():
            claimed = SyncJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
                status=Status.RUNNING,
                started_at=Coalesce(F("started_at"), Value(now, output_field=DateTimeField())),
                heartbeat_at=now,
                finished_at=None,
                attempts=F("attempts") + 1,
                worker=worker_identity(),
            )
    except IntegrityError:
        return False  # another job of this shop is running: this one waits its turn
    return bool(claimed)


def _secrets_of(shop: Shop) -> list[str]:
    values = [shop.access_token, shop.refresh_token]
    account = JoorAccount.objects.filter(shop=shop).first()
    if account is not None:
        values += [account.token, account.client_secret, account.password]
    return [v for v in values if v and len(v) >= 4]


def error_reason(exc: BaseException, *, shop: Shop) -> str:
    """`ExceptionClass: message`, with any stored secret of the shop blanked out and no control
    characters (the message may quote JOOR's or Shopify's error text), bounded in size."""
    text = strip_controls(f"{type(exc).__name__}: {exc}".strip())
    for secret in _secrets_of(shop):
        text = text.replace(secret, "***")
    return text[:MAX_ERROR_LENGTH]


def _engine_run() -> Callable[..., Any]:
    # Imported when a job runs: the engine pulls in both API clients and every mapping.
    from joorsync.sync import job_run

    return job_run.sync_run


def _not_runnable(shop: Shop) -> str:
    if not shop_has_admin_access(shop=shop):
        return f"{shop.shop_domain} is not installed (no Shopify access)"
    if not JoorAccount.objects.filter(shop=shop).exists():
        return f"{shop.shop_domain} is not connected to JOOR"
    return ""


def _finish(job: SyncJob, status: str, error: str) -> bool:
    now = timezone.now()
    done = SyncJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).update(
        status=status, error=error, finished_at=now, heartbeat_at=now
    )
    return bool(done)


def _next_queued(shop_id: int) -> SyncJob | None:
    """The shop's queued job that runs next: the highest priority, then the oldest."""
    return (
        SyncJob.objects.filter(shop_id=shop_id, status=Status.QUEUED)
        .order_by("priority", "created_at", "pk")
        .first()
    )


def sync_job_wake_next(*, shop_id: int) -> SyncJob | None:
    """Queue the shop's next waiting job for a worker, unless one of its jobs is running."""
    if SyncJob.objects.filter(shop_id=shop_id, status=Status.RUNNING).exists():
        return None
    waiting = _next_queued(shop_id)
    if waiting is not None:
        sync_job_enqueue(job=waiting)
    return waiting


def sync_job_dispatch(*, job_id: int) -> SyncJob | None:
    """What a worker's task runs: the next job of `job_id`'s shop by priority, then age — `job_id`
    itself or one that should go before it (a person's "Sync now" before webhook jobs queued
    earlier). Returns the job that ran (or stays queued because the shop has a running job), or the
    job `job_id` when the shop has nothing queued. Every queued job was queued with a task of its own
    and every finished job wakes the next, so each queued job runs."""
    shop_id = SyncJob.objects.filter(pk=job_id).values_list("shop_id", flat=True).first()
    if shop_id is None:
        return None
    # A job whose worker died on this machine must not hold the shop until its heartbeat goes stale.
    sync_job_recover_orphans(shop_id=shop_id)
    job = _next_queued(shop_id)
    if job is None:
        return SyncJob.objects.filter(pk=job_id).first()
    return sync_job_execute(job_id=job.pk)


def sync_job_should_yield(*, job: SyncJob) -> bool:
    """Whether a job of a higher priority (a person's) is waiting for this job's shop."""
    return SyncJob.objects.filter(
        shop_id=job.shop_id, status=Status.QUEUED, priority__lt=job.priority
    ).exists()


def sync_job_yield_point(*, job: SyncJob) -> None:
    """Called by a batch between two products (its checkpoint committed): raises `SyncJobYield` when
    a person's job is waiting, and the batch goes back to the queue behind it."""
    if job.priority > Priority.PERSON and sync_job_should_yield(job=job):
        raise SyncJobYield(f"sync job {job.pk} steps aside for a job of higher priority")


def _step_aside(job: SyncJob) -> None:
    now = timezone.now()
    stepped = SyncJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).update(
        status=Status.QUEUED, yields=F("yields") + 1, heartbeat_at=now
    )
    if stepped:
        sync_event_record(
            job=job,
            action="job_yielded",
            message="paused for a sync a person asked for; it continues where it stopped",
            details={"checkpoint": job.checkpoint or {}},
        )


def sync_job_execute(*, job_id: int) -> SyncJob | None:
    """Claim the job and run the engine on it; returns the job as it is afterwards (None if gone).

    A job that is not queued is left alone (a duplicate task delivery); a job whose shop already has a
    running job stays queued and is woken when that one ends. Exceptions from the engine fail the job
    with their reason; they do not escape (the job row is the record).
    """
    job = SyncJob.objects.select_related("shop").filter(pk=job_id).first()
    if job is None or job.status != Status.QUEUED:
        return job
    shop_id = job.shop_id
    if not _claim(job.pk, timezone.now()):
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    try:
        refusal = _not_runnable(job.shop)
        if refusal:
            raise SyncJobNotRunnable(refusal)
        _engine_run()(job=job)
    except SyncJobLost:
        logger.info("sync job %s stopped: it is no longer running under attempt %s", job.pk, job.attempts)
    except SyncJobYield:
        logger.info("sync job %s steps aside for a job of higher priority", job.pk)
        _step_aside(job)
    except SyncJobNotRunnable as exc:
        logger.warning("sync job %s not run: %s", job.pk, exc)
        _finish(job, Status.FAILED, error_reason(exc, shop=job.shop))
    except Exception as exc:  # the reason is recorded on the job; a person (or retry) takes it from there
        logger.exception("sync job %s failed", job.pk)
        _finish(job, Status.FAILED, error_reason(exc, shop=job.shop))
    else:
        _finish(job, Status.SUCCEEDED, "")
    finally:
        sync_job_wake_next(shop_id=shop_id)
    job.refresh_from_db()
    # Notifications: the merchant is mailed about a failure or new items once this is committed; a
    # mail that cannot be sent is logged and never changes the job (joorsync.notifications.services).
    notify_job_finished_on_commit(job=job)
    return job


def sync_job_progress(
    *,
    job: SyncJob,
    done: int,
    total: int | None = None,
    counters: Mapping[str, Any] | None = None,
    checkpoint: Mapping[str, Any] | None = None,
    api_usage: Mapping[str, Any] | None = None,
) -> None:
    """Record a finished batch: one UPDATE by primary key, which also proves the worker is alive.

    `counters`, `checkpoint` and `api_usage` replace the stored values (pass the whole dict). Called
    inside the batch's transaction, the checkpoint commits together with the batch's own writes.
    Raises `SyncJobLost` when the job stopped being this worker's (the engine must stop).
    """
    fields: dict[str, Any] = {"progress_done": max(0, int(done)), "heartbeat_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = max(0, int(total))
    if counters is not None:
        fields["counters"] = dict(counters)
    if checkpoint is not None:
        fields["checkpoint"] = dict(checkpoint)
    if api_usage is not None:
        fields["api_usage"] = dict(api_usage)
    updated = SyncJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).update(**fields)
    if not updated:
        raise SyncJobLost(f"sync job {job.pk} is no longer running under attempt {job.attempts}")
    for name, value in fields.items():
        setattr(job, name, value)


def sync_job_heartbeat(*, job: SyncJob) -> None:
    """Prove the worker is alive during a long step with no batch to report; raises `SyncJobLost`."""
    now = timezone.now()
    if not SyncJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).update(
        heartbeat_at=now
    ):
        raise SyncJobLost(f"sync job {job.pk} is no longer running under attempt {job.attempts}")
    job.heartbeat_at = now


# -- recovery, retry, cancel --------------------------------------------------------------------


@contextmanager
def sync_job_heartbeat_thread(*, job: SyncJob, every: float = 60.0) -> Iterator[None]:
    """Beat the job's heartbeat from a side thread while the body runs, so long waits inside one
    step (a bulk operation, a JOOR credit window) do not look like a dead worker. The thread dies
    with the process, so a killed worker still goes stale."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    sync_job_heartbeat(job=job)
                except SyncJobLost:
                    return
                except Exception:  # a missed beat is not worth stopping the job for
                    logger.warning("heartbeat of sync job %s failed", job.pk, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"sync-job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def gave_up_reason(*, attempts: int) -> str:
    """What the job page says about a job that used up its attempts."""
    tries = f"{attempts} attempt{'' if attempts == 1 else 's'}"
    each = "each time, " if attempts > 1 else ""
    return (
        f"Gave up after {tries}: {each}the background process running this sync ended before the sync "
        "finished (a restart, a crash or a time limit). Nothing is lost: Retry continues from where "
        "it stopped."
    )


def _lost_in_a_row(job: SyncJob) -> int:
    """How many workers the job has lost one after the other without getting anywhere, this loss
    included. An attempt after which the checkpoint moved, or that recorded a change on a product,
    starts the count again: the attempt limit stops a job that kills its worker every time, not one
    that restarting workers interrupt while it moves on."""
    last = SyncEvent.objects.filter(job=job, action="job_recovered").order_by("-pk").first()
    if last is None:
        return max(1, job.attempts - job.yields)  # claims it gave up for a person's job do not count
    details = last.details or {}
    moved = details.get("checkpoint", {}) != (job.checkpoint or {})
    if moved or SyncEvent.objects.filter(job=job, pk__gt=last.pk, link__isnull=False).exists():
        return 1
    before = details.get("lost_in_a_row")
    if not isinstance(before, int):  # recorded before losses were counted this way
        before = SyncEvent.objects.filter(job=job, action="job_recovered").count()
    return before + 1


def sync_job_waiting_reason(*, job: SyncJob) -> str:
    """Why a queued job has not started yet, in a merchant's words ("" for a job that is not queued)."""
    if job.status != Status.QUEUED:
        return ""
    running = SyncJob.objects.filter(shop_id=job.shop_id, status=Status.RUNNING).exclude(pk=job.pk).first()
    ahead = (
        SyncJob.objects.filter(shop_id=job.shop_id, status=Status.QUEUED)
        .filter(Q(priority__lt=job.priority) | Q(priority=job.priority, created_at__lt=job.created_at))
        .exclude(pk=job.pk)
        .count()
    )
    reasons = []
    if running is not None:
        reasons.append(f"sync #{running.pk} of this shop is running (one sync runs at a time)")
    if ahead:
        reasons.append(f"{ahead} queued sync{'s' if ahead != 1 else ''} run{'' if ahead != 1 else 's'} first")
    if not reasons:
        return "Waiting for a free worker."
    paused = (
        " It was paused for a sync a person asked for and continues where it stopped." if job.yields else ""
    )
    return "Waiting: " + "; ".join(reasons) + "." + paused


def _waiting_full_sync(job: SyncJob) -> SyncJob | None:
    """A full sync of the job's shop, asked for while the job's worker was gone, that would do what
    this (full) job does: same direction, not a preview, not started yet."""
    if job.kind != Kind.FULL or job.dry_run:
        return None
    return (
        SyncJob.objects.filter(
            shop_id=job.shop_id, kind=Kind.FULL, status=Status.QUEUED, dry_run=False, direction=job.direction
        )
        .exclude(pk=job.pk)
        .order_by("priority", "created_at", "pk")
        .first()
    )


def _take_back(
    jobs: Iterable[SyncJob], *, still: Q, now: datetime, why: Callable[[SyncJob], str]
) -> tuple[list[int], set[int]]:
    """Put running jobs whose worker died back in the queue (checkpoint kept), or fail the ones that
    lost their worker `max_attempts()` times in a row without getting further (`_lost_in_a_row`).
    `still` re-checks, in the UPDATE, what made the job look dead, and the attempt and worker must be
    unchanged: a worker that reported meanwhile, or a new claim, keeps the job.

    A full sync for which a person asked another full sync meanwhile (it waits behind this one) is
    continued by that one instead: it takes over the checkpoint, this job ends as cancelled with the
    reason, and the person's job starts now rather than after this one has finished. A failed job is
    mailed about as any failed job is. Returns the ids to queue and the shops whose job was failed."""
    limit = max_attempts()
    requeued: list[int] = []
    freed_shops: set[int] = set()
    for job in jobs:
        lost = _lost_in_a_row(job)
        give_up = lost >= limit
        successor = None if give_up else _waiting_full_sync(job)
        fields: dict[str, Any] = {"status": Status.QUEUED}
        outcome = "resuming from the checkpoint"
        if give_up:
            fields = {"status": Status.FAILED, "finished_at": now, "error": gave_up_reason(attempts=lost)}
            outcome = "failed"
        elif successor is not None:
            reason = f"Continued by sync #{successor.pk}, which a person asked for meanwhile."
            fields = {"status": Status.CANCELLED, "finished_at": now, "error": reason}
            outcome = f"continued by sync #{successor.pk}, which a person asked for meanwhile"
        unchanged = Q(pk=job.pk, status=Status.RUNNING, attempts=job.attempts, worker=job.worker)
        handed_over = False
        with transaction.atomic():
            if not SyncJob.objects.filter(still, unchanged).update(**fields):
                continue
            if successor is not None and not successor.checkpoint:
                handed_over = bool(
                    SyncJob.objects.filter(pk=successor.pk, status=Status.QUEUED).update(
                        checkpoint=job.checkpoint or {}, progress_done=job.progress_done
                    )
                )
        details: dict[str, Any] = {
            "attempts": job.attempts,
            "lost_in_a_row": lost,
            "checkpoint": job.checkpoint or {},
        }
        if successor is not None:
            details["continued_by"] = successor.pk
            sync_event_record(
                job=successor,
                action="job_took_over",
                message=f"continues sync #{job.pk}, whose worker stopped"
                + (", from its checkpoint" if handed_over else ""),
                details={"from_job": job.pk, "checkpoint": job.checkpoint or {}},
            )
        sync_event_record(
            job=job,
            action="job_gave_up" if give_up else "job_recovered",
            level=SyncEvent.Level.ERROR if give_up else SyncEvent.Level.WARNING,
            message=f"{why(job)}; {outcome}",
            details=details,
        )
        if give_up:
            freed_shops.add(job.shop_id)
            for name, value in fields.items():
                setattr(job, name, value)
            # The merchant hears of it as of any failed job: once, after the commit, per their settings.
            notify_job_finished_on_commit(job=job)
        else:
            requeued.append(successor.pk if successor is not None else job.pk)
    return requeued, freed_shops


def sync_job_recover_orphans(*, shop_id: int | None = None, now: datetime | None = None) -> list[int]:
    """Put back running jobs whose worker process is known to be gone — it ran on this machine and
    no longer exists (killed, crashed) — without waiting for their heartbeat to go stale; a job past
    its attempts fails as a stale one does. Jobs of other machines are left to `sync_job_recover_stale`.

    Runs when a worker process starts, before a worker picks a shop's next job, and when a person asks
    for a sync. Returns the ids queued (the shop's next job, when a failed one freed it).
    """
    running = SyncJob.objects.filter(status=Status.RUNNING).exclude(worker="")
    if shop_id is not None:
        running = running.filter(shop_id=shop_id)
    dead = [job for job in running.order_by("pk") if worker_alive(job.worker) is False]
    if not dead:
        return []
    requeued, freed_shops = _take_back(
        dead, still=Q(), now=now or timezone.now(), why=lambda job: "its worker process is gone"
    )
    for job_id in requeued:
        sync_job_enqueue(job=SyncJob(pk=job_id))
    for freed in sorted(freed_shops):
        woken = sync_job_wake_next(shop_id=freed)
        if woken is not None:
            requeued.append(woken.pk)
    if requeued:
        logger.warning("requeued sync jobs %s: their worker process is gone", requeued)
    return requeued


def sync_job_recover_stale(*, older_than: timedelta | None = None, now: datetime | None = None) -> list[int]:
    """Put running jobs whose worker died back in the queue (checkpoint kept) and queue them.

    A job that lost its worker `max_attempts()` times in a row without getting further is failed
    instead, with a reason the job page shows, so a job that kills its worker every time cannot loop
    forever (claims it gave up for a person's job do not count). Queued jobs left waiting longer than
    `older_than` without a running job for their shop (a lost enqueue) are queued again too, and so
    is the next job of a shop whose job was failed here. Jobs whose worker is known to be gone go
    first, whatever their heartbeat says (`sync_job_recover_orphans`). Returns the ids queued.
    """
    now = now or timezone.now()
    orphans = sync_job_recover_orphans(now=now)
    cutoff = now - (older_than if older_than is not None else stale_after())
    stale = Q(status=Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    requeued, freed_shops = _take_back(
        SyncJob.objects.filter(stale).order_by("pk"),
        still=stale,
        now=now,
        why=lambda job: f"no heartbeat since {job.heartbeat_at or job.started_at}",
    )
    for job_id in requeued:
        sync_job_enqueue(job=SyncJob(pk=job_id))
    waiting_shops = set(
        SyncJob.objects.filter(status=Status.QUEUED, created_at__lt=cutoff)
        .exclude(pk__in=requeued + orphans)
        .values_list("shop_id", flat=True)
        .distinct()
    )
    for shop_id in sorted(waiting_shops | freed_shops):
        woken = sync_job_wake_next(shop_id=shop_id)
        if woken is not None and woken.pk not in requeued:
            requeued.append(woken.pk)
    if requeued:
        logger.warning("requeued sync jobs %s", requeued)
    return orphans + [job_id for job_id in requeued if job_id not in orphans]


def sync_job_retry(*, job: SyncJob) -> SyncJob:
    """Queue a failed (or cancelled) job again; it resumes from its checkpoint.

    A webhook batch cancelled before it started joins the shop's open batch instead (at most one
    may wait unstarted); that batch is returned.
    """
    retryable = Q(pk=job.pk, status__in=(Status.FAILED, Status.CANCELLED))
    try:
        with transaction.atomic():
            updated = SyncJob.objects.filter(retryable).update(
                status=Status.QUEUED, error="", finished_at=None
            )
    except IntegrityError:
        with transaction.atomic():
            Shop.objects.select_for_update().filter(pk=job.shop_id).first()
            batch = _open_batch(job.shop_id).select_for_update().first()
            if batch is None:
                raise
            for item in target_items(SyncJob.objects.get(pk=job.pk).target):
                _join(batch, item, batch.direction)
            SyncJob.objects.filter(retryable).update(error=f"merged into job #{batch.pk}")
        return batch
    if not updated:
        job.refresh_from_db()
        raise SyncJobStateError(
            f"sync job {job.pk} is {job.status}; only failed or cancelled jobs are retried"
        )
    job.refresh_from_db()
    sync_job_enqueue(job=job)
    return job


def sync_job_cancel(*, job: SyncJob, reason: str = "cancelled") -> SyncJob:
    """Stop a queued or running job; a running engine stops at its next progress call.

    The shop's next job is woken here only for a queued job: a running one's worker does that itself
    once its engine has actually stopped, so two engines never work on one shop at once.
    """
    now = timezone.now()
    fields = {"status": Status.CANCELLED, "error": reason[:MAX_ERROR_LENGTH], "finished_at": now}
    was_queued = SyncJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(**fields)
    was_running = (
        0 if was_queued else SyncJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(**fields)
    )
    job.refresh_from_db()
    if not (was_queued or was_running):
        raise SyncJobStateError(
            f"sync job {job.pk} is {job.status}; only queued or running jobs are cancelled"
        )
    if was_queued:
        sync_job_wake_next(shop_id=job.shop_id)
    return job


def sync_jobs_cancel_for_shop(*, shop: Shop, reason: str) -> int:
    """Cancel every queued job of a shop (uninstall); returns how many."""
    return SyncJob.objects.filter(shop=shop, status=Status.QUEUED).update(
        status=Status.CANCELLED, error=reason[:MAX_ERROR_LENGTH], finished_at=timezone.now()
    )


# -- events -------------------------------------------------------------------------------------


def sync_event_record(
    *,
    action: str,
    job: SyncJob | None = None,
    shop: Shop | None = None,
    link: ProductLink | None = None,
    level: str = SyncEvent.Level.INFO,
    side: str = "",
    message: str = "",
    details: Mapping[str, Any] | None = None,
) -> SyncEvent:
    """Append one event to the job's log (or, outside any job, to the shop's)."""
    shop_id = job.shop_id if job is not None else (shop.pk if shop is not None else None)
    if shop_id is None:
        raise ValueError("an event needs a job or a shop")
    if level not in SyncEvent.Level.values:
        raise ValueError(f"unknown event level {level!r}")
    return SyncEvent.objects.create(
        shop_id=shop_id,
        job=job,
        link=link,
        level=level,
        action=action[:40],
        side=side[:10],
        message=strip_controls(message),
        details=dict(details) if details is not None else None,
    )


def sync_events_record(*, job: SyncJob, events: Iterable[Mapping[str, Any]]) -> int:
    """Append many events of one job in one INSERT (each mapping: action, link, level, side, message,
    details)."""
    rows = [
        SyncEvent(
            shop_id=job.shop_id,
            job=job,
            link=event.get("link"),
            level=event.get("level", SyncEvent.Level.INFO),
            action=str(event["action"])[:40],
            side=str(event.get("side", ""))[:10],
            message=strip_controls(str(event.get("message", ""))),
            details=event.get("details"),
        )
        for event in events
    ]
    SyncEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def sync_incremental_run(*, shop_id: int) -> SyncJob | None:
    """The scheduled sync: create an incremental job and run the shop's next job here (the new one,
    unless a job of a higher priority waits), unless the shop is not syncing (uninstalled, no JOOR
    account) or a full/incremental job is already queued or running."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if (
        shop is None
        or not shop_has_admin_access(shop=shop)
        or not JoorAccount.objects.filter(shop=shop).exists()
    ):
        return None
    with transaction.atomic():
        Shop.objects.select_for_update().filter(pk=shop.pk).first()
        if SyncJob.objects.filter(
            shop=shop, status__in=ACTIVE_STATUSES, kind__in=(Kind.FULL, Kind.INCREMENTAL)
        ).exists():
            return None
        job = SyncJob.objects.create(
            shop=shop,
            kind=Kind.INCREMENTAL,
            direction=_default_direction(shop),
            trigger=SyncJob.Trigger.SCHEDULE,
            priority=Priority.SCHEDULE,
        )
    return sync_job_dispatch(job_id=job.pk)
