"""The one retry loop of the provider, used by IMS (``provider.http.auth``) and the platform
(``provider.http.client``) alike, with the one set of statuses worth retrying
(``RETRY_STATUSES``) and the one default budget (``DEFAULT_POLICY``; IMS derives its own from it
with ``for_ims``).

A ``RetryPolicy`` is a budget: at most ``attempts`` tries, and ``total_seconds`` for the whole
call, *including* each attempt's own deadline. ``Retrier.run`` calls an attempt function with an
``Attempt`` that says how long this attempt may take (``Attempt.deadline``: the per-attempt
timeout, cut to what is left of the budget) and when it must end (``Attempt.end``, an absolute
time on the retrier's monotonic clock). An attempt that sends several requests gives each one
``Attempt.left()``, the time left until that end, so the attempt as a whole, not each request,
is bounded, and a slow or trickling server costs at most the budget. A failure worth retrying
is raised as ``Retryable``; anything else passes through.
Waits are exponential with full jitter, or exactly ``Retry-After`` when the server says so (a
``Retry-After`` beyond the budget ends the call at once).

Budgets nest: an IMS token fetch made while a Flow Service call runs (same thread) gets what is
left of the outer budget at most, so one ``aep:retryMaxSeconds`` bounds the whole call.

The clock and the sleep are injectable, so tests never wait on real time.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = [
    "DEFAULT_POLICY",
    "IMS_RETRY",
    "RETRY_STATUSES",
    "Attempt",
    "GaveUp",
    "Retrier",
    "RetryPolicy",
    "Retryable",
    "for_ims",
]

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Retry budget: stop after ``attempts`` tries or ``total_seconds``, whichever comes first.

    Waits are exponential with full jitter (``base_delay`` doubling, capped at ``max_delay``),
    except after a ``Retry-After`` answer, which is waited exactly. ``total_seconds`` of 0 means
    one attempt, bounded by its own timeout only.
    """

    attempts: int = 6
    total_seconds: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0


# Statuses that say "not now" rather than "no", from IMS and the platform alike: 429 (not
# processed, so never ambiguous) and the 5xx a gateway answers for a busy or failing backend.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

DEFAULT_POLICY = RetryPolicy()

# IMS keeps its own shorter attempt count and backoff cap; its time budget is the platform's.
_IMS_ATTEMPTS = 4
_IMS_BASE_DELAY = 0.25
_IMS_MAX_DELAY = 2.0


def for_ims(policy: RetryPolicy = DEFAULT_POLICY) -> RetryPolicy:
    """The IMS token request's budget under the platform budget ``policy``: the same total
    time, at most ``_IMS_ATTEMPTS`` tries, a shorter backoff (a token is needed before anything
    else can happen)."""
    return RetryPolicy(attempts=_IMS_ATTEMPTS, total_seconds=policy.total_seconds,
                       base_delay=min(_IMS_BASE_DELAY, policy.base_delay),
                       max_delay=_IMS_MAX_DELAY)


IMS_RETRY = for_ims()


class Retryable(Exception):
    """One attempt failed in a way worth retrying; ``ambiguous`` if it may have taken effect."""

    def __init__(
        self, status: int | None, detail: str, *, ambiguous: bool, code: str | None = None,
        request_id: str | None = None, retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.ambiguous = ambiguous
        self.code = code
        self.request_id = request_id
        self.retry_after = retry_after


@dataclass
class Attempt:
    """The state of one call across its attempts, handed to each attempt."""

    number: int = 0
    ambiguous: bool = False  # an earlier attempt may have taken effect
    deadline: float = 0.0  # seconds this attempt may take, all included (from its start)
    first_sent_ms: int | None = None
    extra: dict[str, object] = field(default_factory=dict)
    end: float | None = None  # when this attempt must be over, on ``clock``
    clock: Callable[[], float] = time.monotonic

    def left(self) -> float:
        """Seconds left of this attempt now: what the next request it sends may take."""
        if self.end is None:
            return self.deadline
        return max(0.0, self.end - self.clock())


class GaveUp(Exception):
    """The budget ran out; ``last`` is the final ``Retryable`` and ``reason`` says which limit."""

    def __init__(self, last: Retryable, attempt: Attempt, reason: str) -> None:
        super().__init__(reason)
        self.last = last
        self.attempt = attempt
        self.reason = reason


_outer = threading.local()


class Retrier:
    """Runs attempt functions under a ``RetryPolicy`` on an injectable clock and sleep."""

    def __init__(
        self, policy: RetryPolicy, *, timeout: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[float, float], float] = random.uniform,
    ) -> None:
        self.policy = policy
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep
        self._jitter = jitter

    def run(self, attempt: Callable[[Attempt], T]) -> T:
        """Call ``attempt`` until it returns, raises a non-``Retryable`` error, or the budget
        ends (``GaveUp``)."""
        policy = self.policy
        started = self.clock()
        end = started + policy.total_seconds if policy.total_seconds > 0 else None
        outer: tuple[Callable[[], float], float] | None = getattr(_outer, "budget", None)
        if outer is not None:
            # The outer call may run on another clock: carry over the seconds it has left.
            outer_clock, outer_end = outer
            inner_end = started + max(0.0, outer_end - outer_clock())
            end = inner_end if end is None else min(end, inner_end)
        state = Attempt(clock=self.clock)
        _outer.budget = (self.clock, end) if end is not None else outer
        try:
            while True:
                state.number += 1
                left = None if end is None else end - self.clock()
                state.deadline = self.timeout if left is None else max(0.0, min(self.timeout, left))
                state.end = self.clock() + state.deadline
                try:
                    return attempt(state)
                except Retryable as failure:
                    state.ambiguous = state.ambiguous or failure.ambiguous
                    wait = self._wait(state.number, failure)
                    reason = self._stop_reason(state, failure, started, end, wait)
                    if reason is not None:
                        raise GaveUp(failure, state, reason) from None
                    self.sleep(wait)
        finally:
            _outer.budget = outer

    def _wait(self, number: int, failure: Retryable) -> float:
        if failure.retry_after is not None:
            return failure.retry_after
        cap = min(self.policy.max_delay, self.policy.base_delay * 2 ** (number - 1))
        return self._jitter(0.0, cap)

    def _stop_reason(self, state: Attempt, last: Retryable, started: float, end: float | None,
                     wait: float) -> str | None:
        policy = self.policy
        now = self.clock()
        elapsed = now - started
        if state.number >= policy.attempts:
            return f"gave up after {state.number} attempts in {elapsed:.1f}s"
        if end is None:
            return f"gave up after {state.number} attempt(s): no retry budget (0s)"
        left = end - now
        if last.retry_after is not None and last.retry_after >= left:
            return (f"the service asked to retry after {last.retry_after:g}s (Retry-After), "
                    f"more than the {max(0.0, left):.1f}s left of the {policy.total_seconds:g}s "
                    f"retry budget, after {state.number} attempts")
        if now + wait >= end:
            return (f"gave up after {state.number} attempts: the {policy.total_seconds:g}s retry "
                    "budget was spent")
        return None
