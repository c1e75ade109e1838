"""JSON-Patch on a connection, the way Flow Service accepts it.

Ops ``add``/``replace``/``remove`` (any case) on ``/name``, ``/description``, ``/auth/params``
(replaces the whole params object) and ``/auth/params/<key>``. ``/connectionSpec...`` is
1414-400; other ops (``move``, ``copy``, ``test``) are 1434-400; other paths are 1455-400. The
whole patch applies to a copy that is validated at the end, so it applies all or nothing.
"""

from __future__ import annotations

import copy
from typing import Any

from provider.emulator.problems import FlowError
from provider.emulator.specs import AuthSpec
from provider.emulator.validation import check_params

_OPS = ("add", "replace", "remove")


def apply_patch(
    connection: dict[str, Any], instructions: object, auth_spec: AuthSpec
) -> dict[str, Any]:
    """Return the patched copy of ``connection``; raise FlowError and leave it untouched."""
    if not isinstance(instructions, list) or not instructions:
        raise FlowError("1405-400", "The patch body must be a non-empty JSON array.")
    patched = copy.deepcopy(connection)
    for instruction in instructions:
        _apply_one(patched, instruction, auth_spec)
    check_params(auth_spec, patched["auth"]["params"])
    return patched


def instruction_parts(instruction: object) -> tuple[dict[str, Any], str, str]:
    """``(instruction, op, path)`` of one JSON Patch instruction, the op lower-cased; the
    ``FlowError`` Flow Service answers when it is not an object, lacks ``op`` or ``path``, or
    names an op other than add, replace, remove."""
    if not isinstance(instruction, dict):
        raise FlowError("1405-400", "Each patch instruction must be a JSON object.")
    op, path = instruction.get("op"), instruction.get("path")
    if not isinstance(op, str) or not isinstance(path, str):
        raise FlowError("1455-400", 'Missing field "op" or "path" in a patch instruction.')
    op = op.lower()
    if op not in _OPS:
        raise FlowError("1434-400", f"Unsupported operation '{op}'.")
    return instruction, op, path


def _apply_one(target: dict[str, Any], raw: object, auth_spec: AuthSpec) -> None:
    instruction, op, path = instruction_parts(raw)
    if path == "/connectionSpec" or path.startswith("/connectionSpec/"):
        raise FlowError("1414-400", "The connection spec of a connection cannot be changed.")
    if op != "remove" and "value" not in instruction:
        raise FlowError("1455-400", f'Missing field "value" for {op} {path}.')
    value = instruction.get("value")
    if path in ("/name", "/description"):
        _patch_text(target, op, path[1:], value)
    elif path == "/auth/params":
        if op == "remove":
            raise FlowError("1100-400", "auth.params cannot be removed.")
        if not isinstance(value, dict):
            raise FlowError("1100-400", "The value for /auth/params must be a JSON object.")
        target["auth"]["params"] = dict(value)
    elif path.startswith("/auth/params/"):
        _patch_param(target["auth"]["params"], op, path.rsplit("/", 1)[1], value, auth_spec)
    else:
        field = path.lstrip("/").replace("/", ".")
        raise FlowError(
            "1455-400",
            f'An error has occurred while validating patch instructions: Missing field "{field}"',
        )


def _patch_text(target: dict[str, Any], op: str, field: str, value: object) -> None:
    if op == "remove":
        if field == "name":
            raise FlowError("1100-400", "The name of a connection cannot be removed.")
        if field not in target:
            raise FlowError("1455-400", f'Missing field "{field}"')
        del target[field]
        return
    if not isinstance(value, str) or (field == "name" and not value.strip()):
        raise FlowError("1100-400", f"The value for /{field} must be a non-empty string.")
    target[field] = value


def _patch_param(
    params: dict[str, Any], op: str, key: str, value: object, auth_spec: AuthSpec
) -> None:
    if key not in auth_spec.params:
        raise FlowError(
            "1455-400",
            "An error has occurred while validating patch instructions: "
            f'Missing field "auth.params.{key}"',
        )
    if op == "remove":
        if key not in params:
            raise FlowError("1455-400", f'Missing field "auth.params.{key}"')
        del params[key]
        return
    params[key] = value
