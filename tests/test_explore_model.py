"""Explore answers parsed into objects and rendered as text or JSON, garbage refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from provider.emulator import Catalogue, Column, Emulator, PipelineOptions, Table
from provider.explore_model import (
    MAX_ROWS,
    ColumnInfo,
    ExploreAnswerError,
    TableDetail,
    TableRef,
    parse_table,
    parse_tables,
    render_table,
    render_tables,
    table_json,
    tables_json,
)
from tests.pipeline_http import FLOW, Platform


def _explore(emu: Emulator, query: str) -> Any:
    """A base connection's explore answer from the emulator, fetched over HTTP."""
    platform = Platform(emu)
    id_ = platform.base_connection()
    answer = platform.ok("GET", f"{FLOW}/connections/{id_}/explore?{query}")
    platform.close()
    return answer


def test_parses_the_emulators_answers() -> None:
    """The root listing and a previewed table from the emulator parse into objects."""
    with Emulator() as emu:
        tables = parse_tables(_explore(emu, "objectType=root"))
        detail = parse_table("sales.orders",
                             _explore(emu, "objectType=table&object=sales.orders&preview=true"))
    assert [t.path for t in tables] == ["sales.orders", "sales.customers"]
    assert tables[0] == TableRef("orders", "sales.orders", True, True)
    xdm = {c.name: c.xdm_type for c in detail.columns}
    assert xdm["amount"] == "number"
    assert xdm["updated_at"] == "date-time"
    assert detail.rows is not None
    assert detail.rows[0]["order_id"] == "o-1001"


def test_xdm_type_falls_back_to_the_xdm_object() -> None:
    """Without meta:xdmType the xdm type (or its date format) is used; else unknown."""
    detail = parse_table("t", {"schema": {"columns": [
        {"name": "a", "type": "timestamp", "xdm": {"type": "string", "format": "date-time"}},
        {"name": "b", "type": "int", "xdm": {"type": "integer"}},
        {"name": "c"},
    ]}})
    assert [(c.xdm_type, c.type, c.xdm) for c in detail.columns] == [
        ("date-time", "timestamp", "date-time"), ("integer", "int", "integer"),
        (None, "unknown", "unknown")]
    assert detail.rows is None


@pytest.mark.parametrize(
    "payload",
    [None, {"items": []}, "tables", [1], [{"type": "table", "name": "x"}],
     [{"type": "table", "path": ""}], [{"type": "table", "path": "p"}] * 10_001],
)
def test_garbage_root_answers_are_refused(payload: object) -> None:
    """A root answer that is not a bounded array of tables with paths raises, naming why."""
    with pytest.raises(ExploreAnswerError, match=r"explore root"):
        parse_tables(payload)


def test_folders_are_skipped_and_names_default_to_the_path() -> None:
    """Entries of other types are skipped; a table without a name shows its last path part."""
    tables = parse_tables([{"type": "folder", "path": "sales"},
                           {"type": "table", "path": "sales.orders"}])
    assert tables == [TableRef("orders", "sales.orders", False, False)]


@pytest.mark.parametrize(
    "payload",
    [[], {"schema": {}}, {"schema": {"columns": "a,b"}}, {"schema": {"columns": [{"type": "x"}]}},
     {"schema": {"columns": []}, "data": "rows"}, {"schema": {"columns": []}, "data": [1]},
     {"schema": {"columns": [{"name": "c"}] * 5_001}}],
)
def test_garbage_table_answers_are_refused(payload: object) -> None:
    """A table answer without a bounded column list of named columns, or with bad rows, raises."""
    with pytest.raises(ExploreAnswerError, match=r"table 'sales.orders'"):
        parse_table("sales.orders", payload)


def test_rows_are_capped() -> None:
    """At most MAX_ROWS sample rows are kept."""
    detail = parse_table("t", {"schema": {"columns": [{"name": "n"}]},
                               "data": [{"n": i} for i in range(MAX_ROWS + 50)]})
    assert detail.rows is not None
    assert len(detail.rows) == MAX_ROWS


def test_render_tables_aligns_columns() -> None:
    """The listing is an aligned grid with a header; an empty one says so."""
    text = render_tables([TableRef("orders", "sales.orders", True, True),
                          TableRef("c", "main.crm.customers_eu", False, True)])
    assert text.splitlines() == [
        "PATH                   NAME    PREVIEW",
        "sales.orders           orders  yes",
        "main.crm.customers_eu  c       no",
    ]
    assert render_tables([]) == "No tables."


def test_render_table_with_preview_escapes_and_truncates() -> None:
    """Columns then rows; control characters are escaped, long cells cut, null/bool spelled."""
    detail = TableDetail("t", (ColumnInfo("id", "string", "string"),
                               ColumnInfo("note", "string", None)),
                         ({"id": "a\x1b[31m", "note": "x" * 100}, {"id": True, "note": None}))
    text = render_table(detail)
    assert "\x1b" not in text
    assert "a\\x1b[31m" in text
    assert "x" * 57 + "..." in text
    assert "x" * 58 not in text
    assert "true" in text
    assert "null" in text
    assert "unknown" in text.splitlines()[2]
    assert render_table(TableDetail("t", (), ())).endswith("No sample rows.")


def test_json_documents() -> None:
    """--json documents carry the documented keys; rows only when previewed."""
    tables = json.loads(tables_json([TableRef("orders", "sales.orders", True, False)]))
    assert tables == {"tables": [{"name": "orders", "path": "sales.orders", "canPreview": True,
                                  "canFetchSchema": False}]}
    plain = json.loads(table_json(TableDetail("t", (ColumnInfo("a", "int", "integer"),))))
    assert plain == {"path": "t", "columns": [{"name": "a", "type": "int", "xdmType": "integer"}]}
    rows = json.loads(table_json(TableDetail("t", (), ({"a": 1},))))
    assert rows["rows"] == [{"a": 1}]


def test_a_custom_catalogue_round_trips() -> None:
    """A catalogue given to the emulator is what the parsed listing shows."""
    custom = Catalogue((Table("main.crm.leads", (Column("lead_id", "bigint", "integer"),)),))
    with Emulator(pipeline=PipelineOptions(catalogue=custom)) as emu:
        tables = parse_tables(_explore(emu, "objectType=ROOT"))
    assert [(t.name, t.path) for t in tables] == [("leads", "main.crm.leads")]
