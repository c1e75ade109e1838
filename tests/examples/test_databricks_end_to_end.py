"""examples/databricks-end-to-end under Pulumi mocks: which output feeds which input, secrets
secret end to end, and the dependency order (each run in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT

HARNESS = ROOT / "tests" / "examples" / "_end_to_end_harness.py"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
HOST = "https://adb-1234567890123456.7.azuredatabricks.net"
STAGING = "pulumi-python:dynamic/aep:DatabricksStagingCredentials"
CLUSTER = "databricks:index/cluster:Cluster"
SCOPE = "databricks:index/secretScope:SecretScope"
SECRET = "databricks:index/secret:Secret"
TOKEN = "databricks:index/token:Token"
CONNECTION = "pulumi-python:dynamic/aep:DatabricksBaseConnection"


def run_example(config: dict[str, str]) -> dict[str, Any]:
    """The harness's JSON for one run of the example with ``config``."""
    request = {"config": {"databricks:host": HOST, "aep:sandboxName": "dev", **config},
               "secret_keys": []}
    completed = subprocess.run([sys.executable, str(HARNESS)], input=json.dumps(request),
                               capture_output=True, text=True, cwd=ROOT, timeout=120,
                               check=False)
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    assert result["error"] is None
    return result


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    """One run with a rotation trigger set."""
    return run_example({"aep:stagingRotationTrigger": "2026-11-29T00:00:00Z"})


def by_type(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The registered resources by type (one each in this program)."""
    found = {r["type"]: r for r in run["resources"]}
    assert len(found) == len(run["resources"])
    return found


def secret(value: Any) -> Any:
    """The value inside a secret envelope; fails when ``value`` is not one."""
    assert isinstance(value, dict), value
    assert SECRET_SIG in value, value
    return value["value"]


def test_cluster_spark_conf_references_the_secret_and_holds_no_token(
        run: dict[str, Any]) -> None:
    """The cluster's spark_conf is the credentials' one Spark config entry (its key), its value
    the reference {{secrets/<scope>/<key>}} to the secret, not the token; nothing in the
    cluster's definition holds the token."""
    from tests.examples._end_to_end_harness import OUTPUTS, SAS

    resources = by_type(run)
    cluster = resources[CLUSTER]["inputs"]
    secret_inputs = resources[SECRET]["inputs"]
    scope_name = resources[SCOPE]["inputs"]["name"]
    assert cluster["sparkConf"] == {
        key: f"{{{{secrets/{scope_name}/{secret_inputs['key']}}}}}"
        for key in OUTPUTS[STAGING]["spark_conf"]}
    assert secret_inputs["scope"] == scope_name == "aep-staging"
    assert SAS not in json.dumps(cluster)


def test_the_secret_holds_the_token_marked_secret(run: dict[str, Any]) -> None:
    """The Databricks secret's string_value is the staging credentials' SAS token, sent
    secret, and the resource keeps it secret in its outputs."""
    from tests.examples._end_to_end_harness import OUTPUTS

    stored = by_type(run)[SECRET]
    assert secret(stored["inputs"]["stringValue"]) == OUTPUTS[STAGING]["sas_token"]
    assert "stringValue" in stored["additional_secret_outputs"]


def test_a_new_token_changes_the_cluster(run: dict[str, Any]) -> None:
    """The cluster carries the token's expiry and the rotation trigger as tags, so a rotation
    changes its definition (and a running cluster restarts to read the new secret)."""
    from tests.examples._end_to_end_harness import OUTPUTS

    tags = by_type(run)[CLUSTER]["inputs"]["customTags"]
    assert tags == {"aep-staging-expiry": OUTPUTS[STAGING]["expiry_date"],
                    "aep-staging-rotation": "2026-11-29T00:00:00Z"}


def test_staging_credentials_inputs_and_secret_outputs(run: dict[str, Any]) -> None:
    """The rotation trigger comes from aep:stagingRotationTrigger (the policy's rotation
    command sets it); the token, URI and Spark config are secret outputs."""
    staging = by_type(run)[STAGING]
    assert staging["inputs"] == {"sandbox_name": "dev",
                                 "rotation_trigger": "2026-11-29T00:00:00Z"}
    assert staging["additional_secret_outputs"] == ["sas_token", "sas_uri", "spark_conf"]


def test_connection_takes_cluster_workspace_and_token(run: dict[str, Any]) -> None:
    """The base connection gets the cluster's id, the workspace URL of databricks:host and the
    Databricks token's value, the token secret."""
    from tests.examples._end_to_end_harness import IDS, OUTPUTS

    inputs = by_type(run)[CONNECTION]["inputs"]
    assert inputs["cluster_id"] == IDS[CLUSTER]
    assert inputs["domain"] == HOST
    assert secret(inputs["access_token"]) == OUTPUTS[TOKEN]["tokenValue"]


def test_dependency_order(run: dict[str, Any]) -> None:
    """Credentials and scope before the secret, the secret before the cluster, the cluster and
    the token before the connection."""
    resources = by_type(run)
    urns = {t: r["urn"] for t, r in resources.items()}
    assert set(resources[SECRET]["dependencies"]) == {urns[STAGING], urns[SCOPE]}
    assert set(resources[CLUSTER]["dependencies"]) == {urns[STAGING], urns[SCOPE], urns[SECRET]}
    assert set(resources[CONNECTION]["dependencies"]) == {urns[CLUSTER], urns[TOKEN]}
    order = [r["type"] for r in run["resources"]]
    assert order.index(STAGING) < order.index(SECRET) < order.index(CLUSTER)
    assert order.index(CLUSTER) < order.index(CONNECTION)


def test_no_secret_in_exports_or_plain_inputs(run: dict[str, Any]) -> None:
    """No export and no input outside a secret envelope carries the SAS token or the
    Databricks token."""
    from tests.examples._end_to_end_harness import OUTPUTS, SAS

    def public(value: Any) -> Any:
        if isinstance(value, dict):
            return None if SECRET_SIG in value else {k: public(v) for k, v in value.items()}
        return value

    texts = json.dumps(run["exports"]) + json.dumps([public(r["inputs"])
                                                     for r in run["resources"]])
    assert SAS not in texts
    assert OUTPUTS[TOKEN]["tokenValue"] not in texts
    assert SAS in json.dumps(run["resources"]), "the search finds nothing"


def test_without_a_trigger_nothing_rotates(run: dict[str, Any]) -> None:
    """With no aep:stagingRotationTrigger the credentials have no trigger input."""
    resources = by_type(run_example({}))
    assert resources[STAGING]["inputs"] == {"sandbox_name": "dev"}
    assert "aep-staging-rotation" not in resources[CLUSTER]["inputs"]["customTags"]
