"""Adobe's XDM rules as the emulator enforces them, stated here on purpose.

The provider has its own reading of the same rules (``provider.xdm``), used at preview. The
emulator never imports it: it plays Adobe's side and must be able to disagree with the client,
so a client bug cannot be hidden by the emulator sharing it. Sources:
``docs/reference/schema-registry-and-catalog.md``.

- Evolution (Schema Editor guide; composition guide, "Schema evolution principles"): once a
  schema is used (a dataset names it) or enabled for Profile, only additive edits are accepted.
  The emulator refuses an edit that removes or renames a field, changes a field's ``type``,
  ``format``, ``meta:xdmType`` or ``$ref``, narrows it (fewer enum values, a lower ``maxLength``
  or ``maximum``, a higher ``minLength`` or ``minimum``, a new or changed ``pattern``) or changes
  the class.
- A schema reference's content type names the schema's major version
  (``application/vnd.adobe.xed+json;version=1``; ``1.0`` is read as 1 as Data Prep's examples
  write it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Adobe's words (Schema Editor guide), quoted in the emulator's refusal.
RULE = ("once a schema has been saved and used in data ingestion, only additive changes can be "
        "made to it")
_CONTENT_TYPE = re.compile(r"application/vnd\.adobe\.xed(-[a-z-]+)?\+json;version=(\d+)(\.0)?")
_SAME = ("type", "format", "meta:xdmType", "$ref")


def fields(tree: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every field of a field group, schema or data type, by path (``/_tenant/a/b``)."""
    out: dict[str, Mapping[str, Any]] = {}
    stack: list[tuple[str, Mapping[str, Any]]] = [("", tree)]
    definitions = tree.get("definitions")
    if isinstance(definitions, Mapping):
        stack += [("", d) for d in definitions.values() if isinstance(d, Mapping)]
    while stack:
        prefix, node = stack.pop()
        items = node.get("items")
        if isinstance(items, Mapping):
            stack.append((prefix + "[]", items))
        properties = node.get("properties")
        for name, child in (properties.items() if isinstance(properties, Mapping) else ()):
            if isinstance(child, Mapping):
                path = f"{prefix}/{name}"
                out[path] = {**out.get(path, {}), **child}
                stack.append((path, child))
    return out


def refused_edits(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What an edit from ``old`` to ``new`` does that a used schema may not (empty: additive)."""
    found = []
    if old.get("meta:class") and new.get("meta:class") and \
            old.get("meta:class") != new.get("meta:class"):
        found.append("the class changed")
    before, after = fields(old), fields(new)
    for path, was in before.items():
        now = after.get(path)
        if now is None:
            parent = path.rsplit("/", 1)[0].removesuffix("[]")
            if parent == "" or parent in after:
                found.append(f"{path} removed")
            continue
        found += [f"{path} {key} changed" for key in _SAME
                  if key in was and was[key] != now.get(key)]
        if _narrowed(was, now):
            found.append(f"{path} narrowed")
    return [f"{change}; {RULE}" for change in found]


def _narrowed(was: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    enum_now = now.get("enum")
    if isinstance(enum_now, list):
        enum_was = was.get("enum")
        kept = {str(v) for v in enum_now}
        if not isinstance(enum_was, list) or {str(v) for v in enum_was} - kept:
            return True
    if "pattern" in now and now.get("pattern") != was.get("pattern"):
        return True
    for key, tighter in (("maxLength", -1), ("maximum", -1), ("minLength", 1), ("minimum", 1)):
        if key not in now:
            continue
        if key not in was:
            return True
        a, b = was[key], now[key]
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            if a != b:
                return True
        elif (b - a) * tighter > 0:
            return True
    return False


def major_version(content_type: str) -> int | None:
    """The major version an XED content type names (None: not one, or a minor version)."""
    match = _CONTENT_TYPE.fullmatch("".join(content_type.lower().split()))
    return int(match.group(2)) if match else None
