"""Explore answers <-> Python objects and text: the pure half of ``python -m provider.explore``.

Flow Service's explore answers (``GET /connections/{id}/explore``) become typed objects here,
and those objects become the plain text or JSON the explore command prints. Nothing here talks
to the network: the HTTP half (a client operation for the explore endpoint, whose root answer is
a bare JSON array) and the command line come with the pipeline resources.

- :func:`parse_tables` reads the ``objectType=root`` answer: ``[{"type": "table", "name",
  "path", "canPreview", "canFetchSchema"}]`` -> ``list[TableRef]`` (entries of other types, such
  as folders, are skipped).
- :func:`parse_table` reads the ``objectType=table`` answer: ``{"format", "schema": {"columns":
  [{"name", "type", "meta:xdmType"?, "xdm": {"type", "format"?}}]}, "data"?: [rows]}`` ->
  ``TableDetail``.
- :func:`render_tables` / :func:`render_table` give aligned plain text;
  :func:`tables_json` / :func:`table_json` give the ``--json`` documents.

Every answer may be garbage: a wrong shape raises :class:`ExploreAnswerError` naming what was
expected; sizes are capped (:data:`MAX_TABLES`, :data:`MAX_COLUMNS`, :data:`MAX_ROWS`); and text
output escapes control characters and truncates long cells, since table names and sample values
come from a remote workspace and are printed to a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from provider.textgrid import grid

MAX_TABLES = 10_000
MAX_COLUMNS = 5_000
MAX_ROWS = 100
_XDM_STRING_FORMATS = ("date", "date-time")


class ExploreAnswerError(ValueError):
    """Flow Service's explore answer does not have the documented shape."""


@dataclass(frozen=True)
class TableRef:
    """One table of a connection, as the root listing shows it."""

    name: str
    path: str
    can_preview: bool
    can_fetch_schema: bool


@dataclass(frozen=True)
class ColumnInfo:
    """One column: its source type and the XDM type AEP maps it to."""

    name: str
    type: str
    xdm_type: str | None

    @property
    def xdm(self) -> str:
        """The XDM type as a mapping destination needs it (``date-time`` for a dated string)."""
        return self.xdm_type or "unknown"


@dataclass(frozen=True)
class TableDetail:
    """A table's columns and, when previewed, sample rows."""

    path: str
    columns: tuple[ColumnInfo, ...]
    rows: tuple[Mapping[str, Any], ...] | None = None


def parse_tables(payload: object) -> list[TableRef]:
    """The tables of an ``objectType=root`` answer, in the order given."""
    if not isinstance(payload, list):
        raise ExploreAnswerError(
            f"the explore root answer is {_kind(payload)}, not the documented JSON array of "
            "tables"
        )
    if len(payload) > MAX_TABLES:
        raise ExploreAnswerError(
            f"the explore root answer lists {len(payload)} entries, more than {MAX_TABLES}"
        )
    tables = []
    for index, entry in enumerate(payload):
        if not isinstance(entry, Mapping):
            raise ExploreAnswerError(f"explore root entry {index} is {_kind(entry)}, not an object")
        if entry.get("type", "table") != "table":
            continue
        name, path = entry.get("name"), entry.get("path")
        if not isinstance(path, str) or not path:
            raise ExploreAnswerError(f"explore root entry {index} has no string path")
        tables.append(TableRef(
            name=name if isinstance(name, str) and name else path.rsplit(".", 1)[-1],
            path=path,
            can_preview=entry.get("canPreview") is True,
            can_fetch_schema=entry.get("canFetchSchema") is True,
        ))
    return tables


def parse_table(path: str, payload: object) -> TableDetail:
    """The columns (and sample rows, if present) of an ``objectType=table`` answer."""
    if not isinstance(payload, Mapping):
        raise ExploreAnswerError(
            f"the explore answer for table {path!r} is {_kind(payload)}, not an object"
        )
    schema = payload.get("schema")
    columns = schema.get("columns") if isinstance(schema, Mapping) else None
    if not isinstance(columns, list):
        raise ExploreAnswerError(f"the explore answer for table {path!r} has no schema.columns")
    if len(columns) > MAX_COLUMNS:
        raise ExploreAnswerError(
            f"the explore answer for table {path!r} has {len(columns)} columns, more than "
            f"{MAX_COLUMNS}"
        )
    parsed = tuple(_column(path, index, column) for index, column in enumerate(columns))
    rows: tuple[Mapping[str, Any], ...] | None = None
    if "data" in payload:
        data = payload["data"]
        if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
            raise ExploreAnswerError(
                f"the preview rows for table {path!r} are not a list of objects"
            )
        rows = tuple(dict(r) for r in data[:MAX_ROWS])
    return TableDetail(path, parsed, rows)


def _column(path: str, index: int, column: object) -> ColumnInfo:
    if not isinstance(column, Mapping) or not isinstance(column.get("name"), str):
        raise ExploreAnswerError(f"column {index} of table {path!r} has no string name")
    xdm = column.get("xdm")
    xdm_type = column.get("meta:xdmType")
    if not isinstance(xdm_type, str) and isinstance(xdm, Mapping):
        base, fmt = xdm.get("type"), xdm.get("format")
        xdm_type = fmt if base == "string" and fmt in _XDM_STRING_FORMATS else base
    kind = column.get("type")
    return ColumnInfo(
        name=column["name"],
        type=kind if isinstance(kind, str) else "unknown",
        xdm_type=xdm_type if isinstance(xdm_type, str) else None,
    )


# --- output ---------------------------------------------------------------------------------------


def tables_json(tables: Sequence[TableRef]) -> str:
    """The ``--json`` document for a table listing."""
    return json.dumps({"tables": [
        {"name": t.name, "path": t.path, "canPreview": t.can_preview,
         "canFetchSchema": t.can_fetch_schema}
        for t in tables
    ]}, indent=2)


def table_json(detail: TableDetail) -> str:
    """The ``--json`` document for one table (``rows`` only when previewed)."""
    document: dict[str, Any] = {
        "path": detail.path,
        "columns": [{"name": c.name, "type": c.type, "xdmType": c.xdm_type}
                    for c in detail.columns],
    }
    if detail.rows is not None:
        document["rows"] = [dict(r) for r in detail.rows]
    return json.dumps(document, indent=2, default=str)


def render_tables(tables: Sequence[TableRef]) -> str:
    """An aligned text listing: path, name, whether it can be previewed."""
    if not tables:
        return "No tables."
    return grid(("PATH", "NAME", "PREVIEW"),
                 [(t.path, t.name, "yes" if t.can_preview else "no") for t in tables])


def render_table(detail: TableDetail) -> str:
    """Columns with source and XDM types, then the sample rows when previewed."""
    text = grid(("COLUMN", "TYPE", "XDM TYPE"),
                 [(c.name, c.type, c.xdm) for c in detail.columns])
    if detail.rows is None:
        return text
    if not detail.rows:
        return text + "\n\nNo sample rows."
    names = [c.name for c in detail.columns]
    rows = [tuple(_cell(row.get(name)) for name in names) for row in detail.rows]
    return text + "\n\n" + grid(tuple(names), rows)


def _cell(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return "null" if value is None else f"a {type(value).__name__}"
