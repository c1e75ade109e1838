"""Adobe-documented behaviours: the ones on by default, and each AdobeShapes switch on and off."""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from emulator_support import Api, flow_code
from pipeline_support import MAPPING_SETS, Made, created, flow_body, mapping_body, platform

from provider.emulator import AdobeShapes, Emulator, PipelineOptions
from provider.emulator import pipeline as pipeline_cli
from tests.clocks import FakeClock

MakeEmu = Callable[..., Emulator]


@pytest.fixture
def make_emu() -> Iterator[MakeEmu]:
    """Start emulators with only the given Adobe switches (names) on, on a fake clock."""
    started: list[Emulator] = []

    def make(*names: str) -> Emulator:
        shapes = AdobeShapes.named(list(names), base=AdobeShapes.off())
        options = PipelineOptions(clock=FakeClock(), adobe=shapes)
        started.append(Emulator(pipeline=options).start())
        return started[-1]

    yield make
    for emulator in started:
        emulator.stop()


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT-shaped token."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_tokens_are_jwt_shaped_with_a_technical_account(emu: Emulator, api: Api) -> None:
    """An IMS token is header.payload.signature naming client_id and a techacct user_id."""
    assert api.token.count(".") == 2
    payload = claims(api.token)
    assert payload["client_id"] == emu.client_id
    assert payload["user_id"] == emu.technical_account
    assert payload["user_id"].endswith("@techacct.adobe.com")
    assert Api(emu).token != api.token  # unpredictable: a fresh id and signature each time


def test_the_quoted_filter_form_finds_the_flow_spec(api: Api) -> None:
    """property=name=="CRMToAEP" (Adobe's documented form) finds the flow spec."""
    items = api.call("GET", '/flowSpecs?property=name=="CRMToAEP"').json()["items"]
    assert [i["name"] for i in items] == ["CRMToAEP"]


def test_source_connections_carry_inherited_attributes(api: Api) -> None:
    """A source connection reads back with providerRefId and its base connection inherited."""
    made = Made(api, flow=False)
    (item,) = api.call("GET", f"/sourceConnections/{made.source}").json()["items"]
    assert item["inheritedAttributes"]["baseConnection"]["id"] == made.base
    assert item["inheritedAttributes"]["baseConnection"]["connectionSpec"]["version"] == "1.0"
    assert isinstance(item["providerRefId"], str)
    assert item["providerRefId"]


def test_mapping_set_name_is_stored_echoed_and_filtered(api: Api) -> None:
    """A mapping set's name is echoed on create and GET, and ?name= lists only that name."""
    named = platform(api, "POST", MAPPING_SETS, json={**mapping_body(), "name": "orders"}).json()
    platform(api, "POST", MAPPING_SETS, json={**mapping_body(), "name": "other"})
    assert set(named) >= {"id", "version"}  # Adobe's short create answer
    assert platform(api, "GET", f"{MAPPING_SETS}/{named['id']}").json()["name"] == "orders"
    listed = platform(api, "GET", f"{MAPPING_SETS}?name=orders").json()["data"]
    assert [m["id"] for m in listed] == [named["id"]]


def test_data_prep_switches_off_keep_the_old_shapes(make_emu: MakeEmu) -> None:
    """Without switches: client id as creator, updatedDate, whole answer, ATTRIBUTE echoed."""
    emu = make_emu()
    api = Api(emu)
    answer = platform(api, "POST", MAPPING_SETS, json=mapping_body()).json()
    assert answer["createdBy"] == emu.client_id
    assert "updatedDate" in answer
    assert "modifiedDate" not in answer
    assert answer["mappings"][0]["sourceType"] == "ATTRIBUTE"


def test_data_prep_switches_on_answer_adobes_shapes(make_emu: MakeEmu) -> None:
    """Every Data Prep switch on: techacct creator, modified*, short answer, schema-path, v0."""
    emu = make_emu("techacct_creator", "modified_naming", "short_create_answer",
                   "schema_path_source_type", "version_default_zero")
    api = Api(emu)
    answer = platform(api, "POST", MAPPING_SETS, json=mapping_body()).json()
    assert set(answer) == {"id", "version", "createdDate", "modifiedDate", "createdBy",
                           "modifiedBy"}
    assert answer["createdBy"] == answer["modifiedBy"] == emu.technical_account
    platform(api, "PUT", f"{MAPPING_SETS}/{answer['id']}", json=mapping_body("_tenant.other"))
    read = platform(api, "GET", f"{MAPPING_SETS}/{answer['id']}").json()
    assert read["version"] == 0  # no version asked: Adobe's default 0
    assert read["mappings"][0]["sourceType"] == "text/x.schema-path"
    assert read["mappings"][1]["sourceType"] == "text/x.aep-xl"
    latest = platform(api, "GET", f"{MAPPING_SETS}/{answer['id']}?version=1").json()
    assert latest["version"] == 1
    assert latest["mappings"][0]["destination"] == "_tenant.other"
    assert "modifiedDate" in latest
    assert "updatedDate" not in latest


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("DELETE", ""),
                                                ("POST", "/action?op=disable")])
def test_a_missing_flow_is_1439_with_the_switch(make_emu: MakeEmu, method: str,
                                                suffix: str) -> None:
    """missing_flow_1439: Adobe's FLOW-1439-404 body (report id and type); off: 1101-404."""
    strict = Api(make_emu("missing_flow_1439"))
    answer = strict.call(method, f"/flows/no-such-flow{suffix}")
    assert answer.status_code == 404
    assert flow_code(answer) == "1439-404"
    report = answer.json()["report"]
    assert report["id"] == "no-such-flow"
    assert report["type"] == "flows"
    assert answer.json()["errorMessage"].startswith("The requested flows resource no-such-flow")
    plain = Api(make_emu())
    assert flow_code(plain.call(method, f"/flows/no-such-flow{suffix}")) == "1101-404"


def test_a_redundant_action_is_1422_with_the_switch(make_emu: MakeEmu) -> None:
    """redundant_action_error: enabling an enabled flow is 1422-400; off: 200."""
    strict = Api(make_emu("redundant_action_error"))
    flow = Made(strict).flow
    answer = strict.call("POST", f"/flows/{flow}/action?op=enable")
    assert answer.status_code == 400
    assert flow_code(answer) == "1422-400"
    assert strict.call("POST", f"/flows/{flow}/action?op=disable").status_code == 200
    assert flow_code(strict.call("POST", f"/flows/{flow}/action?op=disable")) == "1422-400"
    plain = Api(make_emu())
    assert plain.call("POST", f"/flows/{Made(plain).flow}/action?op=enable").status_code == 200


def test_state_on_create_is_refused_with_the_switch(make_emu: MakeEmu) -> None:
    """refuse_state_on_create: a create body with state is 1100-400; off: accepted."""
    strict = Api(make_emu("refuse_state_on_create"))
    made = Made(strict, flow=False)
    answer = strict.call("POST", "/flows",
                         json=flow_body(made.source, made.target, state="disabled"))
    assert answer.status_code == 400
    assert flow_code(answer) == "1100-400"
    assert "state" in answer.json()["errorMessage"]
    plain = Api(make_emu())
    made = Made(plain, flow=False)
    created(plain.call("POST", "/flows", json=flow_body(made.source, made.target,
                                                        state="disabled")))


def test_database_flows_need_delta_and_mapping_with_the_switch(make_emu: MakeEmu) -> None:
    """database_flow_requirements: a Databricks flow without a Copy deltaColumn and a Mapping
    is 1455-400; with both it is created. Off: both optional."""
    strict = Api(make_emu("database_flow_requirements"))
    made = Made(strict, flow=False)
    answer = strict.call("POST", "/flows", json=flow_body(made.source, made.target))
    assert answer.status_code == 400
    assert flow_code(answer) == "1455-400"
    mapping = platform(strict, "POST", MAPPING_SETS, json=mapping_body()).json()["id"]
    complete = flow_body(made.source, made.target, transformations=[
        {"name": "Copy", "params": {"deltaColumn": {"name": "updated_at"}}},
        {"name": "Mapping", "params": {"mappingId": mapping, "mappingVersion": 0}}])
    created(strict.call("POST", "/flows", json=complete))
    plain = Api(make_emu())
    made = Made(plain, flow=False)
    created(plain.call("POST", "/flows", json=flow_body(made.source, made.target)))


def test_the_defaults_are_every_adobe_behaviour() -> None:
    """Every switch is on by default: the emulator answers as Adobe documents."""
    assert AdobeShapes() == AdobeShapes.strict()


def test_switches_by_name_and_from_the_command_line() -> None:
    """named/without take names or 'all' and refuse unknown ones; --adobe/--no-adobe set them."""
    assert AdobeShapes.named(["all"]) == AdobeShapes.strict()
    assert AdobeShapes.named(["techacct_creator"]).techacct_creator is True
    assert AdobeShapes.named([]) == AdobeShapes()
    assert AdobeShapes.without(["all"]) == AdobeShapes.off()
    assert AdobeShapes.without(["missing_flow_1439"]).missing_flow_1439 is False
    with pytest.raises(ValueError, match="unknown Adobe behaviour"):
        AdobeShapes.named(["nonsense"])
    with pytest.raises(ValueError, match="unknown Adobe behaviour"):
        AdobeShapes.without(["nonsense"])
    parser = argparse.ArgumentParser()
    pipeline_cli.add_arguments(parser)
    args = parser.parse_args(["--adobe", "techacct_creator", "--no-adobe", "missing_flow_1439"])
    options = pipeline_cli.options_from(args)
    assert options.adobe.techacct_creator is True
    assert options.adobe.missing_flow_1439 is False
    assert options.adobe.modified_naming is True  # the other defaults stay
    assert pipeline_cli.options_from(parser.parse_args([])).adobe == AdobeShapes()
    off = pipeline_cli.options_from(parser.parse_args(["--no-adobe", "all"])).adobe
    assert off == AdobeShapes.off()
