"""The ``dataflows`` list of a connection in the stack config: parsing and validation only.

Each base connection of ``<project>:connections`` carries the tables it ingests::

    dataflows:
      - table: sales.orders                 # the table path, as explore lists it
        datasetId: 5c8c3c555033b814b69f947f
        schemaId: https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef
        mappings:
          - {source: order_id, destination: _acme.orderId, sourceType: ATTRIBUTE}
        schedule: {startTime: "2026-01-01T00:00:00Z", frequency: hour, interval: 1}
        deltaColumn: {name: updated_at}     # required for a new dataflow (Adobe)
        enabled: true                       # optional, default true
        cdcEnabled: false                   # optional (Azure Databricks change data feed)

:func:`parse_dataflows` turns one connection's raw ``dataflows`` value into
:class:`DataflowSpec` objects or raises :class:`stacks.config.StackConfigError` naming the key
(``<project>:connections[i].dataflows[j].field``) and showing this example. The rules are
``provider.pipeline_rules`` (the same ones the resources' ``check`` will run), so a stack that
loads will not fail at preview for a schedule, mapping or id shape. ``stacks/config.py`` reads it
per connection; ``stacks/program.py`` declares one pipeline per entry, its resource names made
from the table by :func:`table_stem` (two tables with one stem are refused here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provider import pipeline_rules as rules
from stacks.config import StackConfigError

DATAFLOW_FIELDS: Mapping[str, bool] = {
    "table": True,
    "datasetId": True,
    "schemaId": True,
    "mappings": True,
    "schedule": True,
    "deltaColumn": False,
    "enabled": False,
    "cdcEnabled": False,
    "schema": False,
}
"""YAML field -> required. Only these are accepted, so a typo is an error. ``schema`` (the name
of a ``schemas`` entry, ``stacks/xdm_config.py``) stands for ``datasetId`` and ``schemaId``."""
_BY_SCHEMA = ("datasetId", "schemaId")


@dataclass(frozen=True)
class DataflowSpec:
    """One table to ingest, as the stack config asks for it (rules already checked)."""

    table: str
    dataset_id: str
    schema_id: str
    mappings: tuple[Mapping[str, str], ...]
    schedule: Mapping[str, Any]
    delta_column: Mapping[str, str] | None = None
    enabled: bool = True
    cdc_enabled: bool | None = None
    schema: str | None = None  # a `schemas` entry: dataset and schema ids come from outputs


def example(project: str) -> str:
    """The YAML example every error shows."""
    return (
        "config:\n"
        f"  {project}:connections:\n"
        "    - name: sales-lakehouse\n"
        "      # ... the connection's fields ...\n"
        "      dataflows:\n"
        "        - table: sales.orders\n"
        "          datasetId: 5c8c3c555033b814b69f947f\n"
        "          schemaId: https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef\n"
        "          mappings:\n"
        "            - {source: order_id, destination: _acme.orderId, sourceType: ATTRIBUTE}\n"
        "          schedule: {startTime: \"2026-01-01T00:00:00Z\", frequency: hour, interval: 1}\n"
        "          deltaColumn: {name: updated_at}   # optional\n"
        "          enabled: true                     # optional"
    )


def parse_dataflows(raw: object, connection_index: int, project: str) -> tuple[DataflowSpec, ...]:
    """The dataflows of connection ``connection_index`` (``raw`` None: none)."""
    base = f"{project}:connections[{connection_index}].dataflows"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise StackConfigError(base, "expected a list of tables to ingest", example(project))
    specs = [_parse_one(entry, f"{base}[{index}]", project) for index, entry in enumerate(raw)]
    seen: dict[str, int] = {}
    for index, spec in enumerate(specs):
        stem = table_stem(spec.table)
        if stem in seen:
            first = specs[seen[stem]]
            problem = (
                f"table {spec.table!r} already flows into dataset {spec.dataset_id} "
                f"({base}[{seen[stem]}]); declare each table and dataset pair once"
                if (first.table, first.dataset_id) == (spec.table, spec.dataset_id) else
                f"table {spec.table!r} would name its resources like table {first.table!r} "
                f"({base}[{seen[stem]}]): both become '<connection>-{stem}-...', and one "
                "program cannot declare two resources of one name; ingest each table once per "
                "connection"
            )
            raise StackConfigError(f"{base}[{index}]", problem, example(project))
        seen[stem] = index
    return tuple(specs)


def table_stem(table: str) -> str:
    """The part of a pipeline's resource names a table gives (``sales.orders`` ->
    ``sales-orders``): its dots, back-quotes and other signs made dashes."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", table).strip("-")


def _parse_one(entry: object, key: str, project: str) -> DataflowSpec:
    sample = example(project)
    if not isinstance(entry, dict):
        raise StackConfigError(key, "each dataflow must be a mapping of fields", sample)
    unknown = sorted(set(entry) - set(DATAFLOW_FIELDS))
    if unknown:
        raise StackConfigError(
            f"{key}.{unknown[0]}", f"unknown field (allowed: {', '.join(DATAFLOW_FIELDS)})",
            sample,
        )
    by_schema = entry.get("schema") is not None
    for field, required in DATAFLOW_FIELDS.items():
        if by_schema and field in _BY_SCHEMA and entry.get(field) is not None:
            raise StackConfigError(f"{key}.{field}", "give either schema (a schemas entry, "
                                   "whose dataset and schema ids are wired) or datasetId and "
                                   "schemaId, not both", sample)
        if required and entry.get(field) is None and not (by_schema and field in _BY_SCHEMA):
            raise StackConfigError(f"{key}.{field}", "this required field is missing", sample)
    if by_schema and not isinstance(entry["schema"], str):
        raise StackConfigError(f"{key}.schema", "the name of a schemas entry", sample)
    problems: list[tuple[str, str | None]] = [
        ("table", rules.table_path_problem(entry["table"], "table")),
        *(() if by_schema else (
            ("datasetId", rules.dataset_id_problem(entry["datasetId"], "datasetId")),
            ("schemaId", rules.schema_id_problem(entry["schemaId"], "schemaId")))),
    ]
    for field, problem in problems:
        if problem is not None:
            raise StackConfigError(f"{key}.{field}", problem, sample)
    failures = (
        rules.mapping_problems(entry["mappings"])
        + rules.schedule_problems(entry["schedule"])
        + (rules.delta_column_problems(entry["deltaColumn"], "deltaColumn")
           if entry.get("deltaColumn") is not None else [])
    )
    if failures:
        path, reason = failures[0]
        raise StackConfigError(f"{key}.{path}", reason, sample)
    for flag in ("enabled", "cdcEnabled"):
        if entry.get(flag) is not None and not isinstance(entry[flag], bool):
            raise StackConfigError(f"{key}.{flag}", "expected true or false", sample)
    return DataflowSpec(
        table=entry["table"],
        dataset_id=entry.get("datasetId") or "",
        schema_id=entry.get("schemaId") or "",
        mappings=tuple(dict(m) for m in entry["mappings"]),
        schedule=dict(entry["schedule"]),
        delta_column=dict(entry["deltaColumn"]) if entry.get("deltaColumn") else None,
        enabled=entry.get("enabled", True),
        cdc_enabled=entry.get("cdcEnabled"),
        schema=entry.get("schema"),
    )
