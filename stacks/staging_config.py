"""A stack's ``<project>:stagingCredentials``: the landing-zone staging credentials it declares.

Optional; a list of objects ``{sandboxName?, rotationTrigger?}`` (``sandboxName`` defaults to the
stack's ``aep:sandboxName``). A sandbox has ONE set of staging credentials: two entries for one
sandbox (names compare trimmed and in any case, as Adobe treats them) would share one id, and
rotating one would revoke the token the other holds, so the second is refused here, before any
preview (the policy pack's ``one-staging-credentials-per-sandbox`` holds the same rule for every
program). Errors are :class:`stacks.config.StackConfigError` naming ``[i].field``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from provider import validation
from stacks.config import StackConfigError

STAGING_KEY = "stagingCredentials"
FIELDS = ("sandboxName", "rotationTrigger")


@dataclass(frozen=True)
class StagingSpec:
    """One declared ``DatabricksStagingCredentials``."""

    sandbox_name: str
    rotation_trigger: str | None = None


def example(project: str) -> str:
    """A YAML example of the key."""
    return (f"config:\n  {project}:{STAGING_KEY}:\n"
            "    - sandboxName: dev          # optional, default aep:sandboxName\n"
            "      rotationTrigger: 2027-01  # optional; a change rotates the SAS token\n"
            "  # one entry per sandbox: a sandbox has one set of staging credentials")


def parse_staging(raw: str | None, sandbox: str, project: str) -> tuple[StagingSpec, ...]:
    """The staging credentials ``raw`` (the key's JSON text, or None) declares; one per
    sandbox."""
    key = f"{project}:{STAGING_KEY}"
    if raw is None:
        return ()
    try:
        entries = json.loads(raw)
    except (ValueError, RecursionError):
        entries = None
    if not isinstance(entries, list):
        raise StackConfigError(key, "expected a list of objects (each item starts with '- ')",
                               example(project))
    specs: list[StagingSpec] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        at = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise StackConfigError(at, "expected an object {sandboxName, rotationTrigger}",
                                   example(project))
        unknown = sorted(str(k) for k in entry if k not in FIELDS)
        if unknown:
            raise StackConfigError(f"{at}.{unknown[0]}", "unknown field; the known ones are "
                                   f"{', '.join(FIELDS)}", example(project))
        name = entry.get("sandboxName", sandbox)
        trigger = entry.get("rotationTrigger")
        if not isinstance(name, str) or validation.sandbox_problem(name.strip().lower()):
            raise StackConfigError(f"{at}.sandboxName", "expected an AEP sandbox name "
                                   "(lowercase letters, digits and hyphens)", example(project))
        if trigger is not None and not isinstance(trigger, str):
            raise StackConfigError(f"{at}.rotationTrigger", "expected a string",
                                   example(project))
        sandbox_key = name.strip().lower()
        if sandbox_key in seen:
            raise StackConfigError(
                f"{at}.sandboxName",
                f"a second DatabricksStagingCredentials for the sandbox of {key}"
                f"[{seen[sandbox_key]}]: a sandbox has one set of staging credentials (one id), "
                "and rotating one would revoke the token the other holds; keep one entry and "
                "use its spark_conf wherever the credentials are needed",
                example(project))
        seen[sandbox_key] = index
        specs.append(StagingSpec(sandbox_key, trigger))
    return tuple(specs)
