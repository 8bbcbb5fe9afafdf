"""The webhook benchmark command runs the real app on a loopback port and reports latency figures."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.slow
def test_webhook_bench_reports_latency_of_accepted_webhooks():
    out = StringIO()
    call_command("webhook_bench", requests=30, concurrency=2, threads=2, warmup=2, json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert result["ok"] == 30 and result["statuses"] == {"200": 30}
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["requests_per_second"] > 0
    # Warm-up and measured requests were all recorded and each queued one task.
    assert result["deliveries_recorded"] == result["tasks_enqueued"] == 32
