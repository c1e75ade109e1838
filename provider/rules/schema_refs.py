"""Adobe's schema-reference rule, standard library only: a dataset, a mapping set and a target
connection name one schema by its ``$id`` and a content type whose ``version`` is the schema's
MAJOR version (``application/vnd.adobe.xed+json;version=1``); the registry's own ``version``
(``"1.3"``) moves on every edit and is not that number (sources:
``docs/reference/schema-registry-and-catalog.md``).

``provider.xdm`` re-exports it; ``python -m provider.schema`` copies it into the policy pack as
``policy/_schema_refs.py`` (``--check`` fails on a stale copy), so the pack's
``schema-references-agree`` rule is this one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# What to do about any disagreement (the pack's rule and the provider's Check both say it).
FIX = ("Fix: wire every schema_id and schema_version from one XdmSchema's schema_id and "
       "content_type outputs (never its version).")

_CONTENT_TYPE = re.compile(
    r"^application/vnd\.adobe\.xed(?:-[a-z-]+)?\+json\s*;\s*version\s*=\s*([0-9]+)(\.[0-9]+)?$"
)


def content_type_major(content_type: str) -> tuple[int | None, str | None]:
    """The major version a schema content type names, or (None, why not).

    ``version=1`` and ``version=1.0`` (Adobe's Data Prep examples) name major 1; ``version=1.3``
    is the registry's edit counter, not a major version.
    """
    match = _CONTENT_TYPE.match(content_type.strip().lower())
    if match is None:
        return None, (
            "it is not an XED content type such as "
            "'application/vnd.adobe.xed+json;version=1'"
        )
    minor = match.group(2)
    if minor not in (None, ".0"):
        return None, (
            "it names a minor version, which looks like the registry's edit version (it changes "
            "on every edit); name the schema's major version, e.g. version=1"
        )
    return int(match.group(1)), None


def schema_ref_problems(refs: Mapping[str, tuple[str, str | None]]) -> list[str]:
    """Problems with the schema references of one ingestion path (empty when they agree).

    ``refs`` maps who refers (``"dataset"``, ``"mapping set"``, ``"target connection"``) to
    ``(schema $id, content type)`` (None: it names no content type, as this provider's mapping
    set); all must name one schema and one major version.
    """
    problems: list[str] = []
    majors: dict[str, int] = {}
    for who, (_, content_type) in refs.items():
        if content_type is None:
            continue
        major, why = content_type_major(content_type)
        if why is not None:
            problems.append(f"{who}: {why}")
        elif major is not None:
            majors[who] = major
    ids = {who: schema_id for who, (schema_id, _) in refs.items()}
    if len(set(ids.values())) > 1:
        named = ", ".join(f"{who} {schema_id}" for who, schema_id in ids.items())
        problems.append(f"the schema ids differ ({named}); use one schema's $id everywhere")
    if len(set(majors.values())) > 1:
        named = ", ".join(f"{who} version={major}" for who, major in majors.items())
        problems.append(f"the schema major versions differ ({named}); use one everywhere")
    return problems
