"""The per-connection dataflows list of the stack config: parsed, or one error naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.config import StackConfigError
from stacks.pipeline_config import DataflowSpec, parse_dataflows

GOOD: dict[str, Any] = {
    "table": "sales.orders",
    "datasetId": "5c8c3c555033b814b69f947f",
    "schemaId": "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef",
    "mappings": [{"source": "order_id", "destination": "_acme.orderId",
                  "sourceType": "ATTRIBUTE"}],
    "schedule": {"startTime": "2026-01-01T00:00:00Z", "frequency": "hour", "interval": 1},
}


def test_parses_a_complete_entry() -> None:
    """A valid entry becomes a DataflowSpec with defaults for the optional fields."""
    (spec,) = parse_dataflows([GOOD], 0, "aep-connections")
    assert spec == DataflowSpec(
        table="sales.orders", dataset_id=GOOD["datasetId"], schema_id=GOOD["schemaId"],
        mappings=tuple(GOOD["mappings"]), schedule=GOOD["schedule"],
    )
    assert spec.enabled is True
    assert parse_dataflows(None, 0, "aep-connections") == ()


def test_optional_fields() -> None:
    """deltaColumn, enabled and cdcEnabled are carried through."""
    (spec,) = parse_dataflows([{**GOOD, "deltaColumn": {"name": "updated_at"},
                                "enabled": False, "cdcEnabled": True}], 0, "p")
    assert spec.delta_column == {"name": "updated_at"}
    assert (spec.enabled, spec.cdc_enabled) == (False, True)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"table": "x"}, "p:connections[2].dataflows"),
        (["sales.orders"], "p:connections[2].dataflows[0]"),
        ([{**GOOD, "dataset": "x"}], "p:connections[2].dataflows[0].dataset"),
        ([{k: v for k, v in GOOD.items() if k != "schemaId"}],
         "p:connections[2].dataflows[0].schemaId"),
        ([{**GOOD, "table": "a b"}], "p:connections[2].dataflows[0].table"),
        ([{**GOOD, "datasetId": "DS1"}], "p:connections[2].dataflows[0].datasetId"),
        ([{**GOOD, "schemaId": "acme.orders"}], "p:connections[2].dataflows[0].schemaId"),
        ([{**GOOD, "mappings": []}], "p:connections[2].dataflows[0].mappings"),
        ([{**GOOD, "mappings": [{"source": "a", "destination": "b", "sourceType": "X"}]}],
         "p:connections[2].dataflows[0].mappings[0].sourceType"),
        ([{**GOOD, "schedule": {"startTime": "2026-01-01T00:00:00Z", "frequency": "minute",
                                "interval": 5}}],
         "p:connections[2].dataflows[0].schedule.interval"),
        ([{**GOOD, "deltaColumn": {"dateFormat": "x"}}],
         "p:connections[2].dataflows[0].deltaColumn.name"),
        ([{**GOOD, "enabled": "yes"}], "p:connections[2].dataflows[0].enabled"),
        ([GOOD, {**GOOD, "schedule": {"startTime": 0, "frequency": "once"}}],
         "p:connections[2].dataflows[1]"),
    ],
)
def test_errors_name_the_key_and_show_the_example(raw: object, key: str) -> None:
    """Each bad value raises one StackConfigError at its key, with the YAML example."""
    with pytest.raises(StackConfigError) as raised:
        parse_dataflows(raw, 2, "p")
    assert raised.value.key == key
    assert "dataflows:" in str(raised.value)
    assert "Example (stacks/Pulumi.<stack>.yaml)" in str(raised.value)


def test_the_default_emulator_catalogue_holds_a_valid_example() -> None:
    """The tables the local stack will ingest are in the emulator's default catalogue."""
    from provider.emulator.explore import default_catalogue

    (spec,) = parse_dataflows([GOOD], 0, "p")
    assert default_catalogue().table(spec.table) is not None


@pytest.mark.parametrize("where", ["entry", "schedule", "mapping"])
def test_a_terminal_escape_in_a_key_is_shown_escaped(where: str) -> None:
    """A config key holding ESC/BEL (an unknown field, in an entry, a schedule or a mapping)
    reaches the error written escaped, never as the raw control characters a terminal runs."""
    entry: dict[str, Any] = {**GOOD, "schedule": dict(GOOD["schedule"]),
                             "mappings": [dict(m) for m in GOOD["mappings"]]}
    evil = "\x1b]0;owned\x07\x1b[2J"
    target = {"entry": entry, "schedule": entry["schedule"],
              "mapping": entry["mappings"][0]}[where]
    target[evil] = 1
    with pytest.raises(StackConfigError) as caught:
        parse_dataflows([entry], 0, "proj")
    message = str(caught.value)
    assert "\x1b" not in message
    assert "\x07" not in message
    assert "\\x1b]0;owned" in caught.value.key


@pytest.mark.parametrize("other", [
    {"table": "sales.orders", "datasetId": "5c8c3c555033b814b69f9470"},  # another dataset
    {"table": "`sales-orders`"},  # another table, the same resource names
    {"table": "`sales`.`orders`"},
])
def test_two_tables_that_would_share_resource_names_are_refused(other: dict[str, str]) -> None:
    """Two entries whose resources would get one name (the engine would stop `up` on a duplicate
    URN) are refused at load, naming both entries."""
    with pytest.raises(StackConfigError) as caught:
        parse_dataflows([GOOD, {**GOOD, **other}], 0, "proj")
    assert caught.value.key == "proj:connections[0].dataflows[1]"
    assert "dataflows[0]" in caught.value.problem
