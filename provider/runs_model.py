"""Dataflow runs <-> Python objects and text: the pure half of run health and ``provider.runs``.

Flow Service describes a dataflow's runs in two places, both read here and nowhere else:

- the flow item's ``lastRunDetails {id, state, startedAtUTC, completedAtUTC}`` (epoch ms; Adobe's
  spec: ``state`` is ``success`` or ``failed``), which a refresh already reads:
  :func:`last_run` turns it into the ``last_run`` output;
- a run item (``GET /runs/{id}``, ``GET /runs?property=flowId=={id}``, Adobe's monitor.md example):
  ``{id, flowId, metrics: {durationSummary {startedAtUTC, completedAtUTC}, sizeSummary,
  recordSummary {inputRecordCount, outputRecordCount, failedRecordCount}, statusSummary {status,
  errors [{code, message}]}}}``: :func:`parse_run` gives a :class:`RunSummary`, :func:`health`
  its verdict and :func:`run_metrics` the ``run_metrics`` output.

A run can be ``success`` with failed records (Adobe's own example: 100 in, 99 out, 1 failed,
status ``success``): :func:`health` calls it ``degraded``. Every answer may be garbage: a wrong
shape raises :class:`RunAnswerError`; server text is cleaned (no terminal escapes, bounded) before
it becomes an output or a table cell.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from provider.redaction import server_text
from provider.textgrid import grid

MAX_RUNS = 1_000
MAX_ERRORS = 3
ERROR_TEXT = 200
HEALTH = ("ok", "degraded", "failed", "none")
# The largest epoch milliseconds taken as a time (year 9999); anything else is not a time.
_MAX_MS = 253_402_300_799_999


class RunAnswerError(ValueError):
    """A run or ``lastRunDetails`` answer does not have the documented shape."""


@dataclass(frozen=True)
class RunError:
    """One of a run's errors (code and message as the service wrote them, cleaned)."""

    code: str
    message: str


@dataclass(frozen=True)
class RunSummary:
    """One run of a dataflow: when, how it ended, how many records, the first errors."""

    id: str
    flow_id: str | None
    status: str | None
    started_ms: int | None
    completed_ms: int | None
    input_records: int | None
    output_records: int | None
    failed_records: int | None
    errors: tuple[RunError, ...] = ()

    @property
    def duration_seconds(self) -> float | None:
        """Completed minus started, in seconds; None while either is missing."""
        if self.started_ms is None or self.completed_ms is None:
            return None
        return max(0, self.completed_ms - self.started_ms) / 1000


def iso(epoch_ms: int | None) -> str | None:
    """Epoch milliseconds as ISO-8601 UTC with milliseconds (``2026-12-06T09:30:00.000Z``)."""
    if epoch_ms is None:
        return None
    moment = datetime.datetime.fromtimestamp(epoch_ms / 1000, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def last_run(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``last_run`` output from a flow item: ``{id, state, started_at, completed_at}``, or
    None when the flow has not run (no ``lastRunDetails``, or an empty one)."""
    details = item.get("lastRunDetails")
    if details is None or details == {}:
        return None
    if not isinstance(details, Mapping):
        raise RunAnswerError("the flow's lastRunDetails is not an object")
    id_ = _text(details, "id", "lastRunDetails")
    if id_ is None:
        return None
    return {
        "id": id_,
        "state": _text(details, "state", "lastRunDetails"),
        "started_at": iso(_ms(details, "startedAtUTC", "lastRunDetails")),
        "completed_at": iso(_ms(details, "completedAtUTC", "lastRunDetails")),
    }


def last_run_id(item: Mapping[str, Any]) -> str | None:
    """The id of the flow's last run, if it has run."""
    run = last_run(item)
    return None if run is None else run["id"]


def parse_run(payload: object) -> RunSummary:
    """A run item (or a ``{"items": [run]}`` answer of ``GET /runs/{id}``) as a summary."""
    if isinstance(payload, Mapping) and "items" in payload and "id" not in payload:
        items = payload["items"]
        if not isinstance(items, list) or len(items) != 1:
            raise RunAnswerError("the run answer's items is not a list of one run")
        payload = items[0]
    if not isinstance(payload, Mapping):
        raise RunAnswerError("a run is not an object")
    id_ = _text(payload, "id", "run")
    if id_ is None:
        raise RunAnswerError("a run has no id")
    metrics = _object(payload, "metrics", "run")
    duration = _object(metrics, "durationSummary", "run metrics")
    records = _object(metrics, "recordSummary", "run metrics")
    status = _object(metrics, "statusSummary", "run metrics")
    raw_errors = status.get("errors", [])
    if not isinstance(raw_errors, list):
        raise RunAnswerError("a run's statusSummary.errors is not a list")
    errors = tuple(
        RunError(code=server_text(str(e.get("code") or ""), 60),
                 message=server_text(str(e.get("message") or ""), ERROR_TEXT))
        for e in raw_errors[:MAX_ERRORS] if isinstance(e, Mapping))
    return RunSummary(
        id=id_,
        flow_id=_text(payload, "flowId", "run"),
        status=_text(status, "status", "run statusSummary"),
        started_ms=_ms(duration, "startedAtUTC", "run durationSummary"),
        completed_ms=_ms(duration, "completedAtUTC", "run durationSummary"),
        input_records=_count(records, "inputRecordCount"),
        output_records=_count(records, "outputRecordCount"),
        failed_records=_count(records, "failedRecordCount"),
        errors=errors,
    )


def parse_runs(payload: object) -> list[RunSummary]:
    """The runs of a ``GET /runs`` answer, in the order given."""
    items = payload.get("items") if isinstance(payload, Mapping) else None
    if not isinstance(items, list):
        raise RunAnswerError("the runs answer has no items list")
    if len(items) > MAX_RUNS:
        raise RunAnswerError(f"the runs answer lists {len(items)} runs, more than {MAX_RUNS}")
    return [parse_run(item) for item in items]


def health(run: RunSummary | None) -> str:
    """``ok``: the run succeeded with no failed record; ``degraded``: it succeeded but some
    records failed; ``failed``: it failed; ``none``: no finished run to judge (none yet, or the
    last one still running or in a state Adobe does not document)."""
    if run is None:
        return "none"
    status = (run.status or "").lower()
    if status in ("failed", "failure", "error"):
        return "failed"
    if status == "success":
        return "degraded" if (run.failed_records or 0) > 0 else "ok"
    return "none"


def run_metrics(run: RunSummary | None) -> dict[str, Any] | None:
    """The ``run_metrics`` output: the last run's counts, duration and first errors."""
    if run is None:
        return None
    return {
        "run_id": run.id,
        "status": run.status,
        "input_records": run.input_records,
        "output_records": run.output_records,
        "failed_records": run.failed_records,
        "duration_seconds": run.duration_seconds,
        "errors": [{"code": e.code, "message": e.message} for e in run.errors],
    }


# --- output ---------------------------------------------------------------------------------------


def run_record(run: RunSummary) -> dict[str, Any]:
    """One run as plain values named as in state (the plugin's ``getDataflowRuns`` item)."""
    return {"id": run.id, "flow_id": run.flow_id, "status": run.status, "health": health(run),
            "started_at": iso(run.started_ms), "completed_at": iso(run.completed_ms),
            "duration_seconds": run.duration_seconds, "input_records": run.input_records,
            "output_records": run.output_records, "failed_records": run.failed_records,
            "errors": [{"code": e.code, "message": e.message} for e in run.errors]}


def runs_json(runs: Sequence[RunSummary]) -> str:
    """The ``--json`` document of ``python -m provider.runs`` (the plugin's names)."""
    return json.dumps({"runs": [{_camel(k): v for k, v in run_record(r).items()}
                                for r in runs]}, indent=2)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def render_runs(runs: Sequence[RunSummary]) -> str:
    """An aligned table: start, duration, status, records in/out/failed, first error."""
    if not runs:
        return "No runs."
    rows = [(
        iso(r.started_ms) or "-",
        "-" if r.duration_seconds is None else f"{r.duration_seconds:g}s",
        r.status or "-",
        _number(r.input_records), _number(r.output_records), _number(r.failed_records),
        f"{r.errors[0].code} {r.errors[0].message}".strip() if r.errors else "",
    ) for r in runs]
    return grid(("STARTED", "DURATION", "STATUS", "IN", "OUT", "FAILED", "FIRST ERROR"), rows)


# --- readers --------------------------------------------------------------------------------------


def _object(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = parent.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RunAnswerError(f"the {where}'s {key} is not an object")
    return value


def _text(parent: Mapping[str, Any], key: str, where: str) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RunAnswerError(f"the {where}'s {key} is not a string")
    return server_text(value, 128)


def _ms(parent: Mapping[str, Any], key: str, where: str) -> int | None:
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_MS:
        raise RunAnswerError(f"the {where}'s {key} is not a time in epoch milliseconds")
    return value


def _count(records: Mapping[str, Any], key: str) -> int | None:
    value = records.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RunAnswerError(f"the run's recordSummary.{key} is not a count")
    return value


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)
