"""The request loop against scripted WSGI apps: statuses, retries, auth, bad bodies, secrets.

Each app plays exactly the answer sequence under test (a 500 then a 200, a hostile body, ...), which
the sandbox cannot be asked for deterministically.
"""

from __future__ import annotations

import base64
import json
import logging
import random
from datetime import UTC, date, datetime, timedelta, timezone

import httpx
import pytest

from joorsync.joor.budget import CreditBudget
from joorsync.joor.client import JoorClient, JoorNotFound
from joorsync.joor.errors import (
    JoorAuthError,
    JoorBadPayload,
    JoorPermanentError,
    JoorRateLimited,
    JoorTransientError,
)
from tests.clocks import FakeClock

from .test_client_support import ConnectionDroppedForTest, Reply, ScriptedApp, envelope, style

TOKEN = "s3cr3t-v2-token-value"
BASE = "http://joor.test"


def client_for(app, clock: FakeClock | None = None, **kwargs) -> JoorClient:
    clock = clock or FakeClock()
    kwargs.setdefault("token", TOKEN)
    return JoorClient(
        base_url=BASE,
        transport=httpx.WSGITransport(app=app),
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(7),
        **kwargs,
    )


def ok(styles, **kw) -> Reply:
    return Reply(200, envelope(styles, **kw))


def test_paging_follows_next_start_and_stops_without_it():
    app = ScriptedApp(
        [
            ok([style(1), style(2)], next_start=2),
            ok([style(3), style(4)], start_from=2, next_start=4),
            ok(style(5), start_from=4),  # a single style comes as an object, not a list
        ]
    )
    client = client_for(app)
    ids = [s.style_id for s in client.iter_styles(page_size=2)]
    assert ids == [1, 2, 3, 4, 5]
    assert [r.query["start_from"] for r in app.seen] == [["0"], ["2"], ["4"]]
    assert all(r.query["count"] == ["2"] for r in app.seen)
    assert all(r.headers["Accept"] == "application/json" for r in app.seen)
    assert all(r.headers["Authorization"] == f"OAuth2 {TOKEN}" for r in app.seen)
    assert client.usage.requests == 3 and client.usage.credits == 3 and client.usage.retries == 0


def test_xml_format_sends_xml_accept_header():
    xml = (
        "<?xml version='1.0'?><root><response><code>0</code><log_id>x</log_id></response>"
        "<styles><style><style_id>9</style_id><style_name>N</style_name><style_number>S</style_number>"
        "<style_identifier>I</style_identifier></style></styles></root>"
    )
    app = ScriptedApp([Reply(200, xml)])
    styles = list(client_for(app).iter_styles(fmt="xml"))
    assert [s.style_id for s in styles] == [9]
    assert app.seen[0].headers["Accept"] == "application/xml"


def test_next_start_that_does_not_advance_is_a_bad_payload():
    app = ScriptedApp([ok([style(1)], next_start=1), ok([style(2)], start_from=1, next_start=1)])
    with pytest.raises(JoorBadPayload, match="does not advance"):
        list(client_for(app).iter_styles(page_size=1))
    assert len(app.seen) == 2


def test_limit_stops_early_and_shrinks_the_page():
    app = ScriptedApp([ok([style(1), style(2), style(3)], next_start=3)])
    styles = list(client_for(app).iter_styles(limit=3))
    assert len(styles) == 3 and len(app.seen) == 1
    assert app.seen[0].query["count"] == ["3"]


def test_problems_are_reported_and_iteration_goes_on():
    broken = {"style_id": "77", "style_name": "no number"}
    app = ScriptedApp([ok([style(1), broken, style(2)])])
    problems = []
    ids = [s.style_id for s in client_for(app).iter_styles(on_problem=problems.append)]
    assert ids == [1, 2]
    assert [p.style_id for p in problems] == ["77"]
    assert "style_number" in problems[0].message


def test_5xx_is_retried_with_jittered_backoff_then_succeeds():
    clock = FakeClock()
    app = ScriptedApp([Reply(503, "busy"), Reply(502, ""), ok([style(1)])])
    client = client_for(app, clock, backoff_base=1.0)
    assert [s.style_id for s in client.iter_styles()] == [1]
    assert len(app.seen) == 3
    assert client.usage.retries == 2
    assert 0.5 <= clock.sleeps[0] <= 1.0 and 1.0 <= clock.sleeps[1] <= 2.0


def test_5xx_forever_gives_a_clear_transient_error_after_bounded_attempts():
    app = ScriptedApp(lambda seen: Reply(500, "oops"))
    client = client_for(app, max_retries=3)
    with pytest.raises(
        JoorTransientError, match=r"GET /v2/style: failed after 4 attempts; last error: HTTP 500"
    ):
        list(client.iter_styles())
    assert len(app.seen) == 4


@pytest.mark.parametrize("where", ["call", "body"])
def test_exceptions_from_an_in_process_transport_are_transient(where):
    dropped = ConnectionDroppedForTest("peer went away")
    first = (
        Reply(raise_exc=dropped)
        if where == "call"
        else Reply(200, envelope([style(1)]), raise_in_body=dropped)
    )
    app = ScriptedApp([first, ok([style(1)])])
    client = client_for(app)
    assert [s.style_id for s in client.iter_styles()] == [1]
    assert len(app.seen) == 2 and client.usage.retries == 1


def test_timeouts_and_socket_errors_are_retried_then_fail_clearly():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        assert request.extensions["timeout"] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
        raise httpx.ReadTimeout("slow", request=request) if len(calls) % 2 else httpx.ConnectError("refused")

    clock = FakeClock()
    client = JoorClient(
        base_url=BASE,
        token=TOKEN,
        transport=httpx.MockTransport(handler),
        timeout=2.5,
        sleep=clock.sleep,
        clock=clock,
        max_retries=2,
    )
    with pytest.raises(JoorTransientError, match="failed after 3 attempts; last error: timed out"):
        client.get_style(5)
    assert len(calls) == 3 and len(clock.sleeps) == 2


def test_401_tries_the_token_as_issued_then_base64_then_is_an_auth_error():
    app = ScriptedApp(lambda seen: Reply(401, envelope(code="401", comment="bad token")))
    client = client_for(app)
    with pytest.raises(JoorAuthError, match="HTTP 401: bad token") as info:
        list(client.iter_styles())
    encoded = base64.b64encode(TOKEN.encode()).decode()
    assert [s.headers["Authorization"] for s in app.seen] == [f"OAuth2 {TOKEN}", f"OAuth2 {encoded}"]
    assert info.value.status == 401 and client.usage.retries == 1
    with pytest.raises(JoorAuthError):
        client.get_style(1)
    assert len(app.seen) == 3  # both forms were refused once: no second round


def test_a_server_wanting_the_base64_token_gets_it_from_then_on():
    encoded = base64.b64encode(TOKEN.encode()).decode()

    def answer(seen):
        if seen.headers["Authorization"] != f"OAuth2 {encoded}":
            return Reply(401, envelope(code="401", comment="bad token"))
        return Reply(200, envelope([style(1)]))

    app = ScriptedApp(answer)
    client = client_for(app)
    assert client.get_style(1).style_id == 1
    assert client.get_style(1).style_id == 1
    assert len(app.seen) == 3


def test_403_is_an_auth_error_without_retry():
    app = ScriptedApp(lambda seen: Reply(403, ""))
    with pytest.raises(JoorAuthError):
        client_for(app).get_style(1)
    assert len(app.seen) == 1


@pytest.mark.parametrize("status", [400, 406, 409, 422])
def test_other_4xx_are_permanent_and_never_retried(status):
    app = ScriptedApp(
        lambda seen: Reply(status, envelope(code=str(status), comment="date_end missing", log_id="LOG-9"))
    )
    with pytest.raises(JoorPermanentError, match="date_end missing") as info:
        list(client_for(app).iter_styles())
    assert len(app.seen) == 1
    assert info.value.status == status and info.value.log_id == "LOG-9"
    assert "LOG-9" in str(info.value)


def test_404_is_not_found():
    app = ScriptedApp([Reply(404, envelope(code="404", comment="Style not found"))])
    with pytest.raises(JoorNotFound, match="Style not found"):
        client_for(app).get_style(123)
    assert len(app.seen) == 1


def test_non_zero_code_in_a_200_envelope_is_permanent_with_comment_and_log_id():
    app = ScriptedApp([ok(None, code="7", comment="Account suspended", log_id="abc-123")])
    with pytest.raises(JoorPermanentError) as info:
        list(client_for(app).iter_styles())
    assert "response code 7: Account suspended" in str(info.value) and "abc-123" in str(info.value)
    assert info.value.log_id == "abc-123" and len(app.seen) == 1


HOSTILE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<root><response><code>0</code></response><styles><style><style_id>&b;</style_id></style></styles></root>"
)


@pytest.mark.parametrize("body", [HOSTILE, b'{"unrelated": true}', b"[1, 2, 3]"])
def test_bad_payloads_are_never_retried(body):
    fmt = "xml" if body.startswith(b"<") else "json"
    app = ScriptedApp(lambda seen: Reply(200, body))
    client = client_for(app)
    with pytest.raises(JoorBadPayload):
        list(client.iter_styles(fmt=fmt))
    assert len(app.seen) == 1 and client.usage.retries == 0


def test_truncated_bodies_are_retried_then_fail_clearly():
    body = b'{"response": {"code": "0"}, "styles": {"style": [{"style_id": "1", "style_na'
    app = ScriptedApp(lambda seen: Reply(200, body))
    client = client_for(app, max_retries=2)
    with pytest.raises(JoorTransientError, match="failed after 3 attempts; last error: malformed body"):
        list(client.iter_styles())
    assert len(app.seen) == 3


def test_a_truncated_body_then_a_good_one_recovers():
    good = envelope([style(1)])
    app = ScriptedApp([Reply(200, b'{"response": {"code": "0"}, "sty'), Reply(200, good)])
    assert [s.style_id for s in client_for(app).iter_styles()] == [1]


def test_429_honours_retry_after_without_a_budget():
    clock = FakeClock()
    app = ScriptedApp([Reply(429, "", {"Retry-After": "17"}), ok([style(1)])])
    client = client_for(app, clock)
    assert [s.style_id for s in client.iter_styles()] == [1]
    assert clock.sleeps == [17.0]
    assert client.usage.throttled == 1 and client.usage.credits == 1


def test_429_with_a_budget_waits_for_the_window():
    clock = FakeClock()
    budget = CreditBudget(clock=clock, sleep=clock.sleep, margin_seconds=0.0)
    app = ScriptedApp([Reply(429, "", {"Retry-After": "120"}), ok([style(1)])])
    client = client_for(app, clock, budget=budget)
    list(client.iter_styles())
    assert clock.sleeps == [pytest.approx(120.0)]


def test_429_forever_ends_in_rate_limited():
    app = ScriptedApp(lambda seen: Reply(429, "", {"Retry-After": "5"}))
    client = client_for(app, max_rate_limit_retries=3)
    with pytest.raises(JoorRateLimited) as info:
        list(client.iter_styles())
    assert info.value.retry_after == 5.0 and len(app.seen) == 4
    assert client.usage.throttled == 4


def test_date_windows_are_sent_in_pairs_as_utc():
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    app = ScriptedApp(lambda seen: ok([]))
    client = client_for(app, now=lambda: now)
    list(client.iter_styles(modified_since=datetime(2026, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=2)))))
    list(client.iter_styles(created_since=date(2022, 1, 1), created_until=date(2022, 6, 30)))
    first, second = app.seen
    assert first.query["date_start"] == ["2026-10-31T23:30:00Z"]
    assert first.query["date_end"] == ["2026-11-20T12:00:00Z"]
    assert "date_created_start" not in first.query
    assert second.query["date_created_start"] == ["2022-01-01"]
    assert second.query["date_created_end"] == ["2022-06-30"]
    with pytest.raises(ValueError, match="needs modified_since"):
        list(client.iter_styles(modified_until=now))
    with pytest.raises(ValueError, match="timezone-aware"):
        list(client.iter_styles(modified_since=datetime(2026, 1, 1)))


def test_style_number_segments_are_url_encoded():
    paths = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path.decode())
        return httpx.Response(200, json=envelope(style(3)))

    client = JoorClient(base_url=BASE, token=TOKEN, transport=httpx.MockTransport(handler))
    client.get_style_by_number("A/B 1", "Été?#")
    assert paths == ["/v2/style-number/A%2FB%201/%C3%89t%C3%A9%3F%23"]


def test_an_empty_answer_to_a_lookup_is_not_found():
    app = ScriptedApp([ok(None)])
    with pytest.raises(JoorNotFound):
        client_for(app).get_style(1)


def test_secrets_never_reach_messages_reprs_or_logs(caplog):
    echo = f"token {TOKEN} is not valid"
    encoded = base64.b64encode(TOKEN.encode()).decode()
    echo_encoded = f"token {encoded} is not valid either"
    app = ScriptedApp(
        [
            Reply(500, ""),
            Reply(401, envelope(code="401", comment=echo)),
            Reply(401, envelope(code="401", comment=echo_encoded)),
        ]
    )
    client = client_for(app)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(JoorAuthError) as info:
        list(client.iter_styles())
    exc = info.value
    rendered = [str(exc), repr(exc), repr(client), repr(client.usage), caplog.text]
    assert "***" in str(exc)
    for text in rendered:
        assert TOKEN not in text and encoded not in text


def test_constructor_validates_its_arguments():
    with pytest.raises(ValueError, match="token or v4 credentials"):
        JoorClient(base_url=BASE)
    with pytest.raises(ValueError, match="auth_url"):
        JoorClient(
            base_url=BASE, client_id="c", client_secret="s", username="u", password="p", account_id="1"
        )
    with pytest.raises(ValueError, match="http"):
        JoorClient(base_url="api.jooraccess.com", token=TOKEN)
    with pytest.raises(ValueError, match="page_size"):
        list(JoorClient(base_url=BASE, token=TOKEN).iter_styles(page_size=1001))


def test_endless_empty_pages_are_a_bad_payload():
    app = ScriptedApp(
        lambda seen: ok(
            None,
            start_from=int(seen.query["start_from"][0]),
            next_start=int(seen.query["start_from"][0]) + 10,
        )
    )
    with pytest.raises(JoorBadPayload, match="empty pages in a row"):
        list(client_for(app).iter_styles(page_size=10))
    assert len(app.seen) == 5


def test_a_503_retry_after_is_honoured_within_the_backoff_cap():
    clock = FakeClock()
    app = ScriptedApp(
        [Reply(503, "busy", {"Retry-After": "12"}), Reply(503, "", {"Retry-After": "900"}), ok([style(1)])]
    )
    client = client_for(app, clock, backoff_base=0.1, backoff_cap=30.0)
    list(client.iter_styles())
    assert clock.sleeps == [12.0, 30.0]


def test_orders_need_an_explicit_sync_choice():
    client = client_for(ScriptedApp([]))
    with pytest.raises(TypeError):
        client.iter_orders()  # type: ignore[call-arg]


def test_orders_preview_pages_by_offset_and_sends_sync_0():
    app = ScriptedApp(
        [
            Reply(
                200,
                {
                    "response": {"code": "0", "next_start": 2},
                    "orders": {"order": [{"order_id": 1}, {"order_id": 2}]},
                },
            ),
            Reply(200, {"response": {"code": "0"}, "orders": {"order": {"order_id": 3}}}),
        ]
    )
    orders = list(client_for(app).iter_orders(sync=False, order_type=8, page_size=2))
    assert [o["order_id"] for o in orders] == [1, 2, 3]
    assert [(r.query["sync"], r.query["start_from"]) for r in app.seen] == [(["0"], ["0"]), (["0"], ["2"])]
    assert app.seen[0].query["order_type"] == ["8"]


@pytest.mark.parametrize(
    "item, problem",
    [
        ({"upc": "1", "inventory": 1}, "warehouse"),
        ({"warehouse": "W", "upc": "1", "inventory": "3"}, "integer"),
        ({"warehouse": "W", "inventory": 3, "style_number": "S"}, "upc"),
    ],
)
def test_inventory_items_are_checked_before_anything_is_sent(item, problem):
    app = ScriptedApp([])
    with pytest.raises(ValueError, match=problem):
        client_for(app).bulk_inventory([item])
    assert app.seen == []


def test_inventory_is_batched_and_overwrite_is_always_explicit():
    def answer(seen):
        items = json.loads(seen.body)["inventory_items"]["inventory_item"]
        log = [{"sku": i["upc"], "inventory_log_id": n, "status": "pass"} for n, i in enumerate(items)]
        return Reply(200, {"response": {"code": "0"}, "sku_count": len(log), "inventory_log": log})

    app = ScriptedApp(answer)
    items = [{"warehouse": "W", "upc": str(n), "inventory": n, "style_identifier": "X"} for n in range(1200)]
    results = client_for(app).bulk_inventory(items)
    assert len(results) == 1200 and all(r.ok for r in results)
    assert [len(json.loads(s.body)["inventory_items"]["inventory_item"]) for s in app.seen] == [500, 500, 200]
    assert all(s.query["overwrite"] == ["0"] and "dec_pending" not in s.query for s in app.seen)
    sent = json.loads(app.seen[0].body)["inventory_items"]["inventory_item"][0]
    assert sent["style_identifer"] == "X" and "style_identifier" not in sent
