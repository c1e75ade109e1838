"""The contract corpus: Adobe's documented exchanges as test data, and how tests use them.

Each ``corpus/<operation>.json`` holds ``{"operation", "cases": [...]}``; a case is one documented
request and answer, the example made valid JSON with its placeholders replaced by typed sample
values, and cites its ``source`` (page or spec operation); ``note`` says where Adobe's documents
disagree. A case's request may name live values the corpus run fills in:

- ``{NAME}`` in ``path`` or ``query`` values, and ``bind`` (JSON pointer in the body -> NAME), for
  the ids of entities the run made (``BASE_CONNECTION_ID``, ``FLOW_ID``...);
- ``after_ticks``: let the injected clock pass that many schedule ticks of the flow first;
- ``steer``: the outcome of the flow's runs (``partial``: success with failed records).

The answer is compared by shape (``shape_problems``): every field of the documented answer is in
the emulator's with the same name, JSON type and nesting; error ``type`` (code), ``title`` and
``status`` are equal. ``loose`` pointers compare by type only (connector-specific content);
``emulator_lacks`` pointers are fields the emulator does not model and must stay absent (so the
list is kept current); ``expect`` pointers must hold exactly that value (``TECHNICAL_ACCOUNT``:
the emulator's technical account); ``expect_absent`` pointers must not be in the answer (where
Adobe's example leaves out what an emulator might add). A case without a response body (204)
needs an empty answer.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
ERROR_TYPE = "https://ns.adobe.com/aep/errors/"


def cases() -> list[tuple[str, dict[str, Any]]]:
    """(id, case) of every case of every corpus file, in file order."""
    found = []
    for path in sorted(CORPUS.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            found.append((f"{path.stem}:{case['name']}", case))
    return found


def fill(text: str, live: Mapping[str, str]) -> str:
    """``text`` with each ``{NAME}`` of ``live`` replaced."""
    for name, value in live.items():
        text = text.replace("{" + name + "}", value)
    return text


def bound_body(case: dict[str, Any], live: Mapping[str, Any]) -> Any:
    """The case's request body with its ``bind`` pointers set to live values."""
    body = copy.deepcopy(case["request"].get("body"))
    for pointer, name in case["request"].get("bind", {}).items():
        parts = pointer.strip("/").split("/")
        parent = body
        for part in parts[:-1]:
            parent = parent[int(part) if isinstance(parent, list) else part]
        last = parts[-1]
        parent[int(last) if isinstance(parent, list) else last] = live[name]
    return body


def json_type(value: object) -> str:
    """The JSON type of a value (``integer`` apart from ``number``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _same_type(expected: object, actual: object) -> bool:
    wanted, got = json_type(expected), json_type(actual)
    return wanted == got or (wanted == "number" and got == "integer")


def shape_problems(
    expected: Any,
    actual: Any,
    *,
    loose: Mapping[str, str] | None = None,
    lacks: tuple[str, ...] | list[str] = (),
    pointer: str = "",
) -> list[str]:
    """Where ``actual`` does not hold ``expected``'s fields (name, type, nesting)."""
    loose = loose or {}
    where = pointer or "(body)"
    if not _same_type(expected, actual):
        return [f"{where}: {json_type(actual)} where the case has {json_type(expected)}"]
    if pointer in loose:
        return []
    found: list[str] = []
    if isinstance(expected, dict):
        for key, value in expected.items():
            child = f"{pointer}/{key}"
            if child in lacks:
                if key in actual:
                    found.append(f"{child}: now answered: remove it from emulator_lacks")
                continue
            if key not in actual:
                found.append(f"{child}: missing")
                continue
            found += shape_problems(value, actual[key], loose=loose, lacks=lacks, pointer=child)
        if isinstance(expected.get("type"), str) and expected["type"].startswith(ERROR_TYPE):
            found += [f"{pointer}/{k}: {actual.get(k)!r} where the case has {expected[k]!r}"
                      for k in ("type", "title", "status") if actual.get(k) != expected.get(k)]
    elif isinstance(expected, list):
        for index, value in enumerate(expected):
            child = f"{pointer}/{index}"
            if child in lacks:
                if index < len(actual):
                    found.append(f"{child}: now answered: remove it from emulator_lacks")
                continue
            if index >= len(actual):
                found.append(f"{child}: missing")
                continue
            found += shape_problems(value, actual[index], loose=loose, lacks=lacks, pointer=child)
    return found


def at(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer ("" is the whole document)."""
    for part in [p for p in pointer.strip("/").split("/") if p]:
        document = document[int(part) if isinstance(document, list) else part]
    return document
