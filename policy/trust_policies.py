"""The pack's rules that keep its other rules from being bypassed.

- ``aep-type-known`` (mandatory): the engine sends the pack no ``__provider``, so a dynamic
  resource is known only by its type token. A ``pulumi-python:dynamic:*`` resource whose token is
  none of ours (``_registry.TOKENS``) but whose properties hold every property one of our
  resources always registers (``_registry.REQUIRED``, generated from the provider's registry) is
  most likely ours under another name (a subclass made by release 0.1.0, or a copied class), and
  every other rule would pass it silently: it fails closed.
- ``one-staging-credentials-per-sandbox`` (mandatory): two ``DatabricksStagingCredentials`` of one
  sandbox share one set of landing-zone credentials (one id), and rotating one revokes the token
  the other holds.

Messages name the resource, the property or rule broken and the fix; they echo no input value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from _registry import REQUIRED, TOKENS
from _schedule import camel
from pipeline_policies import STAGING_CREDENTIALS, prop, type_name
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

DYNAMIC = "pulumi-python:dynamic"
DEFAULT_SANDBOX = "<aep:sandboxName>"


def looks_like(props: object) -> str | None:
    """The name of our resource whose always-registered properties ``props`` all hold (in
    either spelling), the one needing most of them first; None when none matches."""
    keys = set(props) if isinstance(props, Iterable) else set()
    for name, required in sorted(REQUIRED.items(), key=lambda item: -len(item[1])):
        if required and all(key in keys or camel(key) in keys for key in required):
            return name
    return None


def validate_known_type(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A dynamic resource of a type the pack does not know, with our properties, fails."""
    if not args.resource_type.startswith(DYNAMIC) or args.resource_type in TOKENS:
        return
    ours = looks_like(args.props)
    if ours is None:
        return
    report_violation(
        f"{args.name}: type {args.resource_type} is not a type this pack knows, but its "
        f"properties are those of {ours}, so no guardrail could check it. Fix: declare it "
        f"with the provider's {ours} class or a subclass of it, and upgrade the provider if "
        f"the subclass still registers another type (current releases keep "
        f"pulumi-python:dynamic/aep:{ours}, with an alias so nothing is replaced).",
        args.urn,
    )


def _sandbox(props: object) -> str | None:
    try:
        value = prop(props, "sandbox_name")  # type: ignore[arg-type]
    except UnknownValueError:
        return None
    if value is None:
        return DEFAULT_SANDBOX
    return value.strip().lower() if isinstance(value, str) else None


def validate_one_staging_per_sandbox(args: StackValidationArgs,
                                     report_violation: ReportViolation) -> None:
    """At most one ``DatabricksStagingCredentials`` per sandbox in a stack."""
    by_sandbox: dict[str, list[str]] = defaultdict(list)
    for resource in args.resources:
        if type_name(resource.resource_type) != STAGING_CREDENTIALS:
            continue
        sandbox = _sandbox(resource.props)
        if sandbox is not None:
            by_sandbox[sandbox].append(resource.name)
    for names in by_sandbox.values():
        if len(names) < 2:
            continue
        report_violation(
            f"{', '.join(sorted(names))}: {len(names)} DatabricksStagingCredentials name one "
            "sandbox (sandbox_name). A sandbox has one set of staging credentials: they share "
            "one id, and rotating one revokes the token the others hold. Keep one and use its "
            "outputs wherever the credentials are needed.",
            None,
        )


POLICIES: list[Policy] = [
    ResourceValidationPolicy(
        name="aep-type-known",
        description="A dynamic resource with the properties of an AEP resource has its type "
        "(no guardrail can check an unknown type).",
        validate=validate_known_type,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    StackValidationPolicy(
        name="one-staging-credentials-per-sandbox",
        description="A stack declares at most one DatabricksStagingCredentials per sandbox.",
        validate=validate_one_staging_per_sandbox,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
]
"""The pack's integrity rules, in the order the engine reports them."""
