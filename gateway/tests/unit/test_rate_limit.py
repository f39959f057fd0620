"""The edge's token bucket: bursts, refill over time, separate callers, bounded memory."""

import threading

import pytest

from gateway.edge import TokenBucketLimiter


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def test_allows_a_burst_then_says_how_long_to_wait(clock):
    limiter = TokenBucketLimiter(rate_per_second=2, burst=3, clock=clock)

    assert [limiter.try_acquire("alice") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.try_acquire("alice") == pytest.approx(0.5)


def test_refills_at_the_rate_up_to_the_burst(clock):
    limiter = TokenBucketLimiter(rate_per_second=2, burst=3, clock=clock)
    for _ in range(3):
        limiter.try_acquire("alice")

    clock.advance(0.5)
    assert limiter.try_acquire("alice") == 0.0
    assert limiter.try_acquire("alice") == pytest.approx(0.5)

    clock.advance(60)
    assert [limiter.try_acquire("alice") for _ in range(4)] == [0.0, 0.0, 0.0, pytest.approx(0.5)]


def test_refused_calls_do_not_spend_tokens(clock):
    limiter = TokenBucketLimiter(rate_per_second=1, burst=1, clock=clock)
    limiter.try_acquire("alice")
    for _ in range(5):
        limiter.try_acquire("alice")

    clock.advance(1)
    assert limiter.try_acquire("alice") == 0.0


def test_each_key_has_its_own_bucket(clock):
    limiter = TokenBucketLimiter(rate_per_second=1, burst=1, clock=clock)

    assert limiter.try_acquire("alice") == 0.0
    assert limiter.try_acquire("alice") > 0
    assert limiter.try_acquire("bob") == 0.0


def test_memory_is_bounded_by_dropping_the_idlest_buckets(clock):
    limiter = TokenBucketLimiter(rate_per_second=1, burst=1, max_keys=3, clock=clock)
    limiter.try_acquire("idle")
    clock.advance(10)
    for key in ("alice", "bob", "carol"):
        limiter.try_acquire(key)

    assert len(limiter) == 3
    assert limiter.try_acquire("alice") > 0


def test_concurrent_callers_never_get_more_than_the_burst(clock):
    limiter = TokenBucketLimiter(rate_per_second=1, burst=50, clock=clock)
    granted: list[float] = []

    def call():
        for _ in range(20):
            granted.append(limiter.try_acquire("alice"))

    threads = [threading.Thread(target=call) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert granted.count(0.0) == 50


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (1, 0)])
def test_rejects_settings_that_would_refuse_everyone(rate, burst):
    with pytest.raises(ValueError):
        TokenBucketLimiter(rate_per_second=rate, burst=burst)
