"""The ingestion-path resources of the dynamic door: both calling forms, type tokens, providers
pickled by reference."""

from __future__ import annotations

import pickle
from typing import Any

import pulumi
import pytest
from pulumi.dynamic import Resource

from provider import pipeline_resources as pr

SCHEDULE = {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour", "interval": 1}
CASES: list[tuple[type[Any], type[Any], dict[str, Any]]] = [
    (pr.DatabricksSourceConnection, pr.DatabricksSourceConnectionArgs,
     {"name": "s", "base_connection_id": "b", "table_name": "sales.orders", "sandbox_name": "dev"}),
    (pr.DataLakeTargetConnection, pr.DataLakeTargetConnectionArgs,
     {"name": "t", "dataset_id": "d", "schema_id": "x", "sandbox_name": "dev"}),
    (pr.MappingSet, pr.MappingSetArgs,
     {"schema_id": "x", "mappings": [{"source": "a", "destination": "b",
                                      "source_type": "ATTRIBUTE"}], "sandbox_name": "dev"}),
    (pr.Dataflow, pr.DataflowArgs,
     {"name": "f", "source_connection_id": "s", "target_connection_id": "t",
      "schedule": SCHEDULE, "sandbox_name": "dev"}),
]


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str, dict[str, Any], Any]]:
    """What each construction hands to Pulumi (provider, name, props, options)."""
    seen: list[tuple[Any, str, dict[str, Any], Any]] = []

    def capture(self: Any, provider: Any, name: str, props: dict[str, Any], opts: Any) -> None:
        seen.append((provider, name, props, opts))

    monkeypatch.setattr(Resource, "__init__", capture)
    return seen


@pytest.mark.parametrize(("cls", "args_cls", "inputs"), CASES)
def test_keyword_form_equals_args_form(registered: list[tuple[Any, str, dict[str, Any], Any]],
                                       cls: type[Any], args_cls: type[Any],
                                       inputs: dict[str, Any]) -> None:
    """Keyword inputs give the same props as the Args object; every output is declared."""
    opts = pulumi.ResourceOptions(protect=True)
    cls("r", args_cls(**inputs), opts)
    cls("r", opts, **inputs)
    (p1, _, first, o1), (p2, _, second, o2) = registered
    assert first == second
    assert type(p1) is type(p2)
    assert o1.protect is True
    assert o2.protect is True
    assert all(first[k] == v for k, v in inputs.items())
    spec = type(p1).API.SPEC
    assert {f.state for f in spec.outputs} <= set(first)


@pytest.mark.parametrize(("cls", "args_cls", "inputs"), CASES)
def test_providers_are_pickled_by_reference(registered: list[tuple[Any, str, dict[str, Any],
                                                                   Any]],
                                            cls: type[Any], args_cls: type[Any],
                                            inputs: dict[str, Any]) -> None:
    """The provider pickles as a reference to provider.pipeline_resources.<Name>Provider with
    an empty state (no credentials travel in ``__provider``)."""
    cls("r", **inputs)
    provider = registered[0][0]
    blob = pickle.dumps(provider)
    assert f"{cls.__name__}Provider".encode() in blob
    assert b"provider.pipeline_resources" in blob
    assert provider.__dict__ == {}


def test_both_forms_at_once_is_refused() -> None:
    """An Args object with keyword inputs is a TypeError naming the resource."""
    with pytest.raises(TypeError, match="Dataflow takes an Args object or keyword inputs"):
        pr.Dataflow("f", pr.DataflowArgs(name="f", source_connection_id="s",
                                         target_connection_id="t", schedule=SCHEDULE), name="x")
