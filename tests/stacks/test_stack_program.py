"""The stacks program under Pulumi mocks, fed with each committed stack file.

Each run happens in a fresh interpreter (tests/stacks/_program_harness.py) because mocks and
config are process-wide Pulumi state.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from stack_testlib import PROJECT, ROOT, engine_config, stack_yaml

HARNESS = ROOT / "tests" / "stacks" / "_program_harness.py"
TYPE_TOKEN = "pulumi-python:dynamic/aep:DatabricksBaseConnection"
SECRET_SIG = "4dabf18193072939515e22adb298388d"

# stack -> (sandbox, {connection name: protect})
EXPECTED = {
    "local": ("dev", {"sales-lakehouse": False, "marketing-warehouse": False}),
    "dev": ("dev", {"sales-lakehouse": False, "marketing-warehouse": False}),
    "prod": ("prod", {"sales-lakehouse": True}),
}


def run_program(stack: str, config: dict[str, str], secret_keys: list[str]) -> dict[str, Any]:
    """Run the program once under mocks in a subprocess and return the harness's JSON."""
    request = {"project": PROJECT, "stack": stack, "config": config, "secret_keys": secret_keys}
    completed = subprocess.run(
        [sys.executable, str(HARNESS)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def deployed(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """Each committed stack file run through the program once."""
    stack: str = request.param
    config, secret_keys = engine_config(stack)
    return stack, run_program(stack, config, secret_keys)


def test_program_runs_without_error(deployed: tuple[str, dict[str, Any]]) -> None:
    """The committed stack file is accepted by the program."""
    _, result = deployed
    assert result["error"] is None


def test_one_resource_per_connection_with_the_dynamic_type_token(
    deployed: tuple[str, dict[str, Any]],
) -> None:
    """Each stack declares exactly its connections, as DatabricksBaseConnection resources."""
    stack, result = deployed
    _, expected = EXPECTED[stack]
    bases = [r for r in result["resources"] if r["type"] == TYPE_TOKEN]
    assert sorted(r["name"] for r in bases) == sorted(expected)


def test_inputs_are_the_stack_file_values_in_snake_case(
    deployed: tuple[str, dict[str, Any]],
) -> None:
    """Each resource gets the entry's fields as snake_case inputs and the sandbox from config."""
    stack, result = deployed
    sandbox, _ = EXPECTED[stack]
    entries = {e["name"]: e for e in stack_yaml(stack)[f"{PROJECT}:connections"]}
    for resource in [r for r in result["resources"] if r["type"] == TYPE_TOKEN]:
        entry = entries[resource["name"]]
        inputs = resource["inputs"]
        assert inputs["name"] == entry["name"]
        assert inputs["domain"] == entry["domain"]
        assert inputs["cluster_id"] == entry["clusterId"]
        assert inputs["database"] == entry["database"]
        assert inputs.get("catalog") == entry.get("catalog")
        assert inputs.get("description") == entry.get("description")
        assert inputs.get("adopt_existing") == entry.get("adoptExisting")
        assert inputs["sandbox_name"] == sandbox
        assert not {"clusterId", "tokenKey", "adoptExisting"} & set(inputs)


def test_access_token_is_a_secret_input_with_the_configured_value(
    deployed: tuple[str, dict[str, Any]],
) -> None:
    """The Databricks token arrives as a secret envelope holding the value of its tokenKey."""
    stack, result = deployed
    config, _ = engine_config(stack)
    entries = {e["name"]: e for e in stack_yaml(stack)[f"{PROJECT}:connections"]}
    for resource in [r for r in result["resources"] if r["type"] == TYPE_TOKEN]:
        token = resource["inputs"]["access_token"]
        assert isinstance(token, dict)
        assert SECRET_SIG in token
        assert token["value"] == config[f"{PROJECT}:{entries[resource['name']]['tokenKey']}"]
        assert resource["provider_is_secret"]


def test_protect_follows_the_stack_file(deployed: tuple[str, dict[str, Any]]) -> None:
    """`protect: true` in the stack file reaches the engine as the protect resource option."""
    stack, result = deployed
    _, expected = EXPECTED[stack]
    assert {r["name"]: r["protect"] for r in result["resources"]
            if r["type"] == TYPE_TOKEN} == expected


def test_exports_connection_ids_and_etags_by_name(deployed: tuple[str, dict[str, Any]]) -> None:
    """The stack exports the sandbox and {name: {connectionId, etag}} for every connection."""
    stack, result = deployed
    sandbox, expected = EXPECTED[stack]
    exports = result["exports"]
    assert exports["sandboxName"] == sandbox
    assert sorted(exports["connections"]) == sorted(expected)
    for name, out in exports["connections"].items():
        assert out["connectionId"] == f"{name}-0001"
        assert out["etag"]


def test_missing_sandbox_stops_the_program_with_one_clear_message() -> None:
    """Without aep:sandboxName the program raises RunError naming the key, with an example."""
    config, secret_keys = engine_config("dev")
    del config["aep:sandboxName"]
    result = run_program("dev", config, secret_keys)
    assert result["resources"] == []
    assert result["error"]["type"] == "RunError"
    assert "'aep:sandboxName'" in result["error"]["message"]
    assert "aep-connections:connections:" in result["error"]["message"]


def test_plaintext_token_on_a_real_stack_stops_the_program() -> None:
    """A Databricks token stored in clear on a non-local stack is refused before any resource."""
    config, _ = engine_config("prod")
    result = run_program("prod", config, secret_keys=["aep:clientSecret"])
    assert result["resources"] == []
    assert result["error"]["type"] == "RunError"
    assert "aep-connections:databricksToken-sales" in result["error"]["message"]
    assert "pulumi config set --secret databricksToken-sales" in result["error"]["message"]
    assert "test-aep-connections:databricksToken-sales" not in result["error"]["message"]


def test_local_stack_settings_copied_to_prod_stop_the_program() -> None:
    """The local stack's allowPlaintextTokens, run as stack `prod`, stops the program early."""
    config, secret_keys = engine_config("local")
    result = run_program("prod", config, secret_keys)
    assert result["resources"] == []
    assert result["error"]["type"] == "RunError"
    assert "only the offline 'local' stack may keep Databricks tokens in clear" in (
        result["error"]["message"]
    )


def test_deeply_nested_connections_stop_the_program_with_one_message() -> None:
    """`connections` nested 3,000 deep is a RunError naming the key, not a RecursionError."""
    config, secret_keys = engine_config("dev")
    config[f"{PROJECT}:connections"] = "[" * 3000 + "]" * 3000
    result = run_program("dev", config, secret_keys)
    assert result["resources"] == []
    assert result["error"]["type"] == "RunError"
    assert "nested too deeply" in result["error"]["message"]


def test_a_provider_credential_as_token_key_stops_the_program() -> None:
    """tokenKey: aep:clientSecret is refused: the IMS secret never becomes a Databricks token."""
    config, secret_keys = engine_config("dev")
    connections = json.loads(config[f"{PROJECT}:connections"])
    connections[0]["tokenKey"] = "aep:clientSecret"
    config[f"{PROJECT}:connections"] = json.dumps(connections)
    result = run_program("dev", config, secret_keys)
    assert result["resources"] == []
    assert "provider's settings namespace" in result["error"]["message"]
    assert config["aep:clientSecret"] not in result["error"]["message"]


def test_local_stack_declares_one_wired_pipeline(deployed: tuple[str, dict[str, Any]]) -> None:
    """The local stack's dataflow becomes source, target, mapping set and dataflow, wired from
    outputs, with snake_case nested inputs; other stacks declare none."""
    stack, result = deployed
    by_type: dict[str, list[dict[str, Any]]] = {}
    for resource in result["resources"]:
        by_type.setdefault(resource["type"].rsplit(":", 1)[-1], []).append(resource)
    if stack != "local":
        assert "Dataflow" not in by_type
        return
    (source,) = by_type["DatabricksSourceConnection"]
    (target,) = by_type["DataLakeTargetConnection"]
    (mapping,) = by_type["MappingSet"]
    (flow,) = by_type["Dataflow"]
    assert source["inputs"]["base_connection_id"] == "sales-lakehouse-0001"
    assert source["inputs"]["table_name"] == "sales.orders"
    assert flow["inputs"]["source_connection_id"] == source["name"] + "-0001"
    assert flow["inputs"]["target_connection_id"] == target["name"] + "-0001"
    assert flow["inputs"]["mapping_set_id"] == mapping["name"] + "-0001"
    assert flow["inputs"]["schedule"]["start_time"] == "2027-01-15T08:00:00Z"
    assert mapping["inputs"]["mappings"][0]["source_type"] == "ATTRIBUTE"
    assert set(result["exports"]["dataflows"]) == {"sales-lakehouse/sales.orders"}
