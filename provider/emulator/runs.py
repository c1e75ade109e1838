"""Dataflow runs: one per schedule tick on the injected clock, with outcomes tests steer.

Adobe runs a dataflow at ``scheduleParams.startTime`` and then every ``interval``
``frequency`` (``once``: one run). The emulator has no workers: runs are materialised lazily,
whenever a flow or ``/runs`` is read (and before an enable/disable), for every tick of the
pipeline clock (``PipelineOptions.clock``, epoch seconds) whose run has completed by now
(tick + the outcome's ``duration``) while the flow was enabled. Ticks that pass while a flow is
disabled make no run (the emulator's choice: Adobe documents no catch-up). At most
``MAX_CATCH_UP`` runs are made per flow and read, so a clock jumped years ahead stays cheap.

Each run takes the next outcome queued for its flow (``RunService.steer``), else ``default``
(a success of 100 records). ``RunOutcome.success()``, ``.partial(failed=N)`` (success with failed
records, the ``CONNECTOR-2001-500`` error Adobe's monitor example shows) and ``.failed(code,
message)`` cover the cases Adobe's monitoring tutorial shows.

Served:

``GET /runs?property=flowId=={id}``
    ``{"items": [run], "_links": {...}}`` with the connections' listing rules (filters, order
    ``-updatedAt``, paging). A run has Adobe's shape (``help/sources/tutorials/api/monitor.md``):
    ``{id, flowId, etag, providerRefId, createdAt, updatedAt, createdBy, updatedBy,
    createdClient, updatedClient, sandboxId, sandboxName, metrics: {durationSummary:
    {startedAtUTC, completedAtUTC}, sizeSummary: {inputBytes, outputBytes}, recordSummary:
    {inputRecordCount, outputRecordCount, failedRecordCount}, fileSummary: {inputFileCount,
    outputFileCount}, statusSummary: {status, errors: [{code, message}]}}, activities: []}``
    (activities are not modelled).
``GET /runs/{id}``
    ``{"items": [run]}``; 404 1101-404.

A flow's ``lastRunDetails`` is ``{id, state, startedAtUTC, completedAtUTC}`` of its latest run
(``state`` is the run's status). Runs live in memory (a state file does not keep them).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from provider.emulator import listing
from provider.emulator.connections import Caller, new_etag
from provider.emulator.entity import Clock
from provider.emulator.problems import FlowError
from provider.emulator.store import ConnectionStore, Scope

PERIODS = {"minute": 60, "hour": 3600, "day": 86400, "week": 604800}
MAX_CATCH_UP = 1000


@dataclass(frozen=True)
class RunOutcome:
    """How one run ends: ``status`` (``success``/``failed``), records, errors, duration (s)."""

    status: str = "success"
    input_records: int = 100
    failed_records: int = 0
    errors: tuple[tuple[str, str], ...] = ()
    duration: float = 60.0

    @classmethod
    def success(cls, records: int = 100) -> RunOutcome:
        """Every record ingested."""
        return cls("success", records)

    @classmethod
    def partial(cls, records: int = 100, failed: int = 1) -> RunOutcome:
        """A success with ``failed`` records rejected (Adobe's monitor example)."""
        return cls("success", records, failed,
                   (("CONNECTOR-2001-500", "Error occurred at promotion activity."),))

    @classmethod
    def failed(
        cls, code: str = "CONNECTOR-1001-500", message: str = "The source could not be read."
    ) -> RunOutcome:
        """A failed run with one error and nothing ingested."""
        return cls("failed", 0, 0, ((code, message),))


class RunService:
    """Runs of the flows in ``flows`` (see the module docstring)."""

    def __init__(self, flows: ConnectionStore, *, clock: Clock) -> None:
        self.flows = flows
        self.clock = clock
        self.default = RunOutcome.success()
        self._lock = threading.RLock()
        self._queued: dict[str, list[RunOutcome]] = {}
        self._next_tick: dict[str, float] = {}
        self._runs: dict[Scope, list[dict[str, Any]]] = {}

    def steer(self, flow_id: str, *outcomes: RunOutcome) -> None:
        """Queue outcomes for a flow's next runs, in order (then ``default``)."""
        with self._lock:
            self._queued.setdefault(flow_id, []).extend(outcomes)

    def of(self, scope: Scope, flow_id: str) -> list[dict[str, Any]]:
        """A flow's runs so far, oldest first (for assertions)."""
        with self._lock:
            flow = self.flows.get(scope, flow_id)
            if flow is not None:
                self.catch_up(flow)
            return [r for r in self._runs.get(scope, []) if r["flowId"] == flow_id]

    def catch_up(self, flow: dict[str, Any]) -> None:
        """Make the runs of every tick of ``flow`` that has passed (see the module doc)."""
        schedule = flow.get("scheduleParams") or {}
        try:
            start = float(str(schedule.get("startTime")))
            interval = int(schedule.get("interval") or 1)
        except (TypeError, ValueError):
            return
        period = PERIODS.get(str(schedule.get("frequency")))
        with self._lock:
            tick = self._next_tick.get(flow["id"], start)
            for _ in range(MAX_CATCH_UP):
                outcome = self._peek(flow["id"])
                if tick == float("inf") or tick + outcome.duration > self.clock():
                    break
                if flow.get("state") == "enabled":
                    self._record(flow, tick, self._take(flow["id"]))
                tick = tick + interval * period if period else float("inf")
            self._next_tick[flow["id"]] = tick

    def last_run(self, flow: dict[str, Any]) -> dict[str, Any] | None:
        """``lastRunDetails`` of a stored flow, or None before its first run."""
        with self._lock:
            self.catch_up(flow)
            scope = (flow["imsOrgId"], flow["sandboxName"])
            runs = [r for r in self._runs.get(scope, []) if r["flowId"] == flow["id"]]
        if not runs:
            return None
        last, duration = runs[-1], runs[-1]["metrics"]["durationSummary"]
        return {"id": last["id"], "state": last["metrics"]["statusSummary"]["status"],
                "startedAtUTC": duration["startedAtUTC"],
                "completedAtUTC": duration["completedAtUTC"]}

    def list(self, caller: Caller, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """A page of the scope's runs, with the connections' listing rules."""
        query = listing.parse_query(params)
        with self._lock:
            for flow in self.flows.all(caller.scope):
                self.catch_up(flow)
            items = list(self._runs.get(caller.scope, []))
        return listing.run(items, query, "/runs")

    def get(self, caller: Caller, id_: str) -> dict[str, Any]:
        """``{"items": [run]}``, else 404 1101-404."""
        with self._lock:
            for flow in self.flows.all(caller.scope):
                self.catch_up(flow)
            found = [r for r in self._runs.get(caller.scope, []) if r["id"] == id_]
        if not found:
            raise FlowError(
                "1101-404", f"runs not found with id = [{id_}]. Resource with given id does "
                "not exist.")
        return {"items": found}

    def _peek(self, flow_id: str) -> RunOutcome:
        queued = self._queued.get(flow_id)
        return queued[0] if queued else self.default

    def _take(self, flow_id: str) -> RunOutcome:
        queued = self._queued.get(flow_id)
        return queued.pop(0) if queued else self.default

    def _record(self, flow: dict[str, Any], tick: float, outcome: RunOutcome) -> None:
        started = int(tick * 1000)
        completed = started + int(outcome.duration * 1000)
        output = max(outcome.input_records - outcome.failed_records, 0)
        run = {
            "id": str(uuid.uuid4()),
            "flowId": flow["id"],
            "createdAt": started,
            "updatedAt": completed,
            **{key: flow.get(key, "") for key in ("createdBy", "updatedBy", "createdClient",
                                                  "updatedClient", "sandboxId", "sandboxName")},
            "providerRefId": str(uuid.uuid4()),
            "etag": new_etag(),
            "metrics": {
                "durationSummary": {"startedAtUTC": started, "completedAtUTC": completed},
                "sizeSummary": {"inputBytes": outcome.input_records * 240,
                                "outputBytes": output * 171},
                "recordSummary": {"inputRecordCount": outcome.input_records,
                                  "outputRecordCount": output,
                                  "failedRecordCount": outcome.failed_records},
                "fileSummary": {"inputFileCount": 1, "outputFileCount": 1 if output else 0},
                "statusSummary": {"status": outcome.status,
                                  "errors": [{"code": c, "message": m}
                                             for c, m in outcome.errors]},
            },
            "activities": [],
        }
        scope = (flow["imsOrgId"], flow["sandboxName"])
        self._runs.setdefault(scope, []).append(run)
