"""Values the engine marks secret stay secret: every input of every registered resource (the
list derived from ``provider.resources.REGISTRY``) is sent as a marked canary through both
doors; no check failure echoes it, and the plugin answers every property that held one (nested
ones included) as a secret. The plugin's CheckConfig returns the credentials secret."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from provider.emulator import Emulator
from provider.fields import Field, ResourceSpec
from provider.resources import registry
from provider.testing import ProviderHost
from provider.testing.host import SECRET_SIG, SECRET_VALUE, from_struct, to_struct
from tests.engine_fixtures import emu, host  # noqa: F401 (fixtures)

CANARY = "leak-canary-7f3a"
ENTRIES = {e.spec.name: e for e in registry()}
CASES = [(name, f.state) for name, e in ENTRIES.items() for f in e.spec.inputs]


def marked(value: Any) -> dict[str, Any]:
    """``value`` as the engine sends a secret: a signed envelope."""
    return {SECRET_SIG: SECRET_VALUE, "value": value}


def canary(field: Field, name: str, *, nested: bool) -> Any:
    """A canary value for ``field`` in spelling ``name`` (``state`` or ``schema``): a marked
    string, or, with ``nested``, the field's shape with every member a marked string."""
    if field.state == "domain":
        return marked(f"https://{CANARY}.example.com")
    if not nested or not (field.items or field.type in ("map", "array")):
        return marked(f"Bad {CANARY}!")
    members = {getattr(m, name): marked(CANARY) for m in field.items} or {"k": marked(CANARY)}
    if field.type == "array":
        return [members] if field.items else [marked(CANARY)]
    return members


def send_check(host: ProviderHost, door: str, kind: str, field: Field, *,
               nested: bool) -> tuple[dict[str, Any], list[str]]:
    """Check one resource of ``kind`` whose only input is ``field``'s canary; the raw answered
    inputs (envelopes kept) and the failure texts."""
    spec: ResourceSpec = ENTRIES[kind].spec
    name = "schema" if door == "plugin" else "state"
    news: dict[str, Any] = {getattr(field, name): canary(field, name, nested=nested)}
    urn = f"urn:pulumi:local::aep-connections::pulumi-python:dynamic/aep:{kind}::leak"
    if door == "plugin":
        urn = urn.replace("pulumi-python:dynamic/aep:", "aep:index:")
    else:
        news["__provider"] = host.provider_blob(urn)
    assert spec.name == kind
    answer = host._call("Check", provider_pb2.CheckRequest(urn=urn, olds=to_struct({}),
                                                           news=to_struct(news)))
    return from_struct(answer.inputs), [f"{f.property}: {f.reason}" for f in answer.failures]


@pytest.mark.parametrize("nested", [False, True])
@pytest.mark.parametrize(("kind", "state"), CASES)
def test_no_check_failure_echoes_a_marked_input(host: ProviderHost, door: str, kind: str,
                                                state: str, nested: bool) -> None:
    """A secret-marked value in any input (nested members too) never appears in a check
    failure; through the plugin the property comes back secret if it comes back at all."""
    field = ENTRIES[kind].spec.by_state(state)
    assert field is not None
    inputs, failures = send_check(host, door, kind, field, nested=nested)
    assert not [f for f in failures if CANARY in f]
    if door == "plugin" and field.schema in inputs:
        assert isinstance(inputs[field.schema], dict), inputs[field.schema]
        assert inputs[field.schema].get(SECRET_SIG) == SECRET_VALUE


def test_a_nested_secret_stays_secret_through_create(host: ProviderHost, door: str,
                                                     emu: Emulator) -> None:
    """A mapping set whose one mapping's ``source`` is marked secret is created, and the
    plugin answers ``mappings`` as a secret (it came back plain, so state held it in clear)."""
    if door != "plugin":
        pytest.skip("the dynamic host keeps secretness itself (Pulumi's dynamic provider)")
    urn = "urn:pulumi:local::aep-connections::aep:index:MappingSet::nested"
    news = {"schemaId": "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef",
            "sandboxName": "leaks",
            "mappings": [{"source": marked("order_id"), "destination": "_acme.orderId",
                          "sourceType": "ATTRIBUTE"}]}
    checked = host._call("Check", provider_pb2.CheckRequest(urn=urn, olds=to_struct({}),
                                                            news=to_struct(news)))
    assert list(checked.failures) == []
    inputs = from_struct(checked.inputs)
    assert inputs["mappings"].get(SECRET_SIG) == SECRET_VALUE
    created = host._call("Create", provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    outputs = from_struct(created.properties)
    assert outputs["mappings"].get(SECRET_SIG) == SECRET_VALUE


@pytest.mark.parametrize("key", ["clientSecret", "accessToken"])
@pytest.mark.parametrize("form", ["plain", "marked"])
def test_check_config_returns_credentials_secret(host: ProviderHost, door: str, key: str,
                                                 form: str) -> None:
    """CheckConfig answers ``aep:clientSecret`` and ``aep:accessToken`` secret, whether they
    came marked or as plain strings; other keys are left as they came."""
    if door != "plugin":
        pytest.skip("the dynamic door has no provider config of its own")
    value = CANARY if form == "plain" else marked(CANARY)
    answer = host._call("CheckConfig", provider_pb2.CheckRequest(
        urn="urn:pulumi:local::aep-connections::pulumi:providers:aep::default",
        olds=to_struct({}), news=to_struct({key: value, "orgId": "org@AdobeOrg"})))
    inputs = from_struct(answer.inputs)
    assert inputs[key] == marked(CANARY)
    assert inputs["orgId"] == "org@AdobeOrg"
