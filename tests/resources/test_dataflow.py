"""The dataflow's API mapping (provider/resources/dataflow.py): check rules, update vs replace,
a wrong-shaped item read back after a lost answer."""

from __future__ import annotations

from typing import Any

import pytest

from provider.lifecycle import UNKNOWN, is_unknown
from provider.resources.dataflow import DATAFLOW_API

SOURCE = "0123abcd-0000-4000-8000-000000000001"
TARGET = "0123abcd-0000-4000-8000-000000000002"
FLOW: dict[str, Any] = {
    "name": "f", "source_connection_id": SOURCE, "target_connection_id": TARGET,
    "flow_spec_id": "14518937-270c-4525-bdec-c2ba7cce3860", "enabled": True,
    "schedule": {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour", "interval": 1},
    "sandbox_name": "dev",
}


def flow(**changes: Any) -> dict[str, Any]:
    """The dataflow inputs with ``changes``."""
    return {**FLOW, **changes}


@pytest.mark.parametrize(("news", "changed", "replaces"), [
    (flow(), (), ()),
    (flow(name="g"), ("name",), ()),
    (flow(schedule={**FLOW["schedule"], "interval": 2}), ("schedule",), ()),
    (flow(schedule={**FLOW["schedule"], "start_time": 1_800_000_000}), (), ()),
    (flow(schedule={**FLOW["schedule"], "start_time": "2027-02-01T00:00:00Z"}),
     ("schedule",), ("schedule",)),
    (flow(schedule={"start_time": FLOW["schedule"]["start_time"], "frequency": "once"}),
     ("schedule",), ("schedule",)),
    (flow(enabled=False), ("enabled",), ()),
    (flow(source_connection_id=UNKNOWN), ("source_connection_id",), ("source_connection_id",)),
    (flow(target_connection_id=TARGET.replace("2", "3")), ("target_connection_id",),
     ("target_connection_id",)),
    (flow(mapping_set_id="0" * 32, mapping_version=1), ("mapping_set_id", "mapping_version"), ()),
])
def test_dataflow_diff(news: dict[str, Any], changed: tuple[str, ...],
                       replaces: tuple[str, ...]) -> None:
    """Which dataflow changes update in place and which replace (same instant: no change)."""
    found = DATAFLOW_API.diff_props(FLOW, news, is_unknown)
    assert found.changed == changed
    assert found.replaces == replaces


@pytest.mark.parametrize(("news", "where"), [
    (flow(schedule={**FLOW["schedule"], "frequency": "minute", "interval": 5}),
     "schedule.interval"),
    (flow(schedule={"start_time": "2027-01-15T08:00:00", "frequency": "hour", "interval": 1}),
     "schedule.start_time"),
    (flow(schedule={"start_time": 1, "frequency": "once", "backfill": True}),
     "schedule.backfill"),
    (flow(mapping_version=1), "mapping_version"),
    (flow(source_connection_id="nope"), "source_connection_id"),
    ({k: v for k, v in FLOW.items() if k != "schedule"}, "schedule"),
])
def test_dataflow_check_names_the_property(news: dict[str, Any], where: str) -> None:
    """Each broken rule is one failure at its property path."""
    failures = DATAFLOW_API.check_inputs(news, is_unknown)
    assert [path for path, _ in failures] == [where]


def test_unknown_ids_are_not_judged() -> None:
    """Ids not known yet at preview pass check."""
    assert DATAFLOW_API.check_inputs(flow(source_connection_id=UNKNOWN), is_unknown) == []


def test_matches_is_false_for_a_wrong_shaped_item() -> None:
    """After a lost PATCH, a re-read flow of the wrong shape shows nothing declared (False), it
    does not raise from inside the client's retry."""
    declared = {"name": "f", "schedule": {"start_time": 1_800_000_000, "frequency": "hour",
                                          "interval": 1}}
    assert DATAFLOW_API.matches({"id": "x", "scheduleParams": "hourly"}, declared) is False
