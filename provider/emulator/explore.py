"""``GET /connections/{id}/explore`` over a configurable fake Databricks catalogue.

- ``objectType=root`` (or ``ROOT``: the tutorials spell it lower case, Adobe's spec upper case,
  both are accepted) answers a bare JSON array ``[{"type": "table", "name", "path",
  "canPreview": true, "canFetchSchema": true}]``, one entry per catalogue table.
- ``objectType=table&object=<path>`` (or ``TABLE``) answers ``{"format": "flat", "schema":
  {"columns": [{"name", "type", "meta:xdmType"?, "xdm": {"type", "format"?}}]}}``, with
  ``meta:xdmType`` only for date and date-time columns (as Adobe's examples carry it);
  ``&preview=true`` adds ``"data": [row, ...]`` (the spec has no ``preview`` parameter; the
  filter tutorial does).
- The connection must exist in the caller's org and sandbox (404 1101-404); a missing or unknown
  ``objectType`` or a table without ``object`` is 400 1100-400; an unknown table path is 404
  1100-404 (Adobe is silent on the code: a choice).

The catalogue is one fake workspace shared by every base connection (the connection's
``database`` param does not filter it): ``Catalogue`` / ``Table`` / ``Column``, built in Python
or read from JSON with :meth:`Catalogue.from_json` (``--catalogue FILE`` on the command line)::

    {"tables": [{"path": "sales.orders", "name": "orders",
                 "columns": [{"name": "order_id", "type": "string", "xdmType": "string"},
                             {"name": "ordered_at", "type": "timestamp", "xdmType": "date-time"}],
                 "rows": [{"order_id": "o-1", "ordered_at": "2026-01-05T10:00:00Z"}]}]}

``xdmType`` is one of ``string``, ``integer``, ``number``, ``boolean``, ``date``, ``date-time``
(the last two are XDM strings with a ``format``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from provider.emulator.problems import FlowError

XDM_TYPES = ("string", "integer", "number", "boolean", "date", "date-time")
_STRING_FORMATS = ("date", "date-time")


@dataclass(frozen=True)
class Column:
    """A table column: its Databricks type and the XDM type explore reports for it."""

    name: str
    type: str
    xdm_type: str = "string"

    def __post_init__(self) -> None:
        if self.xdm_type not in XDM_TYPES:
            raise ValueError(f"column {self.name!r}: xdmType must be one of {XDM_TYPES}")

    def to_json(self) -> dict[str, Any]:
        """The column as explore answers it."""
        xdm: dict[str, str] = (
            {"type": "string", "format": self.xdm_type}
            if self.xdm_type in _STRING_FORMATS
            else {"type": self.xdm_type}
        )
        column: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.xdm_type in _STRING_FORMATS:
            # Adobe's examples carry meta:xdmType only where the XDM type is a string format
            # (a date-time column); plain string columns have none (explore/tabular.md).
            column["meta:xdmType"] = self.xdm_type
        return {**column, "xdm": xdm}


@dataclass(frozen=True)
class Table:
    """A table: its explore path (what a source connection's ``tableName`` names), columns, rows."""

    path: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...] = ()
    name: str = ""

    @property
    def display_name(self) -> str:
        """``name``, or the last part of the path."""
        return self.name or self.path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Catalogue:
    """The tables of the fake Databricks workspace, in listing order."""

    tables: tuple[Table, ...] = field(default_factory=tuple)

    def table(self, path: str) -> Table | None:
        """The table at ``path`` (exact match), or None."""
        return next((t for t in self.tables if t.path == path), None)

    @classmethod
    def from_json(cls, document: object) -> Catalogue:
        """Read ``{"tables": [...]}`` (see the module docstring); ValueError if malformed."""
        if not isinstance(document, dict) or not isinstance(document.get("tables"), list):
            raise ValueError('a catalogue is a JSON object {"tables": [...]}')
        tables = []
        for entry in document["tables"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
                raise ValueError('each catalogue table needs a string "path"')
            columns = entry.get("columns")
            if not isinstance(columns, list) or not columns:
                raise ValueError(f"table {entry['path']!r} needs a non-empty list of columns")
            cols = tuple(_column(entry["path"], c) for c in columns)
            rows = entry.get("rows", [])
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ValueError(f"table {entry['path']!r}: rows must be a list of objects")
            tables.append(Table(entry["path"], cols, tuple(rows), str(entry.get("name", ""))))
        return cls(tuple(tables))


def _column(path: str, entry: object) -> Column:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ValueError(f"table {path!r}: each column needs a string name")
    return Column(entry["name"], str(entry.get("type", "string")),
                  str(entry.get("xdmType", "string")))


def default_catalogue() -> Catalogue:
    """Two small sales tables, enough for the ``local`` stack and the walk-through."""
    updated = Column("updated_at", "timestamp", "date-time")
    return Catalogue(
        (
            Table(
                "sales.orders",
                (
                    Column("order_id", "string"),
                    Column("customer_id", "string"),
                    Column("amount", "double", "number"),
                    Column("quantity", "int", "integer"),
                    Column("order_date", "date", "date"),
                    updated,
                ),
                (
                    {"order_id": "o-1001", "customer_id": "c-1", "amount": 42.5, "quantity": 2,
                     "order_date": "2026-01-05", "updated_at": "2026-01-05T10:00:00Z"},
                    {"order_id": "o-1002", "customer_id": "c-2", "amount": 9.99, "quantity": 1,
                     "order_date": "2026-01-06", "updated_at": "2026-01-06T08:30:00Z"},
                ),
            ),
            Table(
                "sales.customers",
                (
                    Column("customer_id", "string"),
                    Column("email", "string"),
                    Column("is_active", "boolean", "boolean"),
                    updated,
                ),
                (
                    {"customer_id": "c-1", "email": "ada@example.com", "is_active": True,
                     "updated_at": "2026-01-02T09:00:00Z"},
                ),
            ),
        )
    )


def explore(catalogue: Catalogue, query: Mapping[str, Sequence[str]]) -> Any:
    """The explore answer for ``query`` (the connection was already found)."""
    object_type = (query.get("objectType") or [""])[-1].lower()
    if object_type == "root":
        return [
            {"type": "table", "name": t.display_name, "path": t.path, "canPreview": True,
             "canFetchSchema": True}
            for t in catalogue.tables
        ]
    if object_type != "table":
        raise FlowError(
            "1100-400", "The parameter 'objectType' must be one of root, table (any case)."
        )
    path = (query.get("object") or [""])[-1]
    if not path:
        raise FlowError("1100-400", "The parameter 'object' is required with objectType=table.")
    table = catalogue.table(path)
    if table is None:
        raise FlowError("1100-404", f"The table '{path}' was not found in the source.")
    answer: dict[str, Any] = {
        "format": "flat",
        "schema": {"columns": [c.to_json() for c in table.columns]},
    }
    if (query.get("preview") or ["false"])[-1].lower() == "true":
        answer["data"] = [copy.deepcopy(dict(r)) for r in table.rows]
    return answer
