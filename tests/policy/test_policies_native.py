"""Every base-connection rule holds for both front doors: the dynamic provider's
``pulumi-python:dynamic/aep:DatabricksBaseConnection`` (snake_case properties) and the native
plugin's ``aep:index:DatabricksBaseConnection`` (camelCase properties, as ``plugin/schema.json``
declares them). The same cases run in both spellings through the validators.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs, StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from test_policies import (
    DEV_CONFIG,
    GOOD,
    POLICY_DIR,
    TOKEN,
    aep,
    make_opts,
    make_resource,
    run,
    urn_of,
)

NATIVE_TYPE = "aep:index:DatabricksBaseConnection"
DOORS = {"dynamic": aep.RESOURCE_TYPE, "native": NATIVE_TYPE}
CAMEL = {"cluster_id": "clusterId", "access_token": "accessToken", "sandbox_name": "sandboxName",
         "adopt_existing": "adoptExisting", "test_connection": "testConnection"}


def spelled(props: Mapping[str, Any], door: str) -> dict[str, Any]:
    """``props`` (snake_case) as ``door`` spells them."""
    if door == "dynamic":
        return dict(props)
    return {CAMEL.get(key, key): value for key, value in props.items()}


def door_args(
    door: str, changes: Mapping[str, Any] | None = None, *, drop: tuple[str, ...] = (),
    protect: bool = False, config: Mapping[str, Any] | None = None, name: str = "sales",
) -> ResourceValidationArgs:
    """ResourceValidationArgs for GOOD with ``changes``, in ``door``'s type and spelling."""
    props = {k: v for k, v in {**GOOD, **(changes or {})}.items() if k not in drop}
    type_ = DOORS[door]
    return ResourceValidationArgs(
        type_, unknown_checking_proxy(spelled(props, door)), urn_of(name, type_), name,
        make_opts(protect), None, config,
    )


def door_resource(door: str, name: str, props: Mapping[str, Any]) -> Any:
    """A PolicyResource of ``door`` (AnalyzeStack's form)."""
    return make_resource(name, spelled(props, door), DOORS[door])


def test_the_native_spelling_is_the_plugins_schema() -> None:
    """The camelCase names these tests use are exactly the plugin's declared inputs."""
    schema = json.loads((POLICY_DIR.parent / "plugin" / "schema.json").read_text())
    inputs = schema["resources"][NATIVE_TYPE]["inputProperties"]
    assert set(spelled(GOOD, "native")) == set(inputs)


def test_both_type_tokens_are_base_connections() -> None:
    """The pack recognises both doors' tokens, and nothing else."""
    assert aep.is_connection(aep.RESOURCE_TYPE)
    assert aep.is_connection(aep.NATIVE_RESOURCE_TYPE)
    assert aep.NATIVE_RESOURCE_TYPE == NATIVE_TYPE
    assert not aep.is_connection("aep:index:Dataflow")
    assert not aep.is_connection("aws:s3/bucket:Bucket")


@pytest.mark.parametrize("door", sorted(DOORS))
def test_a_good_connection_passes_every_rule(door: str) -> None:
    """A well-formed, allowed connection draws nothing from any rule, in either spelling."""
    for policy_name in ("databricks-domain", "allowed-sandboxes", "protect-production",
                        "owner-description", "naming-convention"):
        assert run(policy_name, door_args(door, config=DEV_CONFIG)) == [], policy_name


BAD_CASES = [
    ("databricks-domain", {"domain": "https://evil.example.com"}, (), False, DEV_CONFIG,
     "domain has a host that is not a Databricks workspace host"),
    ("allowed-sandboxes", {"sandbox_name": "prod"}, (), True, DEV_CONFIG,
     "targets a sandbox (sandbox_name)"),
    ("allowed-sandboxes", {}, ("sandbox_name",), True, DEV_CONFIG, "has no sandbox_name"),
    ("allowed-sandboxes", {}, (), False, None, "--policy-pack-config"),
    ("protect-production", {"sandbox_name": "prod"}, (), False, None, "protect=True"),
    ("protect-production", {}, ("sandbox_name",), False, None, "without sandbox_name"),
    ("protect-production", {"sandbox_name": " Prod"}, (), False, None,
     "in a production sandbox"),
    ("owner-description", {"description": "no owner"}, (), False, None, "description is set"),
    ("naming-convention", {"name": "Bad Name"}, (), False, None, "name does not match"),
]


@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize(("policy_name", "changes", "drop", "protect", "config", "snippet"),
                         BAD_CASES)
def test_each_rule_reports_in_both_spellings(
    door: str, policy_name: str, changes: dict[str, Any], drop: tuple[str, ...], protect: bool,
    config: Mapping[str, Any] | None, snippet: str,
) -> None:
    """Each violation is seen whichever door declared the connection, with the same message,
    which names the property and never echoes the value."""
    (message,) = run(policy_name, door_args(door, changes, drop=drop, protect=protect,
                                            config=config))
    assert f"[{policy_name}]" in message
    assert 'Connection "sales"' in message
    assert snippet in message
    assert not [v for v in changes.values() if json.dumps(v) in message]
    assert "Fix" in message


@pytest.mark.parametrize("door", sorted(DOORS))
def test_a_protected_production_connection_passes_in_both_spellings(door: str) -> None:
    """protect=True satisfies protect-production, whichever door declared the connection."""
    assert run("protect-production", door_args(door, {"sandbox_name": "prod"}, protect=True)) == []


@pytest.mark.parametrize("door", sorted(DOORS))
def test_the_access_token_is_scrubbed_in_both_spellings(door: str) -> None:
    """No message holds the token or any value it was pasted into, whichever door."""
    bad = {"domain": f"https://evil.example.com/{TOKEN}", "name": f"Sales {TOKEN}",
           "description": f"token {TOKEN}", "sandbox_name": f"prod{TOKEN}"}
    messages: list[str] = []
    for policy_name in ("databricks-domain", "allowed-sandboxes", "protect-production",
                        "owner-description", "naming-convention"):
        messages += run(policy_name, door_args(door, bad, config=DEV_CONFIG))
    assert len(messages) == 4  # every rule but protect-production: "prod<token>" is not prod
    assert all(TOKEN[:12] not in m and f"prod{TOKEN[:4]}" not in m for m in messages)


@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize(("policy_name", "field", "config"), [
    ("databricks-domain", "domain", None),
    ("allowed-sandboxes", "sandbox_name", DEV_CONFIG),
    ("protect-production", "sandbox_name", None),
])
def test_an_unknown_value_at_up_is_a_violation_in_both_spellings(
    monkeypatch: pytest.MonkeyPatch, door: str, policy_name: str, field: str,
    config: Mapping[str, Any] | None,
) -> None:
    """At `pulumi up` an unknown sandboxName/domain of a native connection is refused too."""
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    (message,) = run(policy_name, door_args(door, {field: UNKNOWN_STRING_VALUE}, config=config))
    assert f"[{policy_name}]" in message
    assert "is still unknown at `pulumi up`" in message


def _named(name: str, sandbox: str = "dev") -> dict[str, Any]:
    return {**GOOD, "name": name, "sandbox_name": sandbox}


@pytest.mark.parametrize(("first", "second"), [
    ("dynamic", "dynamic"), ("native", "native"), ("dynamic", "native"), ("native", "dynamic"),
])
def test_unique_names_sees_clashes_across_spellings(first: str, second: str) -> None:
    """Two connections with one name in one sandbox clash, whichever doors declared them."""
    args = StackValidationArgs([
        door_resource(first, "a", _named("sales")),
        door_resource(second, "b", _named("Sales")),
        door_resource(second, "c", _named("sales", "stage")),
    ])
    messages = run("unique-names", args)
    assert len(messages) == 2
    assert all("[unique-names]" in m for m in messages)
    assert all(TOKEN not in m for m in messages)


def test_unique_names_reports_an_unknown_native_name_at_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At `pulumi up` a native connection whose sandboxName is unknown is reported."""
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    args = StackValidationArgs([
        door_resource("native", "a", _named("sales")),
        door_resource("native", "c", _named("sales", UNKNOWN_STRING_VALUE)),
    ])
    (message,) = run("unique-names", args)
    assert 'Connection "c"' in message
    assert "still unknown at `pulumi up`" in message
