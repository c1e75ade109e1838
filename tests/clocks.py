"""The tests' clocks: time moves only when a test moves it (no test waits on the wall clock)."""

from __future__ import annotations

import threading

# Epoch seconds in late 2026: a plausible "now" for anything that prints or compares dates.
EPOCH_NOW = 1_790_000_000.0


class FakeClock:
    """A clock (``clock()`` gives its time) that stands still until ``advance`` or ``now =``."""

    def __init__(self, now: float = EPOCH_NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def clock(self) -> float:
        """The time, as the ``clock=`` callables of the client and retry loop take it."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


class FakeTime(FakeClock):
    """A clock and a sleep: sleeping advances the clock at once and is recorded."""

    def __init__(self, now: float = 0.0) -> None:
        super().__init__(now)
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        """Record the sleep and move time by it."""
        self.slept.append(seconds)
        self.now += seconds


class SteppedClock(FakeClock):
    """A clock whose ``read`` event is set once something has looked at it (so a test knows the
    emulator has stamped a deadline with it)."""

    def __init__(self, now: float = 0.0) -> None:
        super().__init__(now)
        self.read = threading.Event()

    def __call__(self) -> float:
        self.read.set()
        return self.now
