"""Issue #20's guarantees through both front doors, as the engine drives them: a schema whose
create's cleanup failed is kept in state, never lost; a mapping set whose stack version Data
Prep answers 404 for stays in state, with a warning."""

from __future__ import annotations

from typing import Any

import pytest

from provider.emulator import Emulator, PipelineOptions
from provider.resources.xdm_calls import REGISTRY
from provider.testing import Engine, ProviderHost
from provider.testing.engine import Ref, urn_for
from provider.testing.host import HostError
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401 (fixtures)

EMULATOR_OPTIONS = {"pipeline": PipelineOptions(missing_version_not_found=True)}
HOST_CONFIG = {"aep:retryAttempts": "1"}  # a fault fails its call at once: no retry, no sleep
GROUP = urn_for("loyalty", kind="XdmFieldGroup")
SCHEMA = urn_for("customers", kind="XdmSchema")
MAPPING = urn_for("orders-mapping", kind="MappingSet")
SCHEMA_ID = "https://ns.adobe.com/exampletenant/schemas/0123456789abcdef0123456789abcdef"


def schema_stack(sandbox: str) -> dict[str, dict[str, Any]]:
    """A field group and a Profile-enabled schema with a primary identity, in ``sandbox``."""
    return {
        GROUP: {"title": f"Loyalty {sandbox}", "extends": "profile", "sandbox_name": sandbox,
                "fields": [{"name": "crmId", "type": "string", "required": True}]},
        SCHEMA: {"title": f"Customers {sandbox}", "schema_class": "profile",
                 "field_groups": [Ref(GROUP, "field_group_id")], "sandbox_name": sandbox,
                 "primary_identity": {"field": "crmId", "namespace": "Email"},
                 "profile_enabled": True},
    }


def registry_calls(emu: Emulator, method: str, under: str) -> int:
    """How many ``method`` requests the emulator saw under the registry's ``under``."""
    return sum(1 for r in emu.requests
               if r.method == method and r.path.startswith(REGISTRY + under))


def test_a_schema_whose_cleanup_delete_fails_is_kept_and_the_next_up_completes_it(
        host: ProviderHost, emu: Emulator, engine: Engine, sandbox: str, door: str) -> None:
    """The descriptor POST fails and so does the DELETE of the new schema: the schema's id is
    kept in state (the plugin: a partial failure), without identity or Profile, and the message
    names it and the failed delete; the next up adds both to that schema, making no other."""
    declared = schema_stack(sandbox)
    emu.faults.add(status=503, method="POST", path=REGISTRY + "/tenant/descriptors")
    emu.faults.add(status=503, method="DELETE", path=REGISTRY + "/tenant/schemas")
    try:
        if door == "plugin":
            with pytest.raises(HostError) as failed:
                engine.up(declared)
            assert failed.value.kept is not None
            message = failed.value.details
        else:
            assert engine.up(declared).failures == {}
            message = host.wait_stderr("again failed too")
    finally:
        emu.faults.clear()
    kept = engine.state[SCHEMA]
    assert kept.id.startswith("_")  # the registry's meta:altId
    assert kept.outputs.get("primary_identity") is None
    assert kept.outputs["profile_enabled"] is False
    assert kept.outputs["schema_id"].startswith("https://ns.adobe.com/")
    assert f"XDM schema was created as {kept.id}" in message  # no name: none is printed
    assert f"Deleting the new schema {kept.id} again failed too" in message
    assert "run `pulumi up`, which updates it instead of making another" in message
    emu.clear_requests()
    plan = engine.up(declared)
    assert plan.failures == {}
    assert plan.steps[SCHEMA] == "update"
    assert engine.state[SCHEMA].id == kept.id
    assert engine.state[SCHEMA].outputs["profile_enabled"] is True
    assert registry_calls(emu, "POST", "/tenant/schemas") == 0
    assert registry_calls(emu, "POST", "/tenant/descriptors") == 1


def test_a_mapping_set_whose_stack_version_answers_404_stays_in_state(
        host: ProviderHost, emu: Emulator, engine: Engine, sandbox: str) -> None:
    """Refresh of a mapping set whose state names a version Data Prep answers 404 for (never
    saved): the set is kept (the GET without version found it), read as that GET answered,
    with a warning naming it and both versions; its rules match, so the next preview is a
    no-op."""
    declared = {MAPPING: {"schema_id": SCHEMA_ID, "sandbox_name": sandbox, "mappings": [
        {"source": "order_id", "destination": "_acme.orderId", "source_type": "ATTRIBUTE"}]}}
    assert engine.up(declared).failures == {}
    id_ = engine.state[MAPPING].id
    engine.state[MAPPING].outputs["version"] = 5
    assert engine.refresh() == {MAPPING: "changed"}
    assert engine.state[MAPPING].id == id_
    assert engine.state[MAPPING].outputs["version"] == 0
    said = host.wait_warning(f"mapping set {id_} has no version 5", MAPPING)
    assert f"mapping set {id_} has no version 5" in said
    assert "(version 0)" in said
    assert engine.preview(declared).steps == {MAPPING: "same"}
    assert len(emu.mapping_sets(sandbox=sandbox)) == 1
