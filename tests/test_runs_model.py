"""provider.runs_model: run answers and lastRunDetails read as Adobe documents them, and judged."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from provider import runs_model
from provider.runs_model import RunAnswerError, RunSummary, health, last_run, parse_run

# Adobe's example run, "Monitor sources dataflows using the Flow Service API" (monitor.md),
# https://experienceleague.adobe.com/docs/experience-platform/sources/api-tutorials/monitor.html
# ({CREATED_BY}-style placeholders replaced by sample values): a success with one failed record.
ADOBE_RUN: dict[str, Any] = {
    "createdAt": 1596656079576, "updatedAt": 1596656113526,
    "createdBy": "acme@techacct.adobe.com", "updatedBy": "acme@techacct.adobe.com",
    "createdClient": "acme-client", "updatedClient": "acme-client",
    "sandboxId": "1bd86660-c5da-11e9-93d4-6d5fc3a66a8e", "sandboxName": "prod",
    "id": "9830305a-985f-47d0-b030-5a985fd7d004",
    "flowId": "c9cef9cb-c934-4467-8ef9-cbc934546741",
    "etag": "\"b8003af1-0000-0200-0000-5f2b09f10000\"",
    "metrics": {
        "durationSummary": {"startedAtUTC": 1596656058198, "completedAtUTC": 1596656113306},
        "sizeSummary": {"inputBytes": 24012, "outputBytes": 17128},
        "recordSummary": {"inputRecordCount": 100, "outputRecordCount": 99,
                          "failedRecordCount": 1},
        "fileSummary": {"inputFileCount": 1, "outputFileCount": 1,
                        "activityRefs": ["promotionActivity"]},
        "statusSummary": {"status": "success",
                          "errors": [{"code": "CONNECTOR-2001-500",
                                      "message": "Error occurred at promotion activity."}],
                          "activityRefs": ["promotionActivity"]},
    },
}
# Adobe's FlowItemDTO.lastRunDetails example (flow-service OpenAPI, components.schemas).
ADOBE_LAST_RUN = {"id": "98fbed6e-f896-4b19-b279-b0d56d732d8d", "state": "success",
                  "startedAtUTC": 1670284458833, "completedAtUTC": 1670284518048}


def _run(**changes: Any) -> dict[str, Any]:
    run = copy.deepcopy(ADOBE_RUN)
    for path, value in changes.items():
        node = run
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return run


def test_adobe_example_run_reads_whole() -> None:
    """Adobe's example run gives its id, times, counts and first error."""
    run = parse_run(ADOBE_RUN)
    assert (run.id, run.flow_id, run.status) == (ADOBE_RUN["id"], ADOBE_RUN["flowId"], "success")
    assert (run.input_records, run.output_records, run.failed_records) == (100, 99, 1)
    assert run.duration_seconds == pytest.approx(55.108)
    assert run.errors[0].code == "CONNECTOR-2001-500"


def test_get_by_id_answer_wrapped_in_items_reads_too() -> None:
    """GET /runs/{id} answers {"items": [run]}: read as the one run."""
    assert parse_run({"items": [ADOBE_RUN]}).id == ADOBE_RUN["id"]


@pytest.mark.parametrize(("run", "verdict"), [
    (None, "none"),
    (_run(), "degraded"),  # Adobe's own example: success with one failed record
    (_run(metrics__recordSummary__failedRecordCount=0), "ok"),
    (_run(metrics__recordSummary={}), "ok"),
    (_run(metrics__statusSummary__status="failed"), "failed"),
    (_run(metrics__statusSummary__status="inProgress"), "none"),
    (_run(metrics__statusSummary={}), "none"),
])
def test_health_verdicts(run: dict[str, Any] | None, verdict: str) -> None:
    """ok, degraded (success with failed records), failed, none (no finished run)."""
    assert health(None if run is None else parse_run(run)) == verdict
    assert verdict in runs_model.HEALTH


def test_last_run_from_flow_item() -> None:
    """lastRunDetails becomes {id, state, started_at, completed_at} with ISO-8601 UTC times."""
    assert last_run({"lastRunDetails": ADOBE_LAST_RUN}) == {
        "id": "98fbed6e-f896-4b19-b279-b0d56d732d8d", "state": "success",
        "started_at": "2022-12-05T23:54:18.833Z", "completed_at": "2022-12-05T23:55:18.048Z"}


@pytest.mark.parametrize("item", [{}, {"lastRunDetails": None}, {"lastRunDetails": {}}])
def test_flow_that_never_ran_has_no_last_run(item: dict[str, Any]) -> None:
    """No lastRunDetails (or an empty one) is no last run, not an error."""
    assert last_run(item) is None


@pytest.mark.parametrize("payload", [
    [], "run", {"metrics": {}}, _run(id=7), _run(metrics="x"),
    _run(metrics__durationSummary__startedAtUTC="yesterday"),
    _run(metrics__durationSummary__startedAtUTC=10**20),
    _run(metrics__recordSummary__failedRecordCount=-1),
    _run(metrics__recordSummary__inputRecordCount=True),
    _run(metrics__statusSummary__errors="boom"),
    {"items": [ADOBE_RUN, ADOBE_RUN]},
])
def test_garbage_run_is_refused(payload: object) -> None:
    """A run of the wrong shape raises RunAnswerError, never a crash or a guess."""
    with pytest.raises(RunAnswerError):
        parse_run(payload)


@pytest.mark.parametrize("details", ["x", {"id": 5}, {"id": "r", "startedAtUTC": "soon"}])
def test_garbage_last_run_is_refused(details: object) -> None:
    """A lastRunDetails of the wrong shape raises RunAnswerError."""
    with pytest.raises(RunAnswerError):
        last_run({"lastRunDetails": details})


def test_server_text_is_cleaned_and_bounded() -> None:
    """An error message with terminal escapes or megabytes of text is cleaned and cut."""
    run = parse_run(_run(metrics__statusSummary__errors=[
        {"code": "X\x1b[31m", "message": "boom\x07" + "a" * 10_000}] * 10))
    assert len(run.errors) == runs_model.MAX_ERRORS
    assert "\x1b" not in run.errors[0].code
    assert "\x07" not in run.errors[0].message
    assert len(run.errors[0].message) <= runs_model.ERROR_TEXT


def test_runs_listing_and_rendering() -> None:
    """A runs answer lists every run; the table and JSON show counts, status and first error."""
    runs = runs_model.parse_runs({"items": [ADOBE_RUN], "_links": {}})
    text = runs_model.render_runs(runs)
    assert text.splitlines()[0].split()[:3] == ["STARTED", "DURATION", "STATUS"]
    assert "CONNECTOR-2001-500" in text
    assert "2020-08-05T19:34:18.198Z" in text
    document = json.loads(runs_model.runs_json(runs))["runs"][0]
    assert (document["health"], document["failedRecords"]) == ("degraded", 1)
    assert runs_model.render_runs([]) == "No runs."


def test_run_metrics_output() -> None:
    """run_metrics holds the last run's counts, duration and first errors (None without one)."""
    metrics = runs_model.run_metrics(parse_run(ADOBE_RUN))
    assert metrics is not None
    assert (metrics["failed_records"], metrics["status"]) == (1, "success")
    assert metrics["errors"] == [{"code": "CONNECTOR-2001-500",
                                  "message": "Error occurred at promotion activity."}]
    assert runs_model.run_metrics(None) is None


def test_duration_needs_both_times() -> None:
    """A run still going has no duration."""
    assert RunSummary("r", None, "inProgress", 1, None, None, None, None).duration_seconds is None
