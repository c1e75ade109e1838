"""The schema-as-code resources through both doors against the emulator: a field group, a
Profile-enabled schema, an identity and a dataset from an empty sandbox, at Adobe's request
counts; evolution at preview; destroy in an order Adobe accepts."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost, stack_config
from provider.testing.engine import Ref
from tests.conftest import ANY_SANDBOX, open_door

_sandboxes = itertools.count()


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for the module."""
    with Emulator(port=0, sandboxes=ANY_SANDBOX) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def host(emu: Emulator, door: str) -> Iterator[ProviderHost]:
    """The door's host, configured against the emulator."""
    with open_door(door) as started:
        started.configure(stack_config(emu, sandbox="xdm"), secret_keys=("aep:clientSecret",))
        yield started


def urn(door: str, kind: str, name: str) -> str:
    """The URN of a ``kind`` resource in the door's type token."""
    token = f"pulumi-python:dynamic/aep:{kind}" if door == "dynamic" else f"aep:index:{kind}"
    return f"urn:pulumi:local::aep-connections::{token}::{name}"


def program(door: str, sandbox: str, *, profile: bool = True) -> dict[str, dict[str, Any]]:
    """Field group, schema (wired to it), identity and dataset (wired to the schema)."""
    fg, schema = urn(door, "XdmFieldGroup", "fg"), urn(door, "XdmSchema", "schema")
    return {
        fg: {"title": f"Loyalty {sandbox}", "extends": "profile", "sandbox_name": sandbox,
             "fields": [{"name": "crmId", "type": "string", "required": True},
                        {"name": "loyalty.points", "type": "integer"}]},
        schema: {"title": f"Customers {sandbox}", "schema_class": "profile",
                 "field_groups": [Ref(fg, "field_group_id")], "sandbox_name": sandbox,
                 "primary_identity": {"field": "crmId", "namespace": "Email"},
                 "profile_enabled": profile},
        urn(door, "XdmIdentity", "phone"): {
            "schema_id": Ref(schema, "schema_id"), "field": "loyalty.points",
            "namespace": "Phone", "sandbox_name": sandbox},
        urn(door, "Dataset", "customers"): {
            "name": f"customers {sandbox}", "schema_id": Ref(schema, "schema_id"),
            "schema_version": Ref(schema, "content_type"), "profile_enabled": profile,
            "sandbox_name": sandbox},
    }


def calls(emu: Emulator) -> list[tuple[str, str]]:
    """(method, path) of every request the emulator saw since it was cleared, IMS excluded."""
    return [(r.method, r.path.rsplit("/foundation/", 1)[-1]) for r in emu.requests
            if not r.path.startswith("/ims/")]


def test_an_empty_sandbox_gets_the_whole_schema_stack(host: ProviderHost, emu: Emulator,
                                                      door: str) -> None:
    """First up: one request per resource, three for the Profile schema, one tenant lookup;
    a no-op preview and a second up send none; refresh reads each once and finds no drift."""
    sandbox = f"xdm-{door}-{next(_sandboxes)}"
    engine = Engine(host)
    declared = program(door, sandbox)
    emu.clear_requests()
    plan = engine.up(declared)
    assert set(plan.steps.values()) == {"create"}
    sent = calls(emu)
    assert [m for m, _ in sent].count("GET") <= 1  # the tenant, at most once per process
    writes = [c for c in sent if c[0] != "GET"]
    assert [m for m, _ in writes] == ["POST", "POST", "POST", "PATCH", "POST", "POST"]
    schema = engine.state[urn(door, "XdmSchema", "schema")].outputs
    assert schema["profile_enabled"] is True
    assert schema["version"] == "1.1"
    assert schema["content_type"] == "application/vnd.adobe.xed+json;version=1"
    assert engine.state[urn(door, "Dataset", "customers")].outputs["schema_id"] == \
        schema["schema_id"]
    emu.clear_requests()
    assert set(engine.preview(declared).steps.values()) == {"same"}
    assert set(engine.up(declared).steps.values()) == {"same"}
    assert calls(emu) == []
    assert set(engine.refresh().values()) == {"same"}
    assert len(calls(emu)) == 4
    engine.destroy()


def test_evolution_additive_updates_breaking_replaces_with_a_warning(
        host: ProviderHost, emu: Emulator, door: str) -> None:
    """An added field is one PATCH; a removed one is a replacement at preview, with no request,
    and a warning naming the field and quoting Adobe's rule."""
    sandbox = f"xdm-{door}-{next(_sandboxes)}"
    engine = Engine(host)
    declared = program(door, sandbox, profile=False)
    engine.up(declared)
    fg = urn(door, "XdmFieldGroup", "fg")
    grown = {**declared, fg: {**declared[fg], "fields": [
        *declared[fg]["fields"], {"name": "loyalty.tier", "type": "string"}]}}
    emu.clear_requests()
    assert engine.up(grown).steps[fg] == "update"
    assert [m for m, _ in calls(emu)] == ["PATCH"]
    assert engine.state[fg].outputs["version"] == "1.1"
    shrunk = {**grown, fg: {**grown[fg], "fields": grown[fg]["fields"][:2]}}
    emu.clear_requests()
    assert engine.preview(shrunk).steps[fg] == "replace"
    assert calls(emu) == []
    said = ("field /loyalty/tier was removed or renamed; once a schema has been saved and used "
            "in data ingestion, only additive changes can be made to it")
    assert said in host.wait_warning(said, fg)
    engine.destroy()


def test_destroy_deletes_a_dataset_before_its_schema(host: ProviderHost, emu: Emulator,
                                                     door: str) -> None:
    """Destroy order is dependents first: dataset, descriptor, schema, field group; nothing is
    left in the sandbox."""
    sandbox = f"xdm-{door}-{next(_sandboxes)}"
    engine = Engine(host)
    engine.up(program(door, sandbox, profile=False))
    emu.clear_requests()
    engine.destroy()
    assert [p.split("/")[-2] for m, p in calls(emu) if m == "DELETE"] == [
        "dataSets", "descriptors", "schemas", "fieldgroups"]
    assert engine.state == {}


def test_a_profile_schema_is_kept_on_destroy_with_a_notice(host: ProviderHost, emu: Emulator,
                                                           door: str) -> None:
    """Adobe never deletes a Profile-enabled schema: destroy sends it no request, warns, and
    the field group it uses is kept too, with a notice; the stack ends empty."""
    sandbox = f"xdm-{door}-{next(_sandboxes)}"
    engine = Engine(host)
    engine.up(program(door, sandbox))
    alt_id = engine.state[urn(door, "XdmSchema", "schema")].id
    emu.clear_requests()
    engine.destroy()
    assert not any(alt_id in p for _, p in calls(emu))
    said = (f"schema {alt_id} in sandbox {sandbox!r} was removed from the stack but not "
            "deleted: Adobe never deletes a schema enabled for Profile")
    assert said in host.wait_warning(said, urn(door, "XdmSchema", "schema"))
    assert engine.state == {}


def test_turning_profile_off_is_refused_at_check(host: ProviderHost, emu: Emulator,
                                                 door: str) -> None:
    """profile_enabled true -> false fails check, before any request, in the door's spelling."""
    sandbox = f"xdm-{door}-{next(_sandboxes)}"
    engine = Engine(host)
    declared = program(door, sandbox)
    engine.up(declared)
    schema = urn(door, "XdmSchema", "schema")
    off = {**declared, schema: {**declared[schema], "profile_enabled": False}}
    emu.clear_requests()
    plan = engine.preview(off)
    [(prop, reason)] = plan.failures[schema]
    spelled = "profileEnabled" if door == "plugin" else "profile_enabled"
    assert prop == spelled
    assert reason.startswith(f"{spelled} cannot go from true to false: Adobe never disables")
    assert calls(emu) == []


def whole_path(door: str, sandbox: str) -> dict[str, dict[str, Any]]:
    """The local stack's program from an empty sandbox: schema as code, then the pipeline,
    every id wired from outputs."""
    declared = program(door, sandbox)
    schema, dataset = urn(door, "XdmSchema", "schema"), urn(door, "Dataset", "customers")
    base, source = urn(door, "DatabricksBaseConnection", "base"), urn(
        door, "DatabricksSourceConnection", "source")
    target, mapping = urn(door, "DataLakeTargetConnection", "target"), urn(
        door, "MappingSet", "mapping")
    return {
        **declared,
        base: {"name": f"sales {sandbox}", "domain": "https://adb-1.2.azuredatabricks.net",
               "cluster_id": "0123-456789-abcdefgh", "access_token": "dapi-test-token",
               "database": "sales", "sandbox_name": sandbox},
        source: {"name": f"orders source {sandbox}", "base_connection_id": Ref(
            base, "connection_id"), "table_name": "sales.orders", "sandbox_name": sandbox},
        target: {"name": f"orders target {sandbox}", "dataset_id": Ref(dataset, "dataset_id"),
                 "schema_id": Ref(schema, "schema_id"), "sandbox_name": sandbox},
        mapping: {"schema_id": Ref(schema, "schema_id"), "sandbox_name": sandbox,
                  "mappings": [{"source": "order_id", "destination": "_acme.crmId",
                                "source_type": "ATTRIBUTE"}]},
        urn(door, "Dataflow", "flow"): {
            "name": f"orders {sandbox}", "source_connection_id": Ref(source,
                                                                   "source_connection_id"),
            "target_connection_id": Ref(target, "target_connection_id"),
            "mapping_set_id": Ref(mapping, "mapping_set_id"),
            "mapping_version": Ref(mapping, "version"), "sandbox_name": sandbox,
            "delta_column": {"name": "updated_at"},  # Adobe requires it of a new dataflow
            "schedule": {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour",
                         "interval": 1}},
    }


def test_the_whole_program_from_an_empty_sandbox(host: ProviderHost, emu: Emulator,
                                                 door: str) -> None:
    """Schema as code and the pipeline in one up: one request per resource (three for the
    Profile schema) plus the one tenant lookup; a no-op preview sends none; destroy succeeds
    in an order Adobe accepts."""
    sandbox = f"xdm-{door}-{next(_sandboxes)}"
    engine = Engine(host)
    declared = whole_path(door, sandbox)
    emu.clear_requests()
    assert set(engine.up(declared).steps.values()) == {"create"}
    sent = calls(emu)
    stats = [c for c in sent if c[1].endswith("/stats")]
    assert len(stats) <= 1
    assert len(sent) - len(stats) == len(declared) + 2
    emu.clear_requests()
    assert set(engine.preview(declared).steps.values()) == {"same"}
    assert calls(emu) == []
    engine.destroy()
    assert engine.state == {}


def test_import_reads_every_input_the_service_keeps(emu: Emulator) -> None:
    """Import (read with no prior state) of each resource gives its inputs as AEP shows them:
    classes as their $id, descriptor fields as XDM paths; a deleted dataset reads as gone."""
    from provider.lifecycle import Lifecycle
    from provider.resources.dataset import DATASET_API
    from provider.resources.xdm_field_group import XDM_FIELD_GROUP_API
    from provider.resources.xdm_schema import XDM_IDENTITY_API, XDM_SCHEMA_API

    core, _ = Lifecycle.from_config(stack_config(emu, sandbox="xdm-import").get, {})
    group, schema, dataset, identity = (core.for_api(api) for api in (
        XDM_FIELD_GROUP_API, XDM_SCHEMA_API, DATASET_API, XDM_IDENTITY_API))
    fg = group.create(group.check({"title": "Imported fields", "extends": "profile", "fields": [
        {"name": "a.b", "type": "date-time", "required": True}]}).inputs)
    assert group.read(fg.id, {}).inputs["fields"] == [
        {"name": "a.b", "type": "date-time", "title": "b", "required": True}]
    made = schema.create(schema.check({"title": "Imported", "schema_class": "profile",
                                       "field_groups": [fg.outputs["field_group_id"]]}).inputs)
    assert schema.read(made.id, {}).inputs["schema_class"] == (
        "https://ns.adobe.com/xdm/context/profile")
    ds = dataset.create(dataset.check({"name": "imported",
                                       "schema_id": made.outputs["schema_id"]}).inputs)
    assert dataset.read(ds.id, {}).inputs["schema_id"] == made.outputs["schema_id"]
    desc = identity.create(identity.check({"schema_id": made.outputs["schema_id"],
                                           "field": "a.b", "namespace": "Email"}).inputs)
    assert identity.read(desc.id, {}).inputs["field"].endswith("/a/b")
    dataset.delete(ds.id, ds.outputs)
    assert dataset.read(ds.id, {}).id == ""


def test_a_tenant_id_setting_saves_the_lookup(emu: Emulator, door: str) -> None:
    """With aep:tenantId set, the first up sends exactly one request per resource (three for
    the Profile schema) and no GET /stats."""
    from provider.emulator.xdm_common import tenant_id

    sandbox = f"xdm-{door}-{next(_sandboxes)}"
    with open_door(door) as fresh:
        fresh.configure(stack_config(emu, sandbox="xdm", **{"aep:tenantId": tenant_id(
            emu.org_id)}), secret_keys=("aep:clientSecret",))
        engine = Engine(fresh)
        declared = program(door, sandbox)
        emu.clear_requests()
        engine.up(declared)
        assert len(calls(emu)) == len(declared) + 2
        assert not any(p.endswith("/stats") for _, p in calls(emu))
        engine.destroy()


def test_import_of_a_schema_reads_its_primary_identity(host: ProviderHost, emu: Emulator,
                                                       door: str) -> None:
    """Import (a read with no state) of a schema finds its primary identity in the tenant's
    descriptor list (one more request), so the program that declares it, by name or by path,
    previews no change and no second primary identity is ever made; a refresh stays one GET."""
    from provider.emulator.xdm_common import tenant_id
    from provider.testing.engine import Entry

    engine = Engine(host)
    declared = program(door, "xdm", profile=False)  # import reads in the provider's sandbox
    engine.up(declared)
    schema = urn(door, "XdmSchema", "schema")
    made = engine.state[schema]
    blob = host.provider_blob(schema)
    emu.clear_requests()
    id_, outs, inputs = host.read(made.id, schema, {"__provider": blob} if blob else {}, {})
    assert [m for m, _ in calls(emu)] == ["GET", "GET"]
    assert calls(emu)[1][1].endswith("/tenant/descriptors")
    assert inputs["primary_identity"] == {"field": "crmId", "namespace": "Email"}
    assert outs["identity_descriptor_id"] == made.outputs["identity_descriptor_id"]
    engine.state[schema] = Entry(id_, inputs, {**made.outputs, **outs})
    by_path = {**declared, schema: {**declared[schema], "primary_identity": {
        "field": f"/_{tenant_id(emu.org_id)}/crmId", "namespace": "Email"}}}
    emu.clear_requests()
    assert engine.preview(declared).steps[schema] == "same"
    assert engine.preview(by_path).steps[schema] == "same"
    assert engine.refresh(schema) == {schema: "same"}
    assert [m for m, _ in calls(emu)] == ["GET"]
    engine.destroy()
