"""RFC 6902 JSON Patch (``add``, ``remove``, ``replace``) over a copy, as the Schema Registry
and Catalog accept it; all or nothing. ``PatchError`` says which instruction failed and why; each
service renders it in its own error form."""

from __future__ import annotations

import copy
from typing import Any


class PatchError(ValueError):
    """An instruction that cannot be applied (its index and the reason)."""


def apply(document: dict[str, Any], instructions: object) -> dict[str, Any]:
    """The patched copy of ``document``; ``PatchError`` leaves it untouched."""
    if not isinstance(instructions, list) or not instructions:
        raise PatchError("the body must be a non-empty array of JSON Patch instructions")
    patched = copy.deepcopy(document)
    for index, instruction in enumerate(instructions):
        if not isinstance(instruction, dict) or not isinstance(instruction.get("path"), str):
            raise PatchError(f"instruction {index} needs an op and a path")
        op = str(instruction.get("op", "")).lower()
        if op not in ("add", "remove", "replace"):
            raise PatchError(f"instruction {index}: op {instruction.get('op')!r} is not "
                             "add, remove or replace")
        if op != "remove" and "value" not in instruction:
            raise PatchError(f"instruction {index}: {op} needs a value")
        try:
            _apply_one(patched, op, instruction["path"], instruction.get("value"))
        except (KeyError, IndexError, TypeError, ValueError):
            raise PatchError(
                f"instruction {index}: cannot {op} {instruction['path']!r}"
            ) from None
    return patched


def _tokens(path: str) -> list[str]:
    if not path.startswith("/"):
        raise ValueError(path)
    return [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]


def _apply_one(document: dict[str, Any], op: str, path: str, value: Any) -> None:
    *parents, last = _tokens(path)
    target: Any = document
    for token in parents:
        target = target[int(token)] if isinstance(target, list) else target[token]
    value = copy.deepcopy(value)
    if isinstance(target, list):
        index = len(target) if last == "-" and op == "add" else int(last)
        if op == "add":
            if not 0 <= index <= len(target):
                raise IndexError(index)
            target.insert(index, value)
        elif op == "remove":
            del target[index]
        else:
            target[index] = value
        return
    if not isinstance(target, dict):
        raise TypeError(path)
    if op == "remove":
        del target[last]
    elif op == "replace":
        if last not in target:
            raise KeyError(last)
        target[last] = value
    else:
        target[last] = value
