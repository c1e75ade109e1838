"""Policy rule for schema as code: ``schema-references-agree`` (mandatory, stack).

For every ``DataLakeTargetConnection``, the schema references of its ingestion path agree: its
own ``schema_id``/``schema_version``, its ``Dataset``'s (found through the ``dataset_id`` it is
wired from, or by the id's value) and the ``MappingSet`` of the ``Dataflow`` that writes to it
name one schema ``$id`` and one MAJOR version; a ``version=1.3`` content type (the registry's
edit version) is reported too. The rule is the provider's own (``provider/rules/schema_refs.py``,
copied here as ``_schema_refs.py`` by ``python -m provider.schema``). Values still unknown at
preview (outputs of resources being created) are left out; when every value is an output, the
provider's Check refuses a registry version at ``pulumi up``. Self-contained like the rest of
the pack (no ``provider`` import). Both front doors' tokens and spellings are read.
"""

from __future__ import annotations

from collections.abc import Iterator

from _schema_refs import FIX, schema_ref_problems
from pipeline_policies import prop, type_name
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

TARGET, DATASET, DATAFLOW, MAPPING_SET = ("DataLakeTargetConnection", "Dataset", "Dataflow",
                                          "MappingSet")


def _known(resource: PolicyResource, *keys: str) -> tuple[object, ...] | None:
    try:
        return tuple(prop(resource.props, key) for key in keys)
    except UnknownValueError:
        return None


def _linked(resource: PolicyResource, key: str, kind: str, id_key: str,
            pool: list[PolicyResource]) -> Iterator[PolicyResource]:
    """The resources of ``kind`` that ``resource``'s ``key`` is wired from, or whose
    ``id_key`` output equals its value."""
    deps = {**resource.property_dependencies}
    wired = [d for name in (key, _camel(key)) for d in deps.get(name, [])
             if type_name(d.resource_type) == kind]
    if wired:
        yield from wired
        return
    value = _known(resource, key)
    for other in pool:
        if value and value[0] and _known(other, id_key) == value:
            yield other


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def validate_schema_references(args: StackValidationArgs,
                               report_violation: ReportViolation) -> None:
    """One schema ``$id`` and one major version across target, dataset and mapping set."""
    by_kind: dict[str, list[PolicyResource]] = {}
    for resource in args.resources:
        by_kind.setdefault(type_name(resource.resource_type) or "", []).append(resource)
    for target in by_kind.get(TARGET, []):
        refs: dict[str, tuple[str, str | None]] = {}
        own = _known(target, "schema_id", "schema_version")
        if own and isinstance(own[0], str):
            refs["target connection"] = (own[0], own[1] if isinstance(own[1], str) else None)
        for dataset in _linked(target, "dataset_id", DATASET, "dataset_id",
                               by_kind.get(DATASET, [])):
            found = _known(dataset, "schema_id", "schema_version")
            if found and isinstance(found[0], str):
                refs["dataset"] = (found[0], found[1] if isinstance(found[1], str) else None)
        for flow in by_kind.get(DATAFLOW, []):
            if target.urn not in {t.urn for t in _linked(
                    flow, "target_connection_id", TARGET, "target_connection_id", [target])}:
                continue
            for mapping in _linked(flow, "mapping_set_id", MAPPING_SET, "mapping_set_id",
                                   by_kind.get(MAPPING_SET, [])):
                found = _known(mapping, "schema_id")
                if found and isinstance(found[0], str):
                    refs["mapping set"] = (found[0], None)
        for problem in schema_ref_problems(refs):
            report_violation(
                f'[schema-references-agree] DataLakeTargetConnection "{target.name}" '
                f"({target.urn}): {problem}. {FIX}",
                target.urn,
            )


POLICIES: list[Policy] = [
    StackValidationPolicy(
        name="schema-references-agree",
        description="A target connection, its dataset and its mapping set name one XDM schema "
        "and one major version.",
        validate=validate_schema_references,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
"""The schema-as-code policies of the pack."""
