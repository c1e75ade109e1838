"""The registry: one list of served resources, and the state-format provider classes."""

from __future__ import annotations

import importlib

from provider import fields
from provider.resources import REGISTRY, by_token, specs, xdm_fields

# Pickled by reference into users' state: each must stay DEFINED (not re-exported) here.
STATE_FORMAT_PROVIDERS = (
    "provider.resource:DatabricksBaseConnectionProvider",
    "provider.pipeline_resources:DatabricksSourceConnectionProvider",
    "provider.pipeline_resources:DataLakeTargetConnectionProvider",
    "provider.pipeline_resources:MappingSetProvider",
    "provider.pipeline_resources:DataflowProvider",
    "provider.staging_resource:DatabricksStagingCredentialsProvider",
)


def test_the_six_provider_classes_stay_defined_where_state_names_them() -> None:
    """Every pickled provider path of the six released resources names a class defined in that
    module, serving that registered resource."""
    assert tuple(e.provider for e in REGISTRY[:6]) == STATE_FORMAT_PROVIDERS
    for entry in REGISTRY[:6]:
        module, _, name = entry.provider.partition(":")
        cls = getattr(importlib.import_module(module), name)
        assert (cls.__module__, cls.__qualname__) == (module, name)
        assert cls.API is entry.api


def test_the_registry_holds_every_field_table_once() -> None:
    """Every ResourceSpec of provider.fields and provider.resources.xdm_fields is registered
    exactly once, with a distinct name."""
    tables = [v for module in (fields, xdm_fields) for v in vars(module).values()
              if isinstance(v, fields.ResourceSpec)]
    assert sorted(s.name for s in specs()) == sorted(t.name for t in tables)
    assert len({s.token for s in specs()}) == len(specs())


def test_both_doors_tokens_find_the_resource() -> None:
    """The dynamic door's and the plugin's type tokens name the same registered resource."""
    for entry in REGISTRY:
        assert by_token(entry.token) is entry
        assert by_token(f"pulumi-python:dynamic/aep:{entry.spec.name}") is entry
    assert by_token("aep:index:Nope") is None


def test_the_dynamic_token_is_the_one_pulumi_makes() -> None:
    """Each dynamic Resource class's type token (as Pulumi's SDK builds it from ``module`` and
    ``name``) is the registry's dynamic token, which the policy pack matches."""
    for entry in REGISTRY:
        module = entry.provider.partition(":")[0]
        cls = getattr(importlib.import_module(module), entry.spec.name)
        assert f"pulumi-python:{cls._resource_type_name}" == entry.dynamic_token
