"""The dataflow's run outputs read by a refresh (``DataflowApi.read_more``) on a client stub: how
many requests, and what a missing or malformed run gives."""

from __future__ import annotations

from typing import Any

import pytest

from provider.errors import NotFoundError, UnexpectedAnswerError
from provider.resources.dataflow import DATAFLOW_API

RUN_ID = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"
LAST_RUN = {"id": RUN_ID, "state": "success", "started_at": None, "completed_at": None}


class Client:
    """Answers ``request_json`` with ``answer`` (raised when an exception); records paths."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.paths: list[str] = []

    def request_json(self, method: str, base: str, path: str, sandbox: str,
                     **_: Any) -> Any:
        self.paths.append(path)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def read_more(client: Client, **outs: Any) -> dict[str, Any]:
    """``read_more`` over ``client`` in sandbox ``dev``."""
    return DATAFLOW_API.read_more(client, "dev", outs)  # type: ignore[arg-type]


def test_without_run_metrics_nothing_is_read() -> None:
    """No run_metrics: no request, no run output."""
    client = Client({})
    assert read_more(client, last_run=LAST_RUN) == {}
    assert client.paths == []


def test_before_the_first_run_health_is_none_with_no_request() -> None:
    """run_metrics on a flow that has not run: health none, no request."""
    client = Client({})
    assert read_more(client, run_metrics=True, last_run=None) == {
        "last_run_metrics": None, "health": "none"}
    assert client.paths == []


def test_a_run_flow_service_no_longer_has_is_none() -> None:
    """A 404 for the last run (the service's proof) judges as none, not an error."""
    client = Client(NotFoundError("GET", f"/runs/{RUN_ID}", 404, "gone"))
    assert read_more(client, run_metrics=True, last_run=LAST_RUN)["health"] == "none"
    assert client.paths == [f"/runs/{RUN_ID}"]


@pytest.mark.parametrize("answer", [{"items": []}, {"id": RUN_ID, "metrics": []},
                                    {"id": RUN_ID, "metrics": {"recordSummary": {
                                        "failedRecordCount": -1}}}])
def test_a_malformed_run_is_an_unexpected_answer(answer: Any) -> None:
    """A run not in Adobe's shape fails the refresh with UnexpectedAnswerError naming the run,
    never a traceback or a made-up health."""
    with pytest.raises(UnexpectedAnswerError, match=RUN_ID):
        read_more(Client(answer), run_metrics=True, last_run=LAST_RUN)
