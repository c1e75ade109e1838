"""stacks/config.py: parsing and validation of the stack configuration."""

from __future__ import annotations

import gc
import json
import random
from typing import Any

import pytest

from stacks.config import (
    CONNECTION_FIELDS,
    ConnectionSpec,
    MappingConfigSource,
    StackConfigError,
    load_stack_config,
)

PROJECT = "aep-connections"
TOKEN = "dapi-very-secret-token-value"


def entry(**overrides: Any) -> dict[str, Any]:
    """A valid connection entry, with fields replaced (None removes a field)."""
    base: dict[str, Any] = {
        "name": "sales",
        "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
        "clusterId": "0123-456789-abcdefgh",
        "database": "sales",
        "tokenKey": "databricksToken-sales",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def source(
    connections: Any = None,
    *,
    extra: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
    plaintext: bool = False,
) -> MappingConfigSource:
    """A config source with a valid stack, changed as asked."""
    values = {
        "aep:sandboxName": "dev",
        f"{PROJECT}:connections": json.dumps([entry()] if connections is None else connections),
        f"{PROJECT}:databricksToken-sales": TOKEN,
    }
    values.update(extra or {})
    for key in drop:
        values.pop(key, None)
    secrets = frozenset() if plaintext else frozenset({f"{PROJECT}:databricksToken-sales"})
    return MappingConfigSource(values, secrets)


def test_valid_config_becomes_typed_specs() -> None:
    """A valid stack gives the sandbox and one ConnectionSpec per entry, token key qualified."""
    config = load_stack_config(
        source([entry(catalog="main", description="d", protect=True, adoptExisting=False)]),
        PROJECT,
    )
    assert config.sandbox_name == "dev"
    assert config.connections == (
        ConnectionSpec(
            name="sales",
            domain="https://adb-1234567890123456.7.azuredatabricks.net",
            cluster_id="0123-456789-abcdefgh",
            database="sales",
            token_key=f"{PROJECT}:databricksToken-sales",
            description="d",
            catalog="main",
            protect=True,
            adopt_existing=False,
        ),
    )


def test_optional_fields_default() -> None:
    """Omitted optional fields: no description/catalog, protect false, adoptExisting unset."""
    (spec,) = load_stack_config(source(), PROJECT).connections
    assert (spec.description, spec.catalog, spec.protect, spec.adopt_existing) == (
        None,
        None,
        False,
        None,
    )


def test_token_key_may_name_another_namespace() -> None:
    """A tokenKey written `ns:key` is read from that namespace, not the project's."""
    src = MappingConfigSource(
        {
            "aep:sandboxName": "dev",
            f"{PROJECT}:connections": json.dumps([entry(tokenKey="shared:dbx")]),
            "shared:dbx": TOKEN,
        },
        frozenset({"shared:dbx"}),
    )
    (spec,) = load_stack_config(src, PROJECT).connections
    assert spec.token_key == "shared:dbx"


def test_empty_connection_list_is_allowed() -> None:
    """`connections: []` is a valid stack that manages nothing (e.g. to retire every connection)."""
    assert load_stack_config(source([]), PROJECT).connections == ()


def test_plaintext_tokens_are_accepted_when_the_stack_allows_them() -> None:
    """`allowPlaintextTokens: true` (the local emulator stack) accepts tokens stored in clear."""
    config = load_stack_config(
        source(plaintext=True, extra={f"{PROJECT}:allowPlaintextTokens": "true"}),
        PROJECT,
        "local",
    )
    assert config.allow_plaintext_tokens
    assert len(config.connections) == 1


# (case id, source, expected key in the error, expected fragment of the message)
BAD_CONFIGS = [
    ("missing sandbox", source(drop=("aep:sandboxName",)), "aep:sandboxName", "not set"),
    ("blank sandbox", source(extra={"aep:sandboxName": "  "}), "aep:sandboxName", "empty"),
    (
        "missing connections",
        source(drop=(f"{PROJECT}:connections",)),
        f"{PROJECT}:connections",
        "not set",
    ),
    (
        "connections is a mapping",
        source(entry()),
        f"{PROJECT}:connections",
        "expected a list of connections",
    ),
    (
        "connections is a scalar",
        source(extra={f"{PROJECT}:connections": "sales"}),
        f"{PROJECT}:connections",
        "got the string 'sales'",
    ),
    (
        "entry is not a mapping",
        source(["sales"]),
        f"{PROJECT}:connections[0]",
        "must be a mapping",
    ),
    (
        "unknown field (typo)",
        source([entry(clusterID="x")]),
        f"{PROJECT}:connections[0].clusterID",
        "unknown field",
    ),
    (
        "missing required field",
        source([entry(domain=None)]),
        f"{PROJECT}:connections[0].domain",
        "required field is missing",
    ),
    (
        "domain of the wrong type",
        source([entry(domain=12345)]),
        f"{PROJECT}:connections[0].domain",
        "expected a string, got the number 12345 (quote it in YAML)",
    ),
    (
        "database given as a list",
        source([entry(database=["a"])]),
        f"{PROJECT}:connections[0].database",
        "expected a string, got a list",
    ),
    (
        "protect as a string",
        source([entry(protect="yes")]),
        f"{PROJECT}:connections[0].protect",
        "expected true or false",
    ),
    (
        "empty name",
        source([entry(name="")]),
        f"{PROJECT}:connections[0].name",
        "empty",
    ),
    (
        "token key not a key name",
        source([entry(tokenKey="my token")]),
        f"{PROJECT}:connections[0].tokenKey",
        "not a config key name",
    ),
    (
        "token key not set",
        source(drop=(f"{PROJECT}:databricksToken-sales",)),
        f"{PROJECT}:databricksToken-sales",
        "pulumi config set --secret databricksToken-sales",
    ),
    (
        "token stored in clear",
        source(plaintext=True),
        f"{PROJECT}:databricksToken-sales",
        "stored in clear",
    ),
    (
        "duplicate names",
        source([entry(), entry(database="other")]),
        f"{PROJECT}:connections[1].name",
        "duplicate connection name 'sales' (also at index 0)",
    ),
    (
        "allowPlaintextTokens not a bool",
        source(extra={f"{PROJECT}:allowPlaintextTokens": "maybe"}),
        f"{PROJECT}:allowPlaintextTokens",
        "expected true or false",
    ),
    *[
        (
            f"allowPlaintextTokens spelled {raw!r}",
            source(plaintext=True, extra={f"{PROJECT}:allowPlaintextTokens": raw}),
            f"{PROJECT}:allowPlaintextTokens",
            "expected true or false (a YAML boolean, unquoted)",
        )
        for raw in ("TRUE", "True", " true ", "yes", "1", "")
    ],
    (
        "allowPlaintextTokens on a stack other than local",
        source(plaintext=True, extra={f"{PROJECT}:allowPlaintextTokens": "true"}),
        f"{PROJECT}:allowPlaintextTokens",
        "only the offline 'local' stack may keep Databricks tokens in clear",
    ),
    *[
        (
            f"token key {key} in the provider's namespace",
            source([entry(tokenKey=key)], extra={key: TOKEN}),
            f"{PROJECT}:connections[0].tokenKey",
            "is a key of the provider's settings namespace",
        )
        for key in ("aep:clientSecret", "aep:accessToken", "aep:clientId", "AEP:other")
    ],
    *[
        (
            f"token key {key}, one of the project's own settings",
            source([entry(tokenKey=key)]),
            f"{PROJECT}:connections[0].tokenKey",
            "one of this project's own settings",
        )
        for key in ("connections", "allowPlaintextTokens", f"{PROJECT}:connections")
    ],
    (
        "one token key for two workspaces",
        source([entry(), entry(name="other", domain="https://adb-999.9.azuredatabricks.net")]),
        f"{PROJECT}:connections[1].tokenKey",
        "a Databricks token belongs to one workspace",
    ),
    (
        "shared token key declared on one side only",
        source([
            entry(),
            entry(name="other", domain="https://dbc-1.cloud.databricks.com", sharedTokenKey=True),
        ]),
        f"{PROJECT}:connections[1].tokenKey",
        "sharedTokenKey: true on every connection",
    ),
    (
        "sharedTokenKey not a boolean",
        source([entry(sharedTokenKey="true")]),
        f"{PROJECT}:connections[0].sharedTokenKey",
        "expected true or false",
    ),
    (
        "connections nested 3,000 deep",
        source(extra={f"{PROJECT}:connections": "[" * 3000 + "]" * 3000}),
        f"{PROJECT}:connections",
        "nested too deeply",
    ),
]


@pytest.mark.parametrize(
    ("src", "key", "fragment"),
    [case[1:] for case in BAD_CONFIGS],
    ids=[case[0] for case in BAD_CONFIGS],
)
def test_bad_config_fails_with_one_clear_message(
    src: MappingConfigSource, key: str, fragment: str
) -> None:
    """Each kind of bad config raises StackConfigError naming the key, the problem, an example."""
    with pytest.raises(StackConfigError) as caught:
        load_stack_config(src, PROJECT)
    message = str(caught.value)
    assert caught.value.key == key
    assert f"'{key}'" in message.splitlines()[0]
    assert fragment in message
    assert "config:\n  aep:sandboxName: dev\n  aep-connections:connections:" in message


@pytest.mark.parametrize(
    "src", [case[1] for case in BAD_CONFIGS], ids=[case[0] for case in BAD_CONFIGS]
)
def test_error_messages_never_contain_the_token(src: MappingConfigSource) -> None:
    """No validation message repeats a Databricks token value."""
    with pytest.raises(StackConfigError) as caught:
        load_stack_config(src, PROJECT)
    assert TOKEN not in str(caught.value)


def test_allow_plaintext_false_is_accepted_on_any_stack() -> None:
    """`allowPlaintextTokens: false` changes nothing and is accepted everywhere."""
    config = load_stack_config(
        source(extra={f"{PROJECT}:allowPlaintextTokens": "false"}), PROJECT, "prod"
    )
    assert not config.allow_plaintext_tokens


def test_one_token_key_may_serve_several_connections_of_one_workspace() -> None:
    """Two databases of one workspace (host compared case-insensitively) may share a token key."""
    config = load_stack_config(
        source([
            entry(),
            entry(name="other", database="b",
                  domain="https://ADB-1234567890123456.7.azuredatabricks.net/"),
        ]),
        PROJECT,
    )
    assert {spec.token_key for spec in config.connections} == {
        f"{PROJECT}:databricksToken-sales"
    }


def test_an_explicitly_shared_token_key_may_span_workspaces() -> None:
    """sharedTokenKey: true on every sharer lets one token key serve two workspaces."""
    config = load_stack_config(
        source([
            entry(sharedTokenKey=True),
            entry(name="other", domain="https://dbc-1.cloud.databricks.com", sharedTokenKey=True),
        ]),
        PROJECT,
    )
    assert [spec.shared_token_key for spec in config.connections] == [True, True]


def _random_value(rng: random.Random, depth: int) -> Any:
    """A random JSON value, sometimes deeply nested."""
    kind = rng.randrange(9 if depth < 6 else 5)
    leaves: list[Any] = [None, True, 3, 2.5, "x" * rng.randrange(3), "https://h", -1]
    if kind < 5:
        return rng.choice(leaves)
    if kind in (5, 6):
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    fields = [*CONNECTION_FIELDS, "other"]
    return {rng.choice(fields): _random_value(rng, depth + 1) for _ in range(rng.randrange(6))}


@pytest.mark.parametrize("seed", range(300))
def test_any_shape_raises_only_stack_config_error(seed: int) -> None:
    """Random shapes and depths of every key either load or raise StackConfigError only."""
    # Garbage earlier tests left is collected here, not deep in the parse below: a finalizer
    # run near the recursion limit fails, and pytest blames this test for it.
    gc.collect()
    rng = random.Random(seed)
    deep = rng.randrange(1, 5000)
    raws = [json.dumps(_random_value(rng, 0)), "[" * deep + "]" * deep,
            "[" + "{" * deep, "1" * 5000, "\x00", "[{}]" * 3]
    values = {
        "aep:sandboxName": rng.choice(["dev", "", " ", rng.choice(raws)]),
        f"{PROJECT}:connections": rng.choice(raws),
        f"{PROJECT}:allowPlaintextTokens": rng.choice(["true", "false", rng.choice(raws)]),
        f"{PROJECT}:databricksToken-sales": TOKEN,
    }
    src = MappingConfigSource(values, frozenset({f"{PROJECT}:databricksToken-sales"}))
    message = ""
    try:
        load_stack_config(src, PROJECT, rng.choice(["local", "prod", None]))
    except StackConfigError as error:
        message = str(error)
    assert TOKEN not in message


def test_pipelines_of_two_connections_that_would_share_resource_names_are_refused() -> None:
    """Connection `sales` ingesting `eu.orders` and connection `sales-eu` ingesting `orders`
    would both declare `sales-eu-orders-*`: refused at load, naming the second entry."""
    flow = {"datasetId": "5c8c3c555033b814b69f947f",
            "schemaId": "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef",
            "mappings": [{"source": "a", "destination": "_acme.a", "sourceType": "ATTRIBUTE"}],
            "schedule": {"startTime": "2026-01-01T00:00:00Z", "frequency": "hour",
                         "interval": 1}}
    with pytest.raises(StackConfigError) as caught:
        load_stack_config(source([
            entry(dataflows=[{**flow, "table": "eu.orders"}]),
            entry(name="sales-eu", database="b", dataflows=[{**flow, "table": "orders"}]),
        ]), PROJECT)
    assert caught.value.key == f"{PROJECT}:connections[1].dataflows[0]"
    assert "sales-eu-orders" in caught.value.problem
