"""Fault injection: rules that slow down, fail or drop the requests they match.

A rule matches by HTTP method (any when None) and path prefix (any when None). The path is
relative to the Flow Service base (``/connections``, ``/connections/<id>``); the IMS path
``/ims/token/v3`` matches as is. A rule fires at most ``times`` times (None: until cleared).

What a rule does when it fires:

- ``latency``: sleep that long before processing (adds up over every firing rule);
- ``delay``: process, then sleep that long before answering (a client read timeout then meets a
  request that *was* applied, as with a slow real server);
- ``status``: answer 429 (gateway body, ``Retry-After: retry_after``) or a 5xx (Flow error body)
  without processing;
- ``drop="before"``: reset the connection without processing;
- ``drop="after"``: process and commit, then reset the connection (the answer is lost);
- ``rate`` (with ``seed`` and ``statuses``): fire with that probability, answering one of
  ``statuses`` at random.

Only the first firing rule with a status, drop or rate decides the outcome; latency and delay
rules all apply. Thread-safe: tests add rules while requests are in flight.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

DROPS = ("before", "after")
TRANSIENT = (429, 500, 502, 503, 504)


@dataclass
class FaultRule:
    """One rule; see the module docstring."""

    method: str | None = None
    path: str | None = None
    times: int | None = None
    status: int | None = None
    retry_after: float = 0
    latency: float = 0.0
    delay: float = 0.0
    drop: str | None = None
    rate: float | None = None
    statuses: tuple[int, ...] = TRANSIENT
    seed: int | None = None
    fired: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to the request (ignoring ``times``)."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or path.startswith(self.path)

    @property
    def exhausted(self) -> bool:
        """Whether it has fired ``times`` times."""
        return self.times is not None and self.fired >= self.times

    @property
    def decisive(self) -> bool:
        """Whether it decides the outcome (status, drop or rate) rather than only slowing."""
        return self.status is not None or self.drop is not None or self.rate is not None


@dataclass(frozen=True)
class Decision:
    """What to do with one request."""

    latency: float = 0.0
    delay: float = 0.0
    status: int | None = None
    retry_after: float = 0
    drop: str | None = None


class Faults:
    """The emulator's fault rules."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(
        self,
        *,
        status: int | None = None,
        retry_after: float = 0,
        times: int | None = None,
        method: str | None = None,
        path: str | None = None,
        latency: float = 0.0,
        delay: float = 0.0,
        drop: str | None = None,
        rate: float | None = None,
        seed: int | None = None,
        statuses: tuple[int, ...] = TRANSIENT,
    ) -> FaultRule:
        """Add a rule and return it (its ``fired`` count is live)."""
        if drop is not None and drop not in DROPS:
            raise ValueError(f"drop must be one of {DROPS}, not {drop!r}")
        if status is not None and status != 429 and not 500 <= status <= 599:
            raise ValueError(f"status must be 429 or 5xx, not {status}")
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], not {rate}")
        if times is not None and times < 1:
            raise ValueError(f"times must be positive or None, not {times}")
        rule = FaultRule(
            method=method,
            path=path,
            times=times,
            status=status,
            retry_after=retry_after,
            latency=latency,
            delay=delay,
            drop=drop,
            rate=rate,
            statuses=tuple(statuses),
            seed=seed,
            _random=random.Random(seed),
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def add_spec(self, spec: str) -> FaultRule:
        """Add a rule from ``key=value,...`` text (the CLI's ``--fault``).

        Keys are ``add``'s parameters; ``statuses`` separates codes with ``|``. Example:
        ``status=503,times=2,method=POST,path=/connections``.
        """
        kwargs: dict[str, object] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, value = part.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or not value:
                raise ValueError(f"fault option {part!r} is not key=value")
            if key in ("status", "times", "seed"):
                kwargs[key] = int(value)
            elif key in ("retry_after", "latency", "delay", "rate"):
                kwargs[key] = float(value)
            elif key in ("method", "path", "drop"):
                kwargs[key] = value.strip()
            elif key == "statuses":
                kwargs[key] = tuple(int(s) for s in value.split("|"))
            else:
                raise ValueError(f"unknown fault option {key!r}")
        return self.add(**kwargs)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule]:
        """A snapshot of the rules."""
        with self._lock:
            return list(self._rules)

    def decide(self, method: str, path: str) -> Decision:
        """Consume the rules that fire for this request and say what to do."""
        latency = delay = 0.0
        outcome: FaultRule | None = None
        status: int | None = None
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(method, path):
                    continue
                if rule.decisive:
                    if outcome is not None:
                        continue
                    if rule.rate is not None:
                        if rule._random.random() >= rule.rate:
                            continue
                        status = rule._random.choice(rule.statuses)
                    else:
                        status = rule.status
                    outcome = rule
                rule.fired += 1
                latency += rule.latency
                delay += rule.delay
        if outcome is None:
            return Decision(latency=latency, delay=delay)
        return Decision(
            latency=latency,
            delay=delay,
            status=status,
            retry_after=outcome.retry_after,
            drop=outcome.drop,
        )
