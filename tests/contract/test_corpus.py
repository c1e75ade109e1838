"""Adobe's documented exchanges (``corpus/``) against the project's document and the emulator.

The project's OpenAPI document must accept every documented answer and request; the emulator,
with every Adobe switch on (``AdobeShapes.strict()``), must answer each documented request with
an answer that holds the documented one's fields, codes and titles (``corpus.shape_problems``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from corpus import at, bound_body, cases, fill, shape_problems
from openapi_contract import documented_problems
from pipeline_http import FLOW, MAPPING_SETS, Platform

from provider.emulator import AdobeShapes, Emulator, PipelineOptions, RunOutcome
from provider.emulator.specs import DATABRICKS_SPEC_ID
from tests.clocks import FakeClock as Clock

CASES = cases()
MISSING_ID = "2a0e4c1d-0000-4000-8000-000000000000"
NOW = 1_790_000_000.0
TABLE = "sales.orders"
BASE_BODY = {
    "name": "base", "connectionSpec": {"id": DATABRICKS_SPEC_ID, "version": "1.0"},
    "auth": {"specName": "Access Token Authentication", "params": {
        "domain": "https://adb-1.2.azuredatabricks.net", "clusterId": "0123-456789-abc",
        "accessToken": "dapi-corpus", "database": "sales"}}}

class World:
    """A strict emulator with one whole ingestion path made, and the live values it holds."""

    def __init__(self, emu: Emulator, clock: Clock) -> None:
        self.emu, self.clock = emu, clock
        self.platform = Platform(emu)
        base_created = self.platform.ok("POST", f"{FLOW}/connections", json=BASE_BODY)
        base = base_created["id"]
        unused = self.platform.base_connection()
        source = self.platform.ok("POST", f"{FLOW}/sourceConnections", json={
            "name": "s", "baseConnectionId": base, "data": {"format": "tabular"},
            "params": {"tableName": TABLE},
            "connectionSpec": {"id": DATABRICKS_SPEC_ID, "version": "1.0"}})["id"]
        target = self.platform.ok("POST", f"{FLOW}/targetConnections", json={
            "name": "t", "data": {"schema": {
                "id": "https://ns.adobe.com/acme/schemas/0123456789abcdef",
                "version": "application/vnd.adobe.xed-full+json;version=1"}},
            "params": {"dataSetId": "6019e0e7c5dcf718db5ebc71"},
            "connectionSpec": {"id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c",
                               "version": "1.0"}})["id"]
        mapping = self.platform.ok("POST", MAPPING_SETS, json={
            "outputSchema": {"schemaRef": {"id": "https://ns.adobe.com/acme/schemas/0123"}},
            "mappings": [{"sourceType": "ATTRIBUTE", "source": "order_id",
                          "destination": "person.name.firstName"}]})["id"]
        self.start = int(NOW) + 3600
        flow_created = self.platform.ok("POST", f"{FLOW}/flows", json={
            "name": "f", "description": "d",
            "flowSpec": {"id": "14518937-270c-4525-bdec-c2ba7cce3860", "version": "1.0"},
            "sourceConnectionIds": [source], "targetConnectionIds": [target],
            "transformations": [
                {"name": "Copy", "params": {"deltaColumn": {
                    "name": "updated_at", "dateFormat": "YYYY-MM-DD", "timezone": "UTC"}}},
                {"name": "Mapping", "params": {"mappingId": mapping, "mappingVersion": 0}}],
            "scheduleParams": {"startTime": self.start, "frequency": "hour", "interval": 1}})
        flow = flow_created["id"]
        self.live: dict[str, Any] = {
            "BASE_CONNECTION_ID": base, "BASE_ETAG": base_created["etag"],
            "UNUSED_CONNECTION_ID": unused, "SOURCE_CONNECTION_ID": source,
            "TARGET_CONNECTION_ID": target, "MAPPING_SET_ID": mapping, "FLOW_ID": flow,
            "FLOW_ETAG": flow_created["etag"], "MISSING_ID": MISSING_ID,
            "DATABRICKS_SPEC_ID": DATABRICKS_SPEC_ID,
            "TABLE_NAME": TABLE, "START_TIME": str(self.start),
            "CLIENT_ID": emu.client_id, "CLIENT_SECRET": emu.client_secret,
        }

    def send(self, case: dict[str, Any]) -> requests.Response:
        """The case's request, its live values filled in, as Adobe's example sends it."""
        request = case["request"]
        if case.get("steer") == "partial":
            self.emu.runs.steer(self.live["FLOW_ID"], RunOutcome.partial())
        ticks = request.get("after_ticks", 0)
        if ticks:
            self.clock.now = self.start + (ticks - 1) * 3600 + 61
        path = fill(request["path"], self.live)
        query = {k: fill(v, self.live) for k, v in request.get("query", {}).items()}
        url = f"{self.emu.url}{path}" + (f"?{urlencode(query)}" if query else "")
        if "form" in request:
            form = {k: fill(v, self.live) for k, v in request["form"].items()}
            return self.platform.session.post(url, data=form, timeout=5)
        headers = dict(self.platform.headers)
        headers.update({k: fill(v, self.live) for k, v in request.get("headers", {}).items()})
        body = bound_body(case, self.live)
        if body is None:
            return self.platform.session.request(request["method"], url, headers=headers,
                                                 timeout=5)
        headers["Content-Type"] = "application/json"
        return self.platform.session.request(request["method"], url, headers=headers,
                                             json=body, timeout=5)


@pytest.fixture
def world() -> Iterator[World]:
    """A fresh strict emulator with one ingestion path."""
    clock = Clock()
    with Emulator(port=0, pipeline=PipelineOptions(adobe=AdobeShapes.strict(),
                                                    clock=clock)) as emu:
        made = World(emu, clock)
        yield made
        made.platform.close()


def test_the_corpus_covers_every_operation_the_brief_lists() -> None:
    """The corpus holds cases for IMS, connections, sources, targets, flows, runs, Data Prep."""
    names = {name.split(":", 1)[0] for name, _ in CASES}
    assert {"ims_token", "connections_create", "connections_get", "connections_test",
            "source_connections_create", "target_connections_create", "flows_create",
            "flows_get", "flows_update", "flows_action", "flows_delete", "connections_update",
            "connections_delete", "explore", "staging_credentials", "runs_list",
            "mapping_sets_create", "mapping_sets_get"} <= names
    assert all(case.get("source") for _, case in CASES)


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_the_project_document_accepts_the_documented_exchange(
    name: str, case: dict[str, Any]
) -> None:
    """provider/emulator/openapi.yaml accepts Adobe's documented answer (and request body)."""
    request, response = case["request"], case["response"]
    problems = documented_problems(
        request["method"], request["path"], response["status"], response.get("body"),
        request.get("body"),
    )
    assert not problems, f"{name} ({case['source']}):\n" + "\n".join(problems)


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_the_emulator_answers_the_documented_shape(
    name: str, case: dict[str, Any], world: World
) -> None:
    """The strict emulator's answer holds every documented field, code and title."""
    answer = world.send(case)
    expected = case["response"]
    assert answer.status_code == expected["status"], f"{name}: {answer.text}"
    if expected.get("body") is None:
        assert answer.content == b"", f"{name}: a body where the documented answer has none"
        return
    actual = answer.json()
    problems = shape_problems(expected["body"], actual, loose=case.get("loose"),
                              lacks=case.get("emulator_lacks", ()))
    for pointer in case.get("expect_absent", ()):
        parent, _, key = pointer.rpartition("/")
        if key in at(actual, parent):
            problems.append(f"{pointer}: present where the documented answer has none")
    for pointer, value in case.get("expect", {}).items():
        wanted = world.emu.technical_account if value == "TECHNICAL_ACCOUNT" else value
        if at(actual, pointer) != wanted:
            problems.append(f"{pointer}: {at(actual, pointer)!r} where {wanted!r} is expected")
    assert not problems, f"{name} ({case['source']}):\n" + "\n".join(problems)


def test_shape_comparison_can_fail() -> None:
    """A missing field, a wrong type, a wrong code and a lacked field that appears are caught."""
    case = {"a": 1, "b": {"c": "x"}, "type": "https://ns.adobe.com/aep/errors/FLOW-1439-404",
            "title": "Resource not found", "status": 404, "gone": 1}
    answer = {"a": "1", "b": {}, "type": "https://ns.adobe.com/aep/errors/FLOW-1101-404",
              "title": "Resource not found", "status": 404, "gone": 1}
    problems = shape_problems(case, answer, lacks=["/gone"])
    assert any(p.startswith("/a:") for p in problems)
    assert any(p.startswith("/b/c: missing") for p in problems)
    assert any(p.startswith("/type:") for p in problems)
    assert any(p.startswith("/gone: now answered") for p in problems)
    assert shape_problems(case, {**case, "extra": True}, lacks=[]) == []
