"""CreditBudget arithmetic: JOOR's fixed window, with a fake clock so nothing really waits."""

from __future__ import annotations

import threading

import pytest

from joorsync.joor.budget import CreditBudget, request_cost
from tests.clocks import FakeClock


def make(clock: FakeClock, **kwargs) -> CreditBudget:
    return CreditBudget(clock=clock, sleep=clock.sleep, margin_seconds=0.0, **kwargs)


def test_costs_follow_joor_price_list():
    assert request_cost("GET") == 1
    assert request_cost("get") == 1
    assert [request_cost(m) for m in ("POST", "PUT", "DELETE")] == [5, 5, 5]


def test_requests_within_the_window_do_not_wait():
    clock = FakeClock()
    budget = make(clock)
    for _ in range(60):
        assert budget.acquire(5) == 0.0
    assert clock.sleeps == []
    assert budget.remaining == 0


def test_request_that_would_overflow_waits_for_the_window_end():
    clock = FakeClock(start=100.0)
    budget = make(clock)
    budget.acquire(1)  # window starts at t=100
    clock.now = 160.0
    budget.acquire(295)
    slept = budget.acquire(5)  # 301 > 300: wait until t=400
    assert slept == pytest.approx(240.0)
    assert clock.sleeps == [pytest.approx(240.0)]
    snap = budget.snapshot()
    assert snap.window_start == 400.0 and snap.used == 5
    assert snap.sleeps == 1 and snap.total_charged == 301


def test_window_starts_at_first_request_not_at_construction():
    clock = FakeClock(start=0.0)
    budget = make(clock)
    clock.now = 1000.0
    budget.acquire(300)
    clock.now = 1299.0
    budget.acquire(1)  # still the same window: must wait 1 s
    assert clock.sleeps == [pytest.approx(1.0)]


def test_an_expired_window_resets_without_waiting():
    clock = FakeClock(start=0.0)
    budget = make(clock)
    budget.acquire(300)
    clock.now = 300.0
    assert budget.acquire(300) == 0.0
    assert clock.sleeps == []


def test_margin_is_added_to_the_wait():
    clock = FakeClock(start=0.0)
    budget = CreditBudget(clock=clock, sleep=clock.sleep, margin_seconds=1.5)
    budget.acquire(300)
    budget.acquire(1)
    assert clock.sleeps == [pytest.approx(301.5)]


def test_throttle_note_blocks_until_retry_after():
    clock = FakeClock(start=0.0)
    budget = make(clock)
    budget.acquire(1)
    budget.note_throttled(42.0)
    budget.acquire(1)
    assert clock.sleeps == [pytest.approx(42.0)]


def test_custom_window_and_invalid_costs():
    clock = FakeClock(start=0.0)
    budget = make(clock, credits_per_window=10, window_seconds=60)
    budget.acquire(10)
    budget.acquire(5)
    assert clock.sleeps == [pytest.approx(60.0)]
    with pytest.raises(ValueError):
        budget.acquire(11)
    with pytest.raises(ValueError):
        budget.acquire(-1)
    with pytest.raises(ValueError):
        CreditBudget(credits_per_window=4)


def test_shared_between_threads_never_overspends_a_window():
    """Replays the charges through JOOR's own rule (a window opens at the first request after the last
    one closed) and checks no window ever exceeds 300 credits."""
    clock = FakeClock(start=0.0)
    lock = threading.Lock()
    last_read = threading.local()

    def read_clock() -> float:
        with lock:
            last_read.value = clock.now
            return clock.now

    def sleep(seconds: float) -> None:
        with lock:
            clock.sleep(seconds)

    budget = CreditBudget(clock=read_clock, sleep=sleep, margin_seconds=0.0)
    charges: list[tuple[float, int]] = []

    def worker() -> None:
        for _ in range(50):
            budget.acquire(5)
            charges.append((last_read.value, 5))  # the instant the budget charged these credits

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert budget.snapshot().total_charged == 1000 and len(charges) == 200
    window_start, used, windows = None, 0, 0
    for at, cost in sorted(charges):
        if window_start is None or at >= window_start + 300:
            window_start, used, windows = at, 0, windows + 1
        used += cost
        assert used <= 300, f"window starting at {window_start} spent {used} credits"
    assert windows >= 4
