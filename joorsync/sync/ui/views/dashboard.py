"""`/`: both connections, last and next sync, the counts, the two buttons that start a job, and the
wholesale orders' counts (with a warning while orders are held or need a decision)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.orders.ui.queries import orders_dashboard_summary
from joorsync.sync.jobs import SyncJobStateError, sync_job_request
from joorsync.sync.models import SyncJob
from joorsync.sync.ui.auth import shop_required, unauthorized
from joorsync.sync.ui.labels import job_state
from joorsync.sync.ui.queries import DashboardSummary, dashboard_summary
from joorsync.sync.ui.views.common import page, redirect_to
from shopify_app.domains import shop_domain_clean
from shopify_app.oauth import query_params, request_params_valid
from shopify_app.selectors import shop_installed_get
from shopify_app.views import embedded


def app_home(request: HttpRequest) -> HttpResponse:
    """`/` without a session yet. Shopify admin opens the app with a signed `?shop=&host=…` query:
    an uninstalled shop goes through `shopify_app`'s home (to /auth), an installed one gets a page
    that asks App Bridge for a session token and reloads itself with it (`id_token`)."""
    params = query_params(request.GET)
    shop_domain = shop_domain_clean(params.get("shop"))
    if shop_domain is None:
        return unauthorized(request)
    signed_badly = "hmac" in params and not request_params_valid(params)
    if signed_badly or shop_installed_get(shop_domain=shop_domain) is None:
        return embedded.home(request)
    context = {"embedded": True, "api_key": settings.SHOPIFY_API_KEY, "nav": "", "shop_domain": shop_domain}
    return render(request, "sync/bootstrap.html", context)


def attention_url(summary: DashboardSummary) -> str:
    """Where "Needs attention" leads: the first list with something waiting, products before
    orders before failed jobs (a product's problem is what a merchant can act on first)."""
    waiting = (
        (summary.open_problems, reverse("ui:problems")),
        (summary.open_conflicts, reverse("ui:conflicts")),
        (summary.held_orders, f"{reverse('ui:orders')}?state=held"),
        (summary.failed_jobs, f"{reverse('ui:jobs')}?status=failed"),
    )
    return next((url for count, url in waiting if count), reverse("ui:problems"))


def _dashboard(request: HttpRequest) -> HttpResponse:
    orders = orders_dashboard_summary(shop=request.shop)  # type: ignore[attr-defined]
    summary = dashboard_summary(shop=request.shop, held_orders=orders.held)  # type: ignore[attr-defined]
    recent = [(job, job_state(job, problems=getattr(job, "left_problems", 0))) for job in summary.recent_jobs]
    context = {
        "summary": summary,
        "orders": orders,
        "recent_jobs": recent,
        "attention_url": attention_url(summary),
    }
    return page(request, "sync/dashboard.html", context, nav="dashboard")


dashboard = require_GET(shop_required(_dashboard, anonymous=app_home))


@require_POST
@shop_required
def job_start(request: HttpRequest) -> HttpResponse:
    """ "Sync now" (a full sync) or "Preview" (a dry-run full sync whose plan shows on the job page)."""
    preview = request.POST.get("action") == "preview"
    try:
        job = sync_job_request(
            shop=request.shop,  # type: ignore[attr-defined]
            kind=SyncJob.Kind.FULL,
            dry_run=preview,
            trigger=SyncJob.Trigger.MANUAL,
        )
    except SyncJobStateError as exc:
        messages.error(request, str(exc))
        return redirect_to(reverse("ui:dashboard"))
    if preview:
        messages.info(request, f"Preview #{job.pk} queued: nothing is written, the plan appears below.")
        return redirect_to(reverse("ui:job", args=[job.pk]))
    messages.success(request, f"Sync #{job.pk} queued.")
    return redirect_to(reverse("ui:jobs"))
