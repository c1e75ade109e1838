"""Adobe's schedule rules for a dataflow (``CRMToAEP`` ``scheduleSpec``). Standard library only.

``frequency`` one of :data:`FREQUENCIES`; ``interval`` required unless ``once``, at least 15 for
``minute`` and 1 otherwise (:data:`MIN_INTERVAL`); ``backfill`` (default true) not with ``once``;
``start_time`` UTC, as ISO-8601 with ``Z``/``+00:00`` or as epoch seconds (Flow Service takes
epoch seconds: :func:`start_time_epoch` converts). Property names are accepted in both
spellings (``start_time``, ``startTime``); failures name the spelling the input used. Numbers may
arrive as floats (gRPC, the policy pack): an integral float counts as an integer, a bool never.

The dataflow's ``check`` (``provider.pipeline_rules``) and the policy pack use this one module:
``python -m provider.schema`` copies it into ``policy/_schedule.py`` (a pack may run without
this package installed) and ``--check`` fails when the copy is stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

Failure = tuple[str, str]

FREQUENCIES = ("once", "minute", "hour", "day", "week")
MIN_INTERVAL = {"minute": 15, "hour": 1, "day": 1, "week": 1}
"""The least ``interval`` per ``frequency``; ``once`` takes none."""
PERIOD_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}
LATEST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z
SCHEDULE_KEYS = ("start_time", "frequency", "interval", "backfill")


def camel(key: str) -> str:
    """``start_time`` -> ``startTime`` (the native plugin's spelling)."""
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def pick(item: Mapping[str, Any], key: str) -> tuple[str, Any]:
    """(spelling used, value) of ``key`` in snake_case or camelCase; (snake, None) if absent."""
    if key in item:
        return key, item[key]
    other = camel(key)
    if other in item:
        return other, item[other]
    return key, None


def unknown_keys(item: Mapping[str, Any], known: tuple[str, ...], where: str) -> list[Failure]:
    """One failure per key of ``item`` that is none of ``known`` (in either spelling)."""
    spellings = set(known) | {camel(k) for k in known}
    return [
        (f"{where}.{key}", f"unknown property {key!r}; the known ones are {', '.join(known)}")
        for key in sorted(item)
        if key not in spellings
    ]


def as_integer(value: object) -> int | None:
    """``value`` as an int if it is one (an integral float counts, a bool does not), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def decimal_int(text: object, max_digits: int = 18) -> int | None:
    """``text`` as a non-negative int when it is ASCII digits only and at most ``max_digits``
    long, else None. Server text and user text may hold digits ``int()`` refuses (``'²'``
    passes ``isdigit``) or more than Python converts (over 4300 digits): never a traceback."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def start_time_epoch(value: object) -> int | None:
    """Epoch seconds of a start time (epoch seconds, or ISO-8601 in UTC), or None if invalid."""
    number = as_integer(value)
    if number is not None:
        return _latest(number) if number >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isdigit():
        return _latest(decimal_int(text))
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() != timezone.utc.utcoffset(None):
        return None
    return int(moment.timestamp())


def _latest(epoch: int | None) -> int | None:
    # Past 9999-12-31T23:59:59Z is no time Flow Service (or datetime) can hold.
    return epoch if epoch is not None and epoch <= LATEST_EPOCH else None


def start_time_problem(value: object, key: str = "start_time") -> str | None:
    """Why ``value`` is not a UTC start time, or None."""
    if start_time_epoch(value) is not None:
        return None
    return (
        f"{key} must be a UTC time: epoch seconds (e.g. 1767225600) or ISO-8601 ending in Z or "
        "+00:00 (e.g. 2026-01-01T00:00:00Z)"
    )


def schedule_problems(schedule: object, where: str = "schedule") -> list[Failure]:
    """Every way ``schedule`` breaks Adobe's schedule rules (see the module docstring)."""
    if not isinstance(schedule, Mapping):
        return [(where, f"{where} must be an object with start_time, frequency, interval, "
                        "backfill")]
    failures = unknown_keys(schedule, SCHEDULE_KEYS, where)
    key, start = pick(schedule, "start_time")
    if start is None:
        failures.append((f"{where}.{key}", f"{key} is required (UTC, e.g. 2026-01-01T00:00:00Z)"))
    else:
        reason = start_time_problem(start, key)
        if reason:
            failures.append((f"{where}.{key}", reason))
    frequency = schedule.get("frequency")
    if frequency not in FREQUENCIES:
        failures.append((
            f"{where}.frequency",
            f"frequency must be one of {', '.join(FREQUENCIES)}",
        ))
    interval = schedule.get("interval")
    backfill = schedule.get("backfill")
    if backfill is not None and not isinstance(backfill, bool):
        failures.append((f"{where}.backfill", "backfill must be true or false"))
    if frequency == "once":
        if backfill is True:
            failures.append((f"{where}.backfill",
                             "backfill is not allowed when frequency is once; remove it"))
        if interval is not None and as_integer(interval) is None:
            failures.append((f"{where}.interval", "interval must be an integer"))
        return failures
    if isinstance(frequency, str) and frequency in MIN_INTERVAL:
        least = MIN_INTERVAL[str(frequency)]
        number = as_integer(interval)
        if interval is None:
            failures.append((f"{where}.interval",
                             f"interval is required when frequency is {frequency} "
                             f"(at least {least})"))
        elif number is None:
            failures.append((f"{where}.interval", "interval must be an integer"))
        elif number < least:
            failures.append((f"{where}.interval",
                             f"interval must be at least {least} when frequency is "
                             f"{frequency}"))
    return failures


def schedule_period_seconds(frequency: object, interval: object) -> int | None:
    """Seconds between two runs, or None for ``once`` or an invalid pair."""
    number = as_integer(interval)
    if not isinstance(frequency, str) or frequency not in PERIOD_SECONDS or number is None \
            or number < 1:
        return None
    return PERIOD_SECONDS[str(frequency)] * number
