"""What a mail says, in a merchant's words: the groups of items needing attention (a count, up to
`MAX_NAMED` named items with links to the app's pages), a failed job explained, and subject lines.

Links are absolute, built from `SHOPIFY_APP_URL`. Free text that came from JOOR or Shopify is bounded
and has e-mail addresses masked (a retailer's address never travels in a mail); nothing here reads a
credential.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from joorsync.core.text import strip_controls
from joorsync.notifications.models import NotificationSent
from joorsync.orders.models import ImportedOrder
from joorsync.sync.models import Conflict, ProductProblem, SyncJob

Kind = NotificationSent.Kind
MAX_NAMED = 10
MAX_TEXT = 300
MAX_VALUE = 60
MAX_SUBJECT = 200
EMAIL_ADDRESS = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
#: `ExceptionClass: message`, as `joorsync.sync.jobs.error_reason` records a failure.
CLASS_PREFIX = re.compile(r"^([A-Z]\w*(?:\.[A-Z]\w*)*): ")
JOB_NAMES: dict[str, str] = {
    SyncJob.Kind.FULL: "Full sync",
    SyncJob.Kind.INCREMENTAL: "Incremental sync",
    SyncJob.Kind.TARGETED: "Product sync",
    SyncJob.Kind.RESOLVE: "Sync applying your conflict decisions",
    SyncJob.Kind.ORDERS: "Order import",
}
TRIGGERS: dict[str, str] = {
    SyncJob.Trigger.MANUAL: "asked for by hand",
    SyncJob.Trigger.COMMAND: "started from the command line",
    SyncJob.Trigger.SCHEDULE: "started by the schedule",
    SyncJob.Trigger.WEBHOOK: "started by a change in Shopify",
    SyncJob.Trigger.CONFLICT: "started by a conflict decision",
}
#: What a failure's exception class means, for the errors a merchant can act on.
MEANINGS = {
    "JoorAuthError": "JOOR did not accept the app's credentials. Check the JOOR connection in Settings.",
    "JoorRateLimited": "JOOR asked the app to slow down and the sync ran out of time. It is retried later.",
    "JoorTransientError": "JOOR did not answer properly (a passing fault on JOOR's side).",
    "JoorMalformedBody": "JOOR's answer arrived broken (a passing fault on JOOR's side).",
    "JoorPermanentError": "JOOR refused a request of the app.",
    "ShopifyAuthError": "Shopify refused the app's access. Open the app from Shopify admin, or reinstall it.",
    "ShopifyThrottled": "Shopify asked the app to slow down and the sync ran out of time. It is retried later.",
    "ShopifyTransientError": "Shopify did not answer properly (a passing fault on Shopify's side).",
    "ShopifyTimeout": "Shopify did not answer in time.",
}
GENERIC_MEANING = "The run stopped with an error."
#: How the reason of a job the stale-job sweeper failed begins (`joorsync.sync.jobs.gave_up_reason`).
GAVE_UP_PREFIX = "Gave up after "
GAVE_UP_MEANING = (
    "The background process running this job kept stopping before the job finished, so it was "
    "stopped after its last attempt."
)


def app_url(name: str, *args: Any, query: str = "") -> str:
    """An absolute link to one of the app's pages (`ui:` URL names)."""
    path = reverse(f"ui:{name}", args=args)
    return f"{settings.SHOPIFY_APP_URL}{path}{'?' + query if query else ''}"


def clean_text(value: Any, *, limit: int = MAX_TEXT) -> str:
    """Text from JOOR, Shopify or the app's records made fit for a mail: one line, no control
    characters, e-mail addresses masked, bounded."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = EMAIL_ADDRESS.sub("[e-mail address]", strip_controls(text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(count: int, singular: str, plural_form: str) -> str:
    return f"{count} {singular if count == 1 else plural_form}"


@dataclass(frozen=True)
class MailItem:
    name: str
    detail: str
    url: str


@dataclass(frozen=True)
class ItemGroup:
    """One kind of item needing attention: its count and the first few rows named."""

    kind: str
    summary: str
    explanation: str
    count: int
    items: list[MailItem]
    url: str
    #: (object id, variant) of every row in the group, to record them as mailed.
    keys: list[tuple[int, str]] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _product_name(link: Any, *, title: str = "", fallback: str = "A product") -> str:
    """The name a person knows the product by: its own title, the link's, else `fallback`."""
    names = [link.shopify_title, link.joor_name, link.style_number] if link is not None else []
    return clean_text(next((n for n in [title, *names, fallback] if n), "A product"), limit=120)


def problem_group(qs: QuerySet[ProductProblem]) -> ItemGroup | None:
    rows = list(qs.values_list("pk", "subject"))
    if not rows:
        return None
    products = len({subject for _, subject in rows})
    url = app_url("problems")
    items = [
        MailItem(
            name=_product_name(p.link, title=p.title, fallback=p.subject),
            detail=clean_text(p.message),
            url=url,
        )
        for p in qs[:MAX_NAMED]
    ]
    return ItemGroup(
        kind=Kind.PROBLEM,
        summary=f"{plural(products, 'product needs', 'products need')} attention",
        explanation=(
            f"The sync could not write {plural(len(rows), 'change', 'changes')} to the other side; "
            "each is written once the product is corrected."
        ),
        count=len(rows),
        items=items,
        url=url,
        keys=[(pk, "") for pk, _ in rows],
    )


def _conflict_detail(conflict: Conflict) -> str:
    shopify = clean_text(conflict.shopify_value, limit=MAX_VALUE)
    joor = clean_text(conflict.joor_value, limit=MAX_VALUE)
    return f"{clean_text(conflict.field_path, limit=120)}: Shopify has “{shopify}”, JOOR has “{joor}”"


def conflict_group(qs: QuerySet[Conflict]) -> ItemGroup | None:
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return None
    items = [
        MailItem(name=_product_name(c.link), detail=_conflict_detail(c), url=app_url("conflict", c.pk))
        for c in qs[:MAX_NAMED]
    ]
    return ItemGroup(
        kind=Kind.CONFLICT,
        summary=f"{plural(len(ids), 'conflict waits', 'conflicts wait')} for your decision",
        explanation="These fields changed in both Shopify and JOOR: choose the value to keep.",
        count=len(ids),
        items=items,
        url=app_url("conflicts"),
        keys=[(pk, "") for pk in ids],
    )


def _order_name(order: ImportedOrder) -> str:
    parts = [f"JOOR order {order.joor_order_id}"]
    if order.po_number:
        parts.append(f"PO {order.po_number}")
    if order.retailer_name:
        parts.append(order.retailer_name)
    return clean_text(", ".join(parts), limit=160)


def held_group(qs: QuerySet[ImportedOrder]) -> ItemGroup | None:
    rows = list(qs.values_list("pk", "hold_code"))
    if not rows:
        return None
    items = [
        MailItem(
            name=_order_name(o),
            detail=clean_text(o.hold_message or "Held: it could not be imported whole."),
            url=app_url("order", o.pk),
        )
        for o in qs[:MAX_NAMED]
    ]
    return ItemGroup(
        kind=Kind.ORDER_HELD,
        summary=f"{plural(len(rows), 'JOOR order is', 'JOOR orders are')} held",
        explanation="These orders were not imported into Shopify; each says why.",
        count=len(rows),
        items=items,
        url=app_url("orders", query="state=held"),
        keys=[(pk, code) for pk, code in rows],
    )


def decision_group(qs: QuerySet[ImportedOrder]) -> ItemGroup | None:
    rows = list(qs.values_list("pk", "fingerprint"))
    if not rows:
        return None
    detail = "Changed in JOOR after it was imported: choose what happens to its Shopify order."
    items = [MailItem(name=_order_name(o), detail=detail, url=app_url("order", o.pk)) for o in qs[:MAX_NAMED]]
    return ItemGroup(
        kind=Kind.ORDER_DECISION,
        summary=f"{plural(len(rows), 'JOOR order needs', 'JOOR orders need')} a decision",
        explanation="JOOR changed these orders after they were imported.",
        count=len(rows),
        items=items,
        url=app_url("orders", query="state=conflict"),
        keys=[(pk, fingerprint) for pk, fingerprint in rows],
    )


def joined(phrases: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def subject_line(text: str) -> str:
    """One header line, bounded (a header must not carry a line break)."""
    line = " ".join(strip_controls(text).split())
    return line if len(line) <= MAX_SUBJECT else line[: MAX_SUBJECT - 1].rstrip() + "…"


def new_items_subject(groups: list[ItemGroup]) -> str:
    """ "2 products need attention in joorsync"; several kinds: "In joorsync: …, … and …"."""
    summaries = [group.summary for group in groups]
    if len(summaries) == 1:
        return subject_line(f"{summaries[0]} in joorsync")
    return subject_line(f"In joorsync: {joined(summaries)}")


def digest_subject(groups: list[ItemGroup], failed: list[SyncJob]) -> str:
    phrases = [group.summary for group in groups]
    phrases += [f"the last {job_family(job)} failed" for job in failed]
    return subject_line(f"joorsync daily summary: {joined(phrases)}")


def job_family(job: SyncJob) -> str:
    return "order import" if job.kind == SyncJob.Kind.ORDERS else "sync"


def job_name(job: SyncJob) -> str:
    """ "Full sync #12", "Order import #40"."""
    return f"{JOB_NAMES.get(job.kind, 'Sync')} #{job.pk}"


def job_trigger(job: SyncJob) -> str:
    return TRIGGERS.get(job.trigger, "")


def failure_subject(job: SyncJob) -> str:
    return subject_line(
        f"{'An order import' if job.kind == SyncJob.Kind.ORDERS else 'A sync'} failed in joorsync"
    )


@dataclass(frozen=True)
class Failure:
    """A failed job's reason: what it means in plain words, and the recorded details."""

    meaning: str
    details: str


def failure_explained(error: str) -> Failure:
    """The job's recorded error (`ExceptionClass: message`, secrets already masked) as a merchant
    reads it: the meaning of its class where known, and the message without the class name."""
    text = (error or "").strip()
    match = CLASS_PREFIX.match(text)
    name = match.group(1).rsplit(".", 1)[-1] if match else ""
    message = text[match.end() :] if match else text
    meaning = MEANINGS.get(name, GENERIC_MEANING)
    if name == "SyncJobNotRunnable" and message:
        meaning = f"The shop could not be synced: {clean_text(message)}."
    elif not name and text.startswith(GAVE_UP_PREFIX):
        meaning = GAVE_UP_MEANING
    return Failure(meaning=meaning, details=clean_text(message or "No reason was recorded.", limit=600))


def failure_fingerprint(job: SyncJob) -> str:
    """The same reason in the same family (syncs, order imports) is the same failure."""
    return hashlib.sha256(f"{job_family(job)}\n{job.error}".encode()).hexdigest()


def local_time(moment: datetime | None, zone: tzinfo) -> str:
    """A time as the mail shows it, on the merchant's chosen clock."""
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z").strip()
