"""``python -m bench.fleet``: one Adobe org's fleet against the emulator, K stacks at a time.

S sandboxes of one org (default 20), P whole pipelines in each (default 10: base connection,
source, target, mapping set, dataflow = 50 resources a stack), each sandbox one stack. Three
phases, as the fleet workflow runs them (``examples/fleet/``): ``up`` (the first deployment),
``preview`` (a pull request) and ``refresh`` (the read half of the drift check). In each phase
the stacks run at most K at once, each as a fresh provider host process with the stack's state
(as every ``pulumi`` command starts its plugins anew).

Adobe publishes no Flow Service rate limit, so the emulator is given an assumed one: a
per-org sliding window of R requests a second (``--rate-limit``, default 20) over the gateway
paths (IMS is not limited), answered as the gateway answers: 429, error ``429050``,
``Retry-After: 1``. The provider retries those. Printed per phase: requests (429s included),
429s, wall time, and whether every stack converged. Figures, not pass/fail: nothing here is
asserted on time.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from bench.common import ROOT, SECRET_KEYS, count_kinds, ignore_caller_settings
from bench.pipeline import pipeline
from provider import testing
from provider.emulator import Emulator
from provider.emulator.faults import Decision, Faults
from provider.testing import Engine, HostError, ProviderHost
from provider.testing.engine import Entry

IMS_PREFIX = "/ims"
PHASES = ("up", "preview", "refresh")


class OrgRateLimit(Faults):
    """The emulator's faults plus one org's rate limit: at most ``per_second`` gateway requests
    in any second (sliding window on ``clock``); the rest answered 429 with ``Retry-After``.

    A request another fault rule already fails or drops does not count against the window.
    """

    def __init__(self, per_second: int, *, retry_after: float = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        if per_second < 1:
            raise ValueError(f"per_second must be at least 1, not {per_second}")
        self.per_second = per_second
        self.retry_after = retry_after
        self.throttled = 0
        self._clock = clock
        self._window: collections.deque[float] = collections.deque()
        self._window_lock = threading.Lock()

    def decide(self, method: str, path: str) -> Decision:
        """The rules' decision, or 429 when this second's budget is spent."""
        decision = super().decide(method, path)
        if decision.status is not None or decision.drop or path.startswith(IMS_PREFIX):
            return decision
        with self._window_lock:
            now = self._clock()
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.per_second:
                self.throttled += 1
                return Decision(latency=decision.latency, delay=decision.delay, status=429,
                                retry_after=self.retry_after)
            self._window.append(now)
        return decision


def sandbox_names(count: int) -> list[str]:
    """``sbx-00``, ``sbx-01``, ... (valid sandbox names)."""
    return [f"sbx-{i:02d}" for i in range(count)]


def declared(pipelines: int) -> dict[str, dict[str, Any]]:
    """One stack's resources: ``pipelines`` whole pipelines."""
    found: dict[str, dict[str, Any]] = {}
    for index in range(pipelines):
        found.update(pipeline(index))
    return found


@contextmanager
def fleet_emulator(sandboxes: Sequence[str], rate_limit: int | None) -> Iterator[Emulator]:
    """An emulator knowing ``sandboxes``, rate-limited per org when ``rate_limit`` is set."""
    emu = Emulator(port=0, sandboxes=sandboxes)
    if rate_limit is not None:
        emu.faults = OrgRateLimit(rate_limit)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def run_stack(emu: Emulator, sandbox: str, phase: str, state: dict[str, Entry],
              resources: Mapping[str, Mapping[str, Any]], extra: Mapping[str, str]) -> str | None:
    """One ``pulumi <phase>`` of one stack in a fresh host; updates ``state`` (with what was
    done, also on a failure). None when the stack converged (up: every resource created;
    preview: no change; refresh: nothing changed or gone), else the first line of what failed
    (a provider error: the message the engine would print)."""
    with ProviderHost(ROOT) as host:
        host.configure(testing.stack_config(emu, sandbox=sandbox, **extra),
                       secret_keys=SECRET_KEYS)
        engine = Engine(host)
        engine.state.update(state)
        try:
            if phase == "up":
                plan = engine.up(resources)
                ok = not plan.failures and set(plan.steps.values()) <= {"create", "same"}
            elif phase == "preview":
                plan = engine.preview(resources)
                ok = not plan.failures and set(plan.steps.values()) == {"same"}
            else:
                ok = set(engine.refresh().values()) == {"same"}
            failure = None if ok else f"{phase} of {sandbox} did not converge"
        except HostError as error:
            lines = [line for line in error.details.splitlines() if "Error: " in line]
            failure = (lines[-1] if lines else error.details.splitlines()[-1]).strip()
        state.clear()
        state.update(engine.state)
    return failure


def run_phase(emu: Emulator, phase: str, states: dict[str, dict[str, Entry]],
              resources: Mapping[str, Mapping[str, Any]], cap: int,
              extra: Mapping[str, str]) -> dict[str, Any]:
    """Every stack through ``phase``, at most ``cap`` at once; the phase's figures."""
    emu.clear_requests()
    throttled_before = getattr(emu.faults, "throttled", 0)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=cap) as pool:
        failures = list(pool.map(
            lambda sandbox: run_stack(emu, sandbox, phase, states[sandbox], resources, extra),
            list(states)))
    seconds = time.perf_counter() - started
    sent = emu.requests
    failed = [f for f in failures if f is not None]
    return {
        "stacks": len(states),
        "converged": len(failures) - len(failed),
        "first_failure": failed[0] if failed else None,
        "requests": len(sent),
        "requests_by_kind": count_kinds(sent),
        "throttled_429": sum(1 for r in sent if r.status == 429),
        "throttled_by_limiter": getattr(emu.faults, "throttled", 0) - throttled_before,
        "seconds": round(seconds, 2),
    }


def measure(sandboxes: int = 20, pipelines: int = 10, cap: int = 4,
            rate_limit: int | None = 20, retry_attempts: int | None = None) -> dict[str, Any]:
    """The fleet's three phases; every figure as a JSON-ready dict. ``retry_attempts`` sets
    each stack's ``aep:retryAttempts`` (the provider's default when None)."""
    extra = {} if retry_attempts is None else {"aep:retryAttempts": str(retry_attempts)}
    names = sandbox_names(sandboxes)
    resources = declared(pipelines)
    states: dict[str, dict[str, Entry]] = {name: {} for name in names}
    phases: dict[str, Any] = {}
    with fleet_emulator(names, rate_limit) as emu:
        for phase in PHASES:
            print(f"bench.fleet: {phase} of {sandboxes} stacks ...", file=sys.stderr, flush=True)
            phases[phase] = run_phase(emu, phase, states, resources, cap, extra)
    return {"sandboxes": sandboxes, "pipelines_per_sandbox": pipelines,
            "resources_per_sandbox": len(resources), "max_parallel": cap,
            "rate_limit_per_second": rate_limit, "retry_attempts": retry_attempts,
            "phases": phases}


def table(results: Mapping[str, Any]) -> str:
    """The figures as aligned text."""
    limit = results["rate_limit_per_second"]
    lines = [
        f"fleet: {results['sandboxes']} sandboxes of one org x {results['pipelines_per_sandbox']}"
        f" pipelines ({results['resources_per_sandbox']} resources a stack), at most "
        f"{results['max_parallel']} stacks at once, "
        + (f"rate limit {limit} requests/s per org (assumed)" if limit else "no rate limit")
        + f", aep:retryAttempts {results['retry_attempts'] or 'default'}",
        f"{'phase':<9}{'converged':>11}{'requests':>10}{'429s':>7}{'seconds':>9}",
    ]
    for phase, fig in results["phases"].items():
        lines.append(f"{phase:<9}{fig['converged']:>6}/{fig['stacks']:<4}{fig['requests']:>10}"
                     f"{fig['throttled_429']:>7}{fig['seconds']:>9.1f}")
    lines += [f"{phase}: first failure: {fig['first_failure']}"
              for phase, fig in results["phases"].items() if fig["first_failure"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the table (and the JSON with ``--json``); exit 0 (figures, not pass/fail)."""
    parser = argparse.ArgumentParser(prog="python -m bench.fleet",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sandboxes", type=int, default=20, help="stacks of one org (20)")
    parser.add_argument("--pipelines", type=int, default=10, help="pipelines a stack (10)")
    parser.add_argument("--max-parallel", type=int, default=4, help="stacks at once, K (4)")
    parser.add_argument("--rate-limit", type=int, default=20,
                        help="assumed gateway requests/s per org (20; 0: none)")
    parser.add_argument("--retry-attempts", type=int,
                        help="each stack's aep:retryAttempts (default: the provider's)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    ignored = ignore_caller_settings(os.environ)
    if ignored:
        print(f"bench: ignoring {', '.join(ignored)} (the benchmarks use their own emulator)",
              file=sys.stderr)
    results = measure(args.sandboxes, args.pipelines, args.max_parallel,
                      args.rate_limit or None, args.retry_attempts)
    print(table(results))
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
