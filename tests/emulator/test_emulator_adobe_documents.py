"""The ingestion path's exchanges (requests and answers) checked against Adobe's own documents.

Every operation the project calls that Adobe publishes an OpenAPI document for: Flow Service
("Flow Service API - Sources": source and target connections, dataflows and their actions, flow
and connection specs, explore, runs) and Data Prep (mapping sets). Base connections are checked in
``test_emulator_openapi.py``. Catalog and the Schema Registry (Swagger 2.0) are listed with the
operations the project calls of them, each checked to exist in Adobe's document; the registry's
exchanges are checked body for body in ``test_emulator_registry_adobe_document.py``. Each document
comes from its variable (``emulator_support.ADOBE_DOCUMENT_VARIABLES``; ``.ci/run`` points them at
the copies beside the repository when present); unset, the checks skip.

Where the emulator's answer or the project's request is Adobe-documented but Adobe's document says
otherwise, the check names the gap in ``GAPS`` (answers) or ``REQUEST_GAPS`` (requests), operation
-> why, and skips only that half; every other exchange must validate both ways.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml
from emulator_support import ADOBE_DOCUMENTS, BASE, Api
from openapi_contract import PLATFORM, as_response
from openapi_contract import as_request as sent_request
from openapi_core import OpenAPI
from openapi_core.testing import MockResponse
from openapi_core.validation.response.exceptions import InvalidData
from pipeline_support import (
    MAPPING_SETS,
    Made,
    created,
    flow_body,
    mapping_body,
    platform,
    source_body,
    target_body,
)

from provider.emulator import Emulator
from tests.clocks import FakeClock

# Operations of Adobe's other documents the project calls (method, Adobe's path template).
# The Catalog and Schema Registry operations the schema-as-code resources call
# (provider/resources/dataset.py, xdm_field_group.py, xdm_schema.py, xdm_calls.py).
CALLED: dict[str, tuple[tuple[str, str], ...]] = {
    "catalog": (("POST", "/dataSets"), ("GET", "/dataSets/{DATASET_ID}"),
                ("PATCH", "/dataSets/{DATASET_ID}"), ("DELETE", "/dataSets/{DATASET_ID}")),
    "schema_registry": (
        ("GET", "/stats"),
        ("POST", "/tenant/fieldgroups"), ("GET", "/{CONTAINER_ID}/fieldgroups/{FIELD_GROUP_ID}"),
        ("PATCH", "/tenant/fieldgroups/{FIELD_GROUP_ID}"),
        ("DELETE", "/tenant/fieldgroups/{FIELD_GROUP_ID}"),
        ("POST", "/tenant/schemas"), ("GET", "/{CONTAINER_ID}/schemas/{SCHEMA_ID}"),
        ("PATCH", "/tenant/schemas/{SCHEMA_ID}"), ("DELETE", "/tenant/schemas/{SCHEMA_ID}"),
        ("POST", "/tenant/descriptors"), ("GET", "/{CONTAINER_ID}/descriptors/{DESCRIPTOR_ID}"),
        ("DELETE", "/tenant/descriptors/{DESCRIPTOR_ID}"),
    ),
}

# (method, path template) -> why the answer is not validated against Adobe's document.
GAPS: dict[tuple[str, str], str] = {
    ("GET", "/flowSpecs"): "FlowSpecItemDTO types transformationSpecs as one object; Adobe's "
    "flow-spec examples (and the emulator) answer an array of Copy and Mapping",
    ("POST", "/mappingSets"): "Data Prep's MappingSet types createdDate/modifiedDate as "
    "date-time strings; every example (the spec's own included) answers epoch milliseconds",
    ("GET", "/mappingSets/{MAPPING_SET_ID}"): "as POST /mappingSets: dates typed as strings "
    "against the examples' epoch milliseconds",
    ("PUT", "/mappingSets/{MAPPING_SET_ID}"): "as POST /mappingSets: dates typed as strings "
    "against the examples' epoch milliseconds",
}


# (method, path template) -> why the request is not validated against Adobe's document.
REQUEST_GAPS: dict[tuple[str, str], str] = {
    ("GET", "/connections/{BASE_CONNECTION_ID}/explore"): "the spec's objectType enum is upper "
    "case (ROOT, TABLE); the explore tutorials, and the project, send root and table",
    ("PATCH", "/flows/{FLOW_ID}"): "the spec's PatchInstruction has upper-case ops and object "
    "values; the update-dataflows tutorial (and Flow Service) takes lower-case ops whose value "
    "may be a string",
    ("POST", "/flows/{FLOW_ID}/action"): "the spec's op enum is upper case and it declares a "
    "StateActionDTO body; the update-dataflows tutorial (and the project) sends op=enable or "
    "op=disable with no body",
}


@pytest.fixture
def emu(clocked_emu: Emulator) -> Emulator:
    """The emulator on the fake clock (``conftest.clocked_emu``)."""
    return clocked_emu


def check(document: OpenAPI, answer: requests.Response, template: str) -> None:
    """Validate the request sent and the answer received against Adobe's document."""
    request = sent_request(answer.request, PLATFORM, str(answer.request.path_url).split("?")[0])
    if (str(answer.request.method), template) not in REQUEST_GAPS:
        document.validate_request(request)
    if (str(answer.request.method), template) in GAPS:
        return
    document.validate_response(request, as_response(answer))


def test_flow_service_ingestion_path(openapi: OpenAPI, emu: Emulator, api: Api,
                                     clock: FakeClock) -> None:
    """Sources, targets, flows (create, read, list, patch, action, delete), specs, explore and
    runs: requests and answers as Adobe's Flow Service document declares them."""
    base, _ = api.created("base")
    source = api.call("POST", "/sourceConnections", json=source_body(base))
    check(openapi, source, "/sourceConnections")
    target = api.call("POST", "/targetConnections", json=target_body())
    check(openapi, target, "/targetConnections")
    # the schedule as the project sends it (interval a string, as ScheduleSpecDTO types it),
    # with the delta column and mapping Adobe requires of a database source's new flow
    # (the mapping version a string, as the project sends it and the spec types it)
    mapping = platform(api, "POST", MAPPING_SETS, json=mapping_body())
    body = flow_body(
        created(source)[0], created(target)[0], mapping=str(mapping.json()["id"]),
        scheduleParams={"startTime": 1_800_000_000, "frequency": "hour", "interval": "1"})
    body["transformations"][-1]["params"]["mappingVersion"] = "0"
    flow = api.call("POST", "/flows", json=body)
    check(openapi, flow, "/flows")
    made = Made(api)
    check(openapi, api.call("GET", f"/sourceConnections/{made.source}"),
          "/sourceConnections/{SOURCE_CONNECTION_ID}")
    check(openapi, api.call("GET", f"/targetConnections/{made.target}"),
          "/targetConnections/{TARGET_CONNECTION_ID}")
    check(openapi, api.call("GET", f"/flows/{made.flow}"), "/flows/{FLOW_ID}")
    check(openapi, api.call("GET", "/flows?limit=5"), "/flows")
    check(openapi, api.call("GET", '/flowSpecs?property=name=="CRMToAEP"'), "/flowSpecs")
    check(openapi, api.call("GET", f"/connections/{made.base}/explore?objectType=root"),
          "/connections/{BASE_CONNECTION_ID}/explore")
    clock.now = 1_800_000_000 + 61
    check(openapi, api.call("GET", f"/runs?property=flowId=={made.flow}"), "/runs")
    patched = api.call("PATCH", f"/flows/{made.flow}",
                       headers=api.headers(**{"If-Match": made.flow_etag}),
                       json=[{"op": "replace", "path": "/name", "value": "renamed"}])
    assert patched.status_code == 200
    check(openapi, patched, "/flows/{FLOW_ID}")
    action = api.call("POST", f"/flows/{made.flow}/action?op=disable")
    assert action.status_code == 200
    check(openapi, action, "/flows/{FLOW_ID}/action")
    deleted = api.call("DELETE", f"/flows/{made.flow}")
    assert deleted.status_code == 204


def test_data_prep_mapping_sets(data_prep_openapi: OpenAPI, api: Api) -> None:
    """Mapping-set create, read and replace: requests and answers as Adobe's Data Prep document
    declares them."""
    created = platform(api, "POST", MAPPING_SETS, json=mapping_body())
    assert created.status_code == 200
    check(data_prep_openapi, created, "/mappingSets")
    id_ = created.json()["id"]
    check(data_prep_openapi, platform(api, "GET", f"{MAPPING_SETS}/{id_}"),
          "/mappingSets/{MAPPING_SET_ID}")
    replaced = platform(api, "PUT", f"{MAPPING_SETS}/{id_}", json=mapping_body("_tenant.x"))
    check(data_prep_openapi, replaced, "/mappingSets/{MAPPING_SET_ID}")


@pytest.mark.parametrize("name", sorted(CALLED))
def test_documents_of_services_the_project_calls_later(name: str) -> None:
    """Catalog and the Schema Registry: each operation the project calls exists in Adobe's
    document (their answers' statuses: test_emulator_xdm_adobe_spec.py)."""
    path = ADOBE_DOCUMENTS[name]
    if not path:
        pytest.skip(f"no copy of Adobe's {name} document is named")
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    assert document.get("openapi") or document.get("swagger") == "2.0"
    if not CALLED[name]:
        pytest.skip(f"the project calls no {name} operation yet")
    for method, template in CALLED[name]:
        assert method.lower() in document["paths"][template], (name, method, template)


def test_the_cross_check_can_fail(openapi: OpenAPI, api: Api) -> None:
    """A flow answer with a wrong-typed field is refused, so the checks above are not vacuous."""
    made = Made(api)
    answer = api.call("GET", f"/flows/{made.flow}")
    request = sent_request(answer.request, PLATFORM, f"{BASE}/flows/{made.flow}")
    broken = answer.json()
    broken["items"][0]["createdAt"] = "yesterday"
    with pytest.raises(InvalidData):
        openapi.validate_response(request, MockResponse(
            json.dumps(broken).encode(), content_type="application/json"))


def test_catalog_datasets(catalog_openapi: OpenAPI, api: Api) -> None:
    """A dataset's create, read and patch, as the Dataset resource sends them, against Adobe's
    Catalog document (requests and answers)."""
    from xdm_support import DATASETS, created, dataset_body, field_group_body, schema_body, tenant

    group = created(api, "/tenant/fieldgroups", field_group_body(tenant(api)))
    schema = created(api, "/tenant/schemas", schema_body(group["$id"]))
    made = platform(api, "POST", DATASETS, json=dataset_body(schema["$id"]))
    assert made.status_code == 201, made.text
    check(catalog_openapi, made, "/dataSets")
    id_ = made.json()[0].removeprefix("@/dataSets/")
    check(catalog_openapi, platform(api, "GET", f"{DATASETS}/{id_}"), "/dataSets/{DATASET_ID}")
    patched = platform(api, "PATCH", f"{DATASETS}/{id_}", json={"description": "orders"})
    check(catalog_openapi, patched, "/dataSets/{DATASET_ID}")
