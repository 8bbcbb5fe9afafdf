"""The per-shop django-q2 Schedule follows the account settings and goes away on uninstall and erase."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from joorsync.sync.accounts import joor_account_update_settings
from joorsync.sync.jobs import sync_job_create
from joorsync.sync.models import JoorAccount, SyncJob
from joorsync.sync.schedules import (
    INCREMENTAL_TASK,
    RECOVER_SCHEDULE_NAME,
    schedules_ensure_global,
    schedules_reconcile,
    shop_schedule_get,
    shop_schedule_sync,
)
from shopify_app.oauth import TokenGrant
from shopify_app.services.shops import shop_erase, shop_uninstall
from shopify_app.services.tokens import shop_installed_store
from tests.sync.jobs_support import make_account, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return make_account(make_shop())


def test_schedule_is_made_from_the_account(account):
    schedule = shop_schedule_sync(account=account)
    assert schedule.name == "joorsync-sync-demo.myshopify.com"
    assert (schedule.func, schedule.args, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        INCREMENTAL_TASK,
        repr(account.shop_id),
        Schedule.MINUTES,
        15,
        -1,
    )
    assert (
        timezone.now() + timedelta(minutes=14) < schedule.next_run <= timezone.now() + timedelta(minutes=15)
    )
    assert shop_schedule_sync(account=account).pk == schedule.pk  # idempotent
    assert Schedule.objects.filter(name=schedule.name).count() == 1
    assert Schedule.objects.filter(name=RECOVER_SCHEDULE_NAME).count() == 1


def test_settings_change_the_interval_and_zero_removes_it(account):
    first = shop_schedule_sync(account=account)
    joor_account_update_settings(account=account, direction="joor-to-shopify")
    assert shop_schedule_get(shop=account.shop).next_run == first.next_run  # same interval: plan kept

    joor_account_update_settings(account=account, sync_interval_minutes=60)
    updated = shop_schedule_get(shop=account.shop)
    assert (updated.pk, updated.minutes) == (first.pk, 60)
    assert updated.next_run > timezone.now() + timedelta(minutes=59)

    joor_account_update_settings(account=account, sync_interval_minutes=0)
    assert shop_schedule_get(shop=account.shop) is None

    joor_account_update_settings(account=account, sync_interval_minutes="5")
    assert shop_schedule_get(shop=account.shop).minutes == 5


def test_duplicate_schedule_rows_are_collapsed(account):
    schedule = shop_schedule_sync(account=account)
    Schedule.objects.create(
        name=schedule.name, func=INCREMENTAL_TASK, schedule_type=Schedule.MINUTES, minutes=1
    )
    shop_schedule_sync(account=account)
    assert list(Schedule.objects.filter(name=schedule.name).values_list("pk", flat=True)) == [schedule.pk]


def test_global_recovery_schedule_is_created_once():
    first = schedules_ensure_global()
    assert schedules_ensure_global().pk == first.pk
    assert first.func == "joorsync.sync.tasks.sync_recover_stale"


def test_uninstall_removes_the_schedule_and_cancels_queued_jobs(account):
    shop_schedule_sync(account=account)
    queued = sync_job_create(shop=account.shop, kind="full")
    other = make_account(make_shop("other.myshopify.com"))
    shop_schedule_sync(account=other)

    shop_uninstall(shop_domain=account.shop.shop_domain)  # runs the registered uninstall hooks

    assert shop_schedule_get(shop=account.shop) is None
    queued.refresh_from_db()
    assert (queued.status, queued.error) == (SyncJob.Status.CANCELLED, "the app was uninstalled")
    assert shop_schedule_get(shop=other.shop) is not None  # another shop keeps its schedule
    # An uninstalled shop gets no schedule back from a settings change.
    account.refresh_from_db()
    joor_account_update_settings(account=account, sync_interval_minutes=10)
    assert shop_schedule_get(shop=account.shop) is None


def test_shop_erase_removes_the_schedule_and_everything_else(account):
    shop = account.shop
    shop_schedule_sync(account=account)
    sync_job_create(shop=shop, kind="full")
    assert shop_erase(shop_domain=shop.shop_domain) is True
    assert not Schedule.objects.filter(name="joorsync-sync-demo.myshopify.com").exists()
    assert not JoorAccount.objects.exists()
    assert not SyncJob.objects.exists()


def test_reconcile_restores_a_reinstalled_shops_schedule_and_drops_orphans(account):
    shop = account.shop
    shop_schedule_sync(account=account)
    shop_uninstall(shop_domain=shop.shop_domain)
    assert shop_schedule_get(shop=shop) is None
    shop_installed_store(shop_domain=shop.shop_domain, grant=TokenGrant(access_token="shpat_new", scope=""))
    Schedule.objects.create(
        name="joorsync-sync-gone.myshopify.com",
        func=INCREMENTAL_TASK,
        schedule_type=Schedule.MINUTES,
        minutes=15,
        args="999",
    )

    assert schedules_reconcile() == (1, 1)

    assert shop_schedule_get(shop=shop).minutes == 15
    assert not Schedule.objects.filter(name="joorsync-sync-gone.myshopify.com").exists()
    assert schedules_reconcile() == (0, 0)  # nothing left to repair
