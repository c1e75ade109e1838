"""The schema-references-agree stack policy, through its validator (no engine), and the pack's
copy of the rule."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pulumi_policy import PolicyResource, StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from provider.codegen import policy_rules
from tests.policy.test_pipeline_policies import DYNAMIC, NATIVE, _opts, urn_of

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
SCHEMA = "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef"
OTHER = "https://ns.adobe.com/acme/schemas/fedcba9876543210fedcba9876543210"
V1 = "application/vnd.adobe.xed+json;version=1"


def _load() -> ModuleType:
    """policy/xdm_policies.py by path, the pack dir on sys.path as the engine puts it."""
    if str(POLICY_DIR) not in sys.path:
        sys.path.insert(0, str(POLICY_DIR))
    spec = importlib.util.spec_from_file_location("xdm_policies", POLICY_DIR / "xdm_policies.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


xp = _load()


def res(name: str, kind: str, props: dict[str, Any], prefix: str = DYNAMIC,
        deps: dict[str, list[PolicyResource]] | None = None) -> PolicyResource:
    """A PolicyResource as AnalyzeStack builds it."""
    type_ = prefix + kind
    return PolicyResource(type_, unknown_checking_proxy(props), urn_of(name, type_), name,
                          _opts(), None, None, [], deps or {})


def violations(*resources: PolicyResource) -> list[tuple[str, str | None]]:
    """What the rule reports for a stack of ``resources``."""
    found: list[tuple[str, str | None]] = []
    xp.validate_schema_references(StackValidationArgs(list(resources), None),
                                  lambda m, u=None: found.append((m, u)))
    return found


def path(dataset_schema: str, target_version: str, mapping_schema: str) -> list[PolicyResource]:
    """Dataset, target (wired to it by value), mapping set and dataflow."""
    return [
        res("ds", "Dataset", {"dataset_id": "5c8c3c555033b814b69f947f", "schema_id":
                              dataset_schema, "schema_version": V1}),
        res("tc", "DataLakeTargetConnection", {"dataset_id": "5c8c3c555033b814b69f947f",
                                               "schema_id": SCHEMA, "schema_version":
                                               target_version, "target_connection_id": "t-1"}),
        res("ms", "MappingSet", {"schema_id": mapping_schema, "mapping_set_id": "m" * 32}),
        res("flow", "Dataflow", {"target_connection_id": "t-1", "mapping_set_id": "m" * 32}),
    ]


def test_agreeing_references_pass() -> None:
    """One schema id and version=1 everywhere: nothing reported."""
    assert violations(*path(SCHEMA, V1, SCHEMA)) == []


@pytest.mark.parametrize(("dataset", "version", "mapping", "says"), [
    (OTHER, V1, SCHEMA, "the schema ids differ (target connection"),
    (SCHEMA, V1, OTHER, "mapping set " + OTHER),
    (SCHEMA, "application/vnd.adobe.xed+json;version=1.3", SCHEMA,
     "looks like the registry's edit version"),
    (SCHEMA, "application/vnd.adobe.xed+json;version=2", SCHEMA,
     "the schema major versions differ"),
])
def test_a_mismatch_is_reported_on_the_target(dataset: str, version: str, mapping: str,
                                              says: str) -> None:
    """A differing id, a registry version or another major version is one violation on the
    target connection's URN, with the fix."""
    [(message, urn)] = violations(*path(dataset, version, mapping))
    assert urn == urn_of("tc", DYNAMIC + "DataLakeTargetConnection")
    assert says in message
    assert "Fix: wire every schema_id and schema_version from one XdmSchema" in message


def test_a_dataset_wired_by_dependency_is_found_while_ids_are_unknown() -> None:
    """At preview the dataset id is unknown: the target's property dependency links them (the
    plugin's camelCase spelling here)."""
    dataset = res("ds", "Dataset", {"datasetId": UNKNOWN_STRING_VALUE, "schemaId": OTHER,
                                    "schemaVersion": V1}, NATIVE)
    target = res("tc", "DataLakeTargetConnection", {
        "datasetId": UNKNOWN_STRING_VALUE, "schemaId": SCHEMA, "schemaVersion": V1}, NATIVE,
        deps={"datasetId": [dataset]})
    [(message, _)] = violations(dataset, target)
    assert "the schema ids differ" in message


def test_unknown_values_are_left_out_at_preview() -> None:
    """Schema ids that are outputs still being created are not judged."""
    resources = path(SCHEMA, V1, SCHEMA)
    resources[0] = res("ds", "Dataset", {"dataset_id": "5c8c3c555033b814b69f947f",
                                         "schema_id": UNKNOWN_STRING_VALUE})
    assert violations(*resources) == []


def test_the_pack_copy_of_the_rule_is_current() -> None:
    """policy/_schema_refs.py is the generated copy of provider/rules/schema_refs.py."""
    assert (POLICY_DIR / "_schema_refs.py").read_text() == policy_rules()["_schema_refs.py"]
