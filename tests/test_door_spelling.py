"""The door supplies the spelling: every sentence a user reads names properties as the caller
wrote them (``sandbox_name`` in Python, ``sandboxName`` through the plugin), for each family of
error: check failure, API error advice, configuration error, lost-create advice, warnings."""

from __future__ import annotations

import re
from typing import Any

import pytest

from provider import advice
from provider.emulator import Emulator
from provider.lifecycle import Lifecycle
from provider.pipeline_api import MAPPING_SET_API
from provider.testing import HostError, ProviderHost, stack_config
from tests.conftest import ANY_SANDBOX, TOKEN, open_door
from tests.engine_fixtures import emu, host  # noqa: F401 (fixtures)
from tests.hostile import Answer, HostileServer

FAST = {"aep:retryAttempts": "2", "aep:retryBaseDelay": "0.01", "aep:timeoutSeconds": "5"}
# The engine fixtures' emulator knows only prod and dev (any other is Adobe's 2101-404).
EMULATOR_OPTIONS = {"sandboxes": ("prod", "dev")}
HOST_CONFIG = FAST
CONNECTION = {
    "name": "spelled", "description": "owner: data-platform",
    "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
    "cluster_id": "0123-456789-abcde123", "access_token": TOKEN, "database": "acme-db",
}


def urn(name: str, kind: str = "DatabricksBaseConnection") -> str:
    """A dynamic-door URN of resource type ``kind`` (the plugin host maps it to its token)."""
    return f"urn:pulumi:local::aep-connections::pulumi-python:dynamic/aep:{kind}::{name}"


def declared(host: ProviderHost, urn_: str, props: dict[str, Any]) -> dict[str, Any]:
    """``props`` as a program declares them through ``host``'s door (``__provider`` added)."""
    blob = host.provider_blob(urn_)
    return {**props, "__provider": blob} if blob else dict(props)


def spelled(host: ProviderHost, text: str, *keys: str) -> None:
    """``text`` names each of ``keys`` as a property in the host's spelling, and never in the
    other one (a config key such as ``aep:sandboxName`` is no property name)."""
    for key in keys:
        wire = host.wire_name(key)
        assert re.search(rf"(?<![:\w]){re.escape(wire)}\b", text), (wire, text)
        for other in {key, _camel(key)} - {wire}:
            assert not re.search(rf"(?<![:\w]){re.escape(other)}\b", text), (other, text)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def test_a_check_failure_names_the_property_as_written(host: ProviderHost) -> None:
    """A bad sandbox on a Dataflow: the failure's property and reason use the door's names."""
    _, failures = host.check(urn("f", "Dataflow"), {}, declared(host, urn("f", "Dataflow"), {
        "name": "f", "source_connection_id": "0123abcd-0000-4000-8000-000000000001",
        "target_connection_id": "0123abcd-0000-4000-8000-000000000002",
        "schedule": {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour", "interval": 1},
        "delta_column": {"name": "updated_at"}, "mapping_set_id": "0" * 32,
        "sandbox_name": "Not A Sandbox"}))
    [(prop, reason)] = failures
    assert prop == host.wire_name("sandbox_name")
    spelled(host, reason, "sandbox_name")


def test_api_error_advice_names_the_property_as_written(host: ProviderHost) -> None:
    """A create in a sandbox the org lacks (2101-404) says which property to check, spelled as
    the caller wrote it (a YAML user cannot act on sandbox_name)."""
    with pytest.raises(HostError) as caught:
        host.create(urn("s"), declared(host, urn("s"), {**CONNECTION, "sandbox_name": "qa"}))
    assert "or aep:sandboxName" in caught.value.last_line
    spelled(host, caught.value.last_line, "sandbox_name")


def test_a_configuration_error_names_the_property_as_written(
        host: ProviderHost, emu: Emulator) -> None:
    """Importing staging credentials by an id of another sandbox: the fix is spelled."""
    kind = urn("c", "DatabricksStagingCredentials")
    with pytest.raises(HostError) as caught:
        host.read(f"{emu.org_id}/prod/dlz_databricks_source", kind, declared(host, kind, {}), {})
    assert "(or aep:sandboxName) to 'prod'" in caught.value.last_line
    spelled(host, caught.value.last_line, "sandbox_name")


def test_lost_create_advice_names_adoption_as_written(door: str, emu: Emulator) -> None:
    """A create whose answer is lost and whose lookup proves nothing offers adoption under the
    door's name for it."""
    def script(method: str, path: str) -> Answer:
        if method == "POST":
            return Answer(drop=True)
        return Answer(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")

    with HostileServer(script) as srv, open_door(door) as started:
        started.configure(stack_config(emu, **FAST, **{"aep:platformUrl": srv.url}),
                          secret_keys=("aep:clientSecret",))
        with pytest.raises(HostError) as caught:
            started.create(urn("l"), declared(started, urn("l"),
                                              {**CONNECTION, "sandbox_name": "dev"}))
    assert "may or may not have happened" in caught.value.last_line
    assert f"or adopt it ({started.wire_name('adopt_existing')})" in caught.value.last_line
    spelled(started, caught.value.last_line, "adopt_existing")


class _Noticing:
    """A mapping set whose delete notice names a property (as a warning may)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(MAPPING_SET_API, name)

    def delete(self, client: Any, sandbox: str, id_: str) -> str:
        return f"mapping set {id_} kept; unset schema_id in sandbox {sandbox} to stop this"


@pytest.mark.parametrize(("spelling", "says"), [("state", "schema_id"), ("schema", "schemaId")])
def test_a_warning_names_properties_as_written(
        spelling: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A delete's warning (written where the engine shows it) is in the door's spelling."""
    core = Lifecycle(object(), "dev", api=_Noticing(), spelling=spelling)  # type: ignore[arg-type]
    notice = core.delete("m1", {"sandbox_name": "dev"})
    assert notice is not None
    assert f"unset {says} in" in notice
    assert f"warning: mapping set m1 kept; unset {says} in" in capsys.readouterr().err


def test_the_sentences_name_state_keys_for_the_door_to_spell() -> None:
    """advice's sentences name properties by state keys; the door's spelling respells them."""
    assert "sandbox_name" in advice.no_sandbox()
    assert "sandbox_name" in advice.sandbox_mismatch("o/prod/x", "prod", "dev")
    assert "adopt_existing" in advice.adopt_held("connection", "c1", "a", "b")
    assert advice.as_written("sandbox_name") == "sandbox_name"


del ANY_SANDBOX  # this module's emulator keeps Adobe's 2101-404 for unknown sandboxes
