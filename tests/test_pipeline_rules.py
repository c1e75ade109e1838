"""Pure ingestion-path rules: schedules, mappings, table paths, delta column and id shapes."""

from __future__ import annotations

from typing import Any

import pytest

from provider import pipeline_rules as rules

START = "2027-01-15T08:00:00Z"

SCHEDULES: list[tuple[Any, list[str]]] = [
    # (schedule, the property paths that fail)
    ({"start_time": START, "frequency": "once"}, []),
    ({"start_time": START, "frequency": "once", "backfill": False}, []),
    ({"start_time": START, "frequency": "once", "backfill": True}, ["schedule.backfill"]),
    ({"start_time": START, "frequency": "minute", "interval": 15}, []),
    ({"start_time": START, "frequency": "minute", "interval": 15.0}, []),
    ({"start_time": START, "frequency": "minute", "interval": 14}, ["schedule.interval"]),
    ({"start_time": START, "frequency": "hour", "interval": 1, "backfill": True}, []),
    ({"start_time": START, "frequency": "hour", "interval": 0}, ["schedule.interval"]),
    ({"start_time": START, "frequency": "day"}, ["schedule.interval"]),
    ({"start_time": START, "frequency": "week", "interval": 1.5}, ["schedule.interval"]),
    ({"start_time": START, "frequency": "week", "interval": True}, ["schedule.interval"]),
    ({"start_time": START, "frequency": "week", "interval": "2"}, ["schedule.interval"]),
    ({"start_time": START, "frequency": "month", "interval": 1}, ["schedule.frequency"]),
    ({"start_time": START, "frequency": None}, ["schedule.frequency"]),
    ({"frequency": "day", "interval": 1}, ["schedule.start_time"]),
    ({"startTime": 1_800_000_000, "frequency": "day", "interval": 1}, []),
    ({"startTime": "1800000000", "frequency": "day", "interval": 1}, []),
    ({"start_time": 1_800_000_000.0, "frequency": "day", "interval": 1}, []),
    ({"start_time": "2027-01-15T08:00:00+00:00", "frequency": "day", "interval": 1}, []),
    ({"start_time": "2027-01-15T08:00:00+02:00", "frequency": "day", "interval": 1},
     ["schedule.start_time"]),
    ({"start_time": "2027-01-15T08:00:00", "frequency": "day", "interval": 1},
     ["schedule.start_time"]),
    ({"start_time": "tomorrow", "frequency": "day", "interval": 1}, ["schedule.start_time"]),
    ({"startTime": -5, "frequency": "day", "interval": 1}, ["schedule.startTime"]),
    ({"start_time": START, "frequency": "day", "interval": 1, "backfill": "yes"},
     ["schedule.backfill"]),
    ({"start_time": START, "frequency": "day", "interval": 1, "cron": "* * *"},
     ["schedule.cron"]),
    ("hourly", ["schedule"]),
]


@pytest.mark.parametrize(("schedule", "failing"), SCHEDULES)
def test_schedule_rules(schedule: Any, failing: list[str]) -> None:
    """Adobe's schedule rules fail exactly the listed properties, each with a reason."""
    failures = rules.schedule_problems(schedule)
    assert [path for path, _ in failures] == failing
    assert all(reason for _, reason in failures)


def test_schedule_reasons_say_the_fix() -> None:
    """The minute rule names the least interval; the once rule says to remove backfill."""
    ((_, minute),) = rules.schedule_problems({"start_time": START, "frequency": "minute",
                                              "interval": 5})
    assert "at least 15" in minute
    ((_, once),) = rules.schedule_problems({"start_time": START, "frequency": "once",
                                            "backfill": True})
    assert "remove it" in once


@pytest.mark.parametrize(
    ("value", "epoch"),
    [(START, 1_800_000_000), (0, 0),
     ("1700000000", 1_700_000_000), (1.7e9, 1_700_000_000), (True, None), ("", None),
     ("2027-01-15", None)],
)
def test_start_time_epoch(value: object, epoch: int | None) -> None:
    """ISO-8601 UTC and epoch seconds convert to epoch seconds; the rest is None."""
    assert rules.start_time_epoch(value) == epoch


@pytest.mark.parametrize(
    ("frequency", "interval", "seconds"),
    [("minute", 15, 900), ("hour", 2, 7200), ("day", 1.0, 86400), ("week", 1, 604800),
     ("once", None, None), ("hour", 0, None), ("fortnight", 1, None)],
)
def test_schedule_period(frequency: str, interval: object, seconds: int | None) -> None:
    """The period between runs, None for once or nonsense."""
    assert rules.schedule_period_seconds(frequency, interval) == seconds


GOOD = {"source": "order_id", "destination": "_tenant.orderId", "source_type": "ATTRIBUTE"}

MAPPINGS: list[tuple[Any, list[str]]] = [
    ([GOOD], []),
    ([{"source": "lower(email)", "destination": "person.email", "sourceType": "EXPRESSION"}],
     []),
    ([], ["mappings"]),
    (None, ["mappings"]),
    ([{**GOOD, "source_type": "attribute"}], ["mappings[0].source_type"]),
    ([{"source": "a", "destination": "b", "sourceType": "COLUMN"}], ["mappings[0].sourceType"]),
    ([{**GOOD, "source": " "}], ["mappings[0].source"]),
    ([{**GOOD, "destination": "bad path!"}], ["mappings[0].destination"]),
    ([GOOD, {**GOOD, "source": "other"}], ["mappings[1].destination"]),
    ([{**GOOD, "identity": True}], ["mappings[0].identity"]),
    (["order_id"], ["mappings[0]"]),
]


@pytest.mark.parametrize(("mappings", "failing"), MAPPINGS)
def test_mapping_rules(mappings: Any, failing: list[str]) -> None:
    """Mapping entries: non-empty, typed, XDM destinations mapped once, no unknown keys."""
    assert [path for path, _ in rules.mapping_problems(mappings)] == failing


@pytest.mark.parametrize(
    ("path", "ok"),
    [("orders", True), ("sales.orders", True), ("main.sales.orders", True),
     ("main.`sales-eu`.orders", True), ("a.b.c.d", False), ("sales..orders", False),
     ("sales.orders.", False), ("sales orders", False), ("", False), (3, False),
     ("`unterminated.orders", False), ("x" * 800, False)],
)
def test_table_path(path: object, ok: bool) -> None:
    """Table paths: one to three plain or back-quoted parts."""
    assert (rules.table_path_problem(path) is None) == ok


@pytest.mark.parametrize(
    ("value", "failing"),
    [({"name": "updated_at"}, []),
     ({"name": "updated_at", "date_format": "YYYY-MM-DD", "timezone": "UTC"}, []),
     ({"name": "updated_at", "dateFormat": "YYYY-MM-DD"}, []),
     ({}, ["delta_column.name"]), ({"name": ""}, ["delta_column.name"]),
     ({"name": "u", "timezone": 3}, ["delta_column.timezone"]),
     ({"name": "u", "tz": "UTC"}, ["delta_column.tz"]), ("updated_at", ["delta_column"])],
)
def test_delta_column(value: object, failing: list[str]) -> None:
    """Delta column: name required, parts non-empty strings, no unknown keys."""
    assert [path for path, _ in rules.delta_column_problems(value)] == failing


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (rules.dataset_id_problem, "5c8c3c555033b814b69f947f", "5C8C3C555033B814B69F947F"),
        (rules.schema_id_problem,
         "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef",
         "https://example.com/acme/schemas/1"),
        (rules.schema_version_problem, "application/vnd.adobe.xed-full+json;version=1",
         "application/json"),
        (rules.mapping_set_id_problem, "0123456789abcdef0123456789abcdef", "mapping-1"),
        (rules.flow_object_id_problem, "14518937-270c-4525-bdec-c2ba7cce3860", "CRMToAEP"),
    ],
)
def test_id_shapes(check: Any, good: str, bad: str) -> None:
    """Each id shape accepts a documented example and names the key in its reason."""
    assert check(good, "the_id") is None
    reason = check(bad, "the_id")
    assert reason is not None
    assert reason.startswith("the_id must be")
    assert check(None, "the_id") is not None


@pytest.mark.parametrize("schedule", [
    {"start_time": "9" * 5000, "frequency": "hour", "interval": 1},
    {"start_time": "\u00b2", "frequency": "hour", "interval": 1},
    {"start_time": 10 ** 30, "frequency": "hour", "interval": 1},
    {"start_time": 1_800_000_000, "frequency": ["hour"], "interval": 1},
    {"start_time": 1_800_000_000, "frequency": {"every": "hour"}, "interval": 1},
], ids=["5000-digits", "superscript", "past-9999", "list-frequency", "dict-frequency"])
def test_hostile_schedules_are_failures_not_tracebacks(schedule: dict[str, Any]) -> None:
    """A start time int() refuses or no date can hold, and a frequency that is a list or an
    object, are check failures naming the property (they raised ValueError/TypeError)."""
    failures = rules.schedule_problems(schedule)
    assert failures
    assert all(path.startswith("schedule.") for path, _ in failures)
    assert rules.schedule_period_seconds(schedule["frequency"], 1) in (None, 3600)


def test_a_boolean_failure_names_its_own_property() -> None:
    """enabled/cdc_enabled that are not booleans are reported under their own name (the message
    said adopt_existing)."""
    from provider.pipeline_api import DATAFLOW_API, SOURCE_CONNECTION

    assert ("enabled", "enabled must be true or false, got str") in DATAFLOW_API.check_inputs(
        {"enabled": "false"}, lambda _v: False)
    assert ("cdc_enabled", "cdc_enabled must be true or false, got str") in (
        SOURCE_CONNECTION.check_inputs({"cdc_enabled": "yes"}, lambda _v: False))


def test_decimal_int_reads_ascii_digits_only() -> None:
    """decimal_int takes bounded ASCII digits and nothing int() could refuse."""
    from provider.validation import decimal_int

    assert decimal_int(" 42 ") == 42
    assert decimal_int("\u00b2") is None
    assert decimal_int("9" * 5000) is None
    assert decimal_int("-1") is None
    assert decimal_int(7) is None
