"""The one retry loop: attempts, one total budget including attempt deadlines, Retry-After."""

from __future__ import annotations

import pytest

from provider.http.retry import (
    DEFAULT_POLICY,
    IMS_RETRY,
    RETRY_STATUSES,
    Attempt,
    GaveUp,
    Retrier,
    Retryable,
    RetryPolicy,
    for_ims,
)
from tests.clocks import FakeTime


def retrier(fake: FakeTime, **policy: float) -> Retrier:
    return Retrier(RetryPolicy(**policy), timeout=30.0, clock=fake.clock,
                   sleep=fake.sleep, jitter=lambda low, high: high)


def failing(times: int, **kwargs: object) -> tuple[list[Attempt], object]:
    seen: list[Attempt] = []

    def attempt(state: Attempt) -> str:
        seen.append(Attempt(state.number, state.ambiguous, state.deadline))
        if len(seen) <= times:
            raise Retryable(503, "busy", ambiguous=False, **kwargs)
        return "done"

    return seen, attempt


def test_returns_after_retries_waiting_exponentially() -> None:
    """Two failures then success: waits double from base_delay (jitter at its top here)."""
    fake = FakeTime()
    seen, attempt = failing(2)
    assert retrier(fake, attempts=5, total_seconds=60, base_delay=0.5).run(attempt) == "done"
    assert fake.slept == [0.5, 1.0]
    assert [s.number for s in seen] == [1, 2, 3]


def test_attempt_deadline_is_cut_to_what_is_left_of_the_budget() -> None:
    """Each attempt may take min(timeout, budget left), so attempts that each take 3 s under a
    10 s budget stop at the budget: the budget bounds the whole call, attempts included."""
    fake = FakeTime()
    deadlines: list[float] = []

    def attempt(state: Attempt) -> None:
        deadlines.append(state.deadline)
        fake.now += 3
        raise Retryable(None, "slow", ambiguous=False)

    with pytest.raises(GaveUp, match="budget was spent"):
        retrier(fake, attempts=9, total_seconds=10, base_delay=2).run(attempt)
    assert deadlines == [10.0, 5.0]
    assert fake.now <= 10


def test_retry_after_is_waited_exactly() -> None:
    """A Retry-After answer is waited exactly, not the backoff."""
    fake = FakeTime()
    _, attempt = failing(1, retry_after=2.5)
    retrier(fake, attempts=3, total_seconds=60, base_delay=0.1).run(attempt)
    assert fake.slept == [2.5]


def test_retry_after_beyond_the_budget_stops_at_once() -> None:
    """A Retry-After longer than the budget left ends the call without waiting."""
    fake = FakeTime()
    _, attempt = failing(9, retry_after=100)
    with pytest.raises(GaveUp, match="Retry-After"):
        retrier(fake, attempts=5, total_seconds=10).run(attempt)
    assert fake.slept == []


def test_attempt_budget() -> None:
    """After ``attempts`` failures it gives up, saying so."""
    fake = FakeTime()
    seen, attempt = failing(9)
    with pytest.raises(GaveUp, match="after 3 attempts"):
        retrier(fake, attempts=3, total_seconds=60, base_delay=0.01).run(attempt)
    assert len(seen) == 3


def test_ambiguity_is_remembered() -> None:
    """Once an attempt may have taken effect, later attempts know it."""
    fake = FakeTime()
    seen: list[bool] = []

    def attempt(state: Attempt) -> None:
        seen.append(state.ambiguous)
        raise Retryable(None, "lost", ambiguous=state.number == 1)

    with pytest.raises(GaveUp) as caught:
        retrier(fake, attempts=3, total_seconds=60, base_delay=0.01).run(attempt)
    assert seen == [False, True, True]
    assert caught.value.attempt.ambiguous


def test_nested_budget_gets_what_is_left_of_the_outer() -> None:
    """A call made inside another (an IMS fetch inside a Flow call) has the outer's time left."""
    outer_time, inner_time = FakeTime(), FakeTime()
    inner_deadlines: list[float] = []

    def inner(state: Attempt) -> None:
        inner_deadlines.append(state.deadline)

    def outer(state: Attempt) -> None:
        outer_time.now += 7  # seven seconds pass in the outer call
        retrier(inner_time, attempts=3, total_seconds=60).run(inner)

    retrier(outer_time, attempts=1, total_seconds=10).run(outer)
    assert inner_deadlines == [3.0]


def test_other_errors_pass_through_untouched() -> None:
    """A non-Retryable error is raised at once, without retrying."""
    fake = FakeTime()
    calls: list[int] = []

    def attempt(state: Attempt) -> None:
        calls.append(1)
        raise KeyError("no")

    with pytest.raises(KeyError):
        retrier(fake, attempts=5).run(attempt)
    assert calls == [1]


def test_an_attempt_carries_an_absolute_end_and_each_send_gets_what_is_left() -> None:
    """Within one attempt, time spent on a first request shrinks what the next may take: the
    attempt, not each request, is bounded by its deadline."""
    fake = FakeTime()
    lefts: list[float] = []

    def attempt(state: Attempt) -> None:
        lefts.append(state.left())
        fake.now += 4  # a first request takes four seconds
        lefts.append(state.left())
        fake.now += 4
        lefts.append(state.left())

    Retrier(RetryPolicy(attempts=1, total_seconds=60), timeout=6.0, clock=fake.clock,
            sleep=fake.sleep).run(attempt)
    assert lefts == [6.0, 2.0, 0.0]


def test_ims_budget_is_the_platform_budget_with_fewer_shorter_tries() -> None:
    """IMS gets the platform's total time, at most 4 tries and a backoff never slower than it."""
    platform = RetryPolicy(attempts=10, total_seconds=90.0, base_delay=0.1, max_delay=8.0)
    assert for_ims(platform) == RetryPolicy(attempts=4, total_seconds=90.0, base_delay=0.1,
                                            max_delay=2.0)
    assert for_ims() == IMS_RETRY == RetryPolicy(attempts=4, total_seconds=60.0,
                                                 base_delay=0.25, max_delay=2.0)


def test_one_set_of_retryable_statuses_serves_ims_and_the_platform() -> None:
    """429 and the gateway's 5xx are retried; other statuses are answers, not hiccups."""
    assert frozenset({429, 500, 502, 503, 504}) == RETRY_STATUSES
    assert RetryPolicy() == DEFAULT_POLICY
