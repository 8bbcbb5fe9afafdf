"""Process-wide registries other apps extend from their AppConfig.ready().

- webhook handlers, by topic header (`products/update`): called by the webhook task with the delivery;
- webhook prefilters, per handler: called at receipt to tell that the handler would have nothing to do
  with a delivery, so no task is queued for it (e.g. the echo of the app's own write);
- uninstall hooks: called when a shop uninstalls (e.g. to stop its sync schedules);
- shop erase hooks: called by `shop/redact` before the Shop row is deleted, for data that does not
  cascade from it.

shopify_app registers its own built-in handlers the same way and knows nothing of its extenders.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from shopify_app.models import Shop, WebhookDelivery


class WebhookHandler(Protocol):
    def __call__(self, *, delivery: WebhookDelivery) -> None: ...


class WebhookPrefilter(Protocol):
    def __call__(self, *, delivery: WebhookDelivery) -> bool: ...


class ShopHook(Protocol):
    def __call__(self, *, shop: Shop) -> None: ...


_lock = threading.Lock()
_handlers: dict[str, list[WebhookHandler]] = {}
_prefilters: dict[tuple[str, WebhookHandler], list[WebhookPrefilter]] = {}
_uninstall_hooks: list[ShopHook] = []
_erase_hooks: list[ShopHook] = []


def register_webhook_handler(topic: str, fn: WebhookHandler) -> WebhookHandler:
    """Run `fn(delivery=...)` for every delivery of `topic`; registering the same fn twice is a no-op."""
    topic = topic.strip().lower()
    with _lock:
        handlers = _handlers.setdefault(topic, [])
        if fn not in handlers:
            handlers.append(fn)
    return fn


def unregister_webhook_handler(topic: str, fn: WebhookHandler) -> None:
    topic = topic.strip().lower()
    with _lock:
        handlers = _handlers.get(topic, [])
        if fn in handlers:
            handlers.remove(fn)
        if not handlers:
            _handlers.pop(topic, None)


def webhook_handlers_for(topic: str) -> tuple[WebhookHandler, ...]:
    with _lock:
        return tuple(_handlers.get(topic.strip().lower(), ()))


def webhook_topic_known(topic: str) -> bool:
    return bool(webhook_handlers_for(topic))


def register_webhook_prefilter(
    topic: str, fn: WebhookPrefilter, *, handler: WebhookHandler
) -> WebhookPrefilter:
    """Let `fn(delivery=...)` answer at receipt, in the request, whether `handler` has nothing to do.

    True means `handler` would do nothing with this delivery; a delivery whose every handler is so
    answered for is recorded without queueing a task. It runs before the HTTP answer, so it must be a
    few indexed reads, and when unsure it answers False: the task then runs as without it.
    """
    topic = topic.strip().lower()
    with _lock:
        prefilters = _prefilters.setdefault((topic, handler), [])
        if fn not in prefilters:
            prefilters.append(fn)
    return fn


def unregister_webhook_prefilter(topic: str, fn: WebhookPrefilter, *, handler: WebhookHandler) -> None:
    key = (topic.strip().lower(), handler)
    with _lock:
        prefilters = _prefilters.get(key, [])
        if fn in prefilters:
            prefilters.remove(fn)
        if not prefilters:
            _prefilters.pop(key, None)


def webhook_prefilters_for(topic: str) -> tuple[tuple[WebhookHandler, tuple[WebhookPrefilter, ...]], ...]:
    """Each handler of `topic` with its prefilters (none for a handler that has none)."""
    topic = topic.strip().lower()
    with _lock:
        return tuple(
            (handler, tuple(_prefilters.get((topic, handler), ()))) for handler in _handlers.get(topic, ())
        )


def register_uninstall_hook(fn: ShopHook) -> ShopHook:
    """Run `fn(shop=...)` after a shop uninstalls the app (its tokens are already gone)."""
    with _lock:
        if fn not in _uninstall_hooks:
            _uninstall_hooks.append(fn)
    return fn


def unregister_uninstall_hook(fn: ShopHook) -> None:
    with _lock:
        if fn in _uninstall_hooks:
            _uninstall_hooks.remove(fn)


def uninstall_hooks() -> tuple[ShopHook, ...]:
    with _lock:
        return tuple(_uninstall_hooks)


def register_shop_erase_hook(fn: ShopHook) -> ShopHook:
    """Run `fn(shop=...)` inside the erase transaction, before the Shop row and its cascades go."""
    with _lock:
        if fn not in _erase_hooks:
            _erase_hooks.append(fn)
    return fn


def unregister_shop_erase_hook(fn: ShopHook) -> None:
    with _lock:
        if fn in _erase_hooks:
            _erase_hooks.remove(fn)


def shop_erase_hooks() -> tuple[ShopHook, ...]:
    with _lock:
        return tuple(_erase_hooks)
