"""The rules of the ``aep-connections-guardrails`` policy pack.

Each rule is a plain function ``(args, report_violation) -> None``. The sandbox, production and
naming rules look at every resource type the provider registers (``_registry.py``, generated from
``provider.resources.REGISTRY``: both doors' tokens, which are named, which delete something in
AEP); the others only at base connections, through either front door (:func:`is_connection`:
:data:`RESOURCE_TYPE` of the dynamic provider or :data:`NATIVE_RESOURCE_TYPE` of the native
plugin). Every other resource passes silently. Then come the
``ResourceValidationPolicy`` / ``StackValidationPolicy`` objects and :data:`POLICIES`, the list
``__main__.py`` serves. Importing this module has no side effects (no server, no config read),
so tests import it directly; ``__main__.py`` must not be imported, it serves forever.

The pack is self-contained: it does not import the ``provider`` package, because a pack may run
in its own virtualenv with only ``pulumi-policy`` installed. It shares ``pipeline_policies``'s
reading of the two front doors (``type_name`` and ``prop``), its sibling in the pack directory.

Contract shared by every rule:

- ``args.props`` are the resource's properties: snake_case from the dynamic provider
  (``sandbox_name``), camelCase from the native plugin (``sandboxName``); every property is read
  through :func:`pipeline_policies.prop`, which takes either spelling, so each rule holds for
  both doors. Messages name properties in snake_case. Secrets arrive as plaintext; the access
  token is scrubbed from every message, and userinfo in a URL is masked before it is echoed.
- A property that is unknown raises ``UnknownValueError`` when read. During a preview
  (``PULUMI_DRY_RUN=true``, which the engine's language host sets for the pack process, see
  :func:`is_preview`) resource rules let it propagate: the framework turns it into an ADVISORY
  "can't run policy ... during preview" note, and the stack rule skips the unknown resource. At
  ``pulumi up`` a value still unknown is a violation of every rule that needs it, at that rule's
  own level (mandatory for the guardrails): a rule that cannot check a connection never lets it
  through.
- Config values are normalised before use: list items are trimmed, empty ones dropped, and
  sandbox names compare as Adobe treats them (:func:`sandbox_key`: trimmed, case-insensitive).
- Numbers arrive as floats; a property of the wrong type is a violation, never a crash.
- Every message names the rule, the resource (its Pulumi name), the property and the fix, never
  an input's value: the engine hands the pack secrets as plaintext, so it cannot tell which
  values were marked secret.
- Config comes from ``--policy-pack-config``; the engine fills schema defaults, and each rule
  applies the same defaults itself so a bare ``Configure`` (or a unit test) behaves the same.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from _databricks import DATABRICKS_HOST_SUFFIXES as DATABRICKS_HOST_SUFFIXES
from _databricks import domain_problem as domain_problem  # the provider's own rule, copied
from _registry import DELETES, NAMED
from pipeline_policies import DYNAMIC_PREFIX, NATIVE_PREFIX, prop, type_name
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

PACK_NAME = "aep-connections-guardrails"
PACK_DESCRIPTION = (
    "Guardrails for Adobe Experience Platform Flow Service base connections to Databricks: "
    "workspace host, sandbox allow-list, protection of production, unique names, ownership "
    "and naming."
)
RESOURCE_NAME = "DatabricksBaseConnection"
RESOURCE_TYPE = DYNAMIC_PREFIX + RESOURCE_NAME
"""The dynamic provider's type token (snake_case properties)."""
NATIVE_RESOURCE_TYPE = NATIVE_PREFIX + RESOURCE_NAME
"""The native plugin's type token (camelCase properties)."""

DEFAULT_PRODUCTION_SANDBOXES: tuple[str, ...] = ("prod",)
DEFAULT_OWNER_PATTERN = r"(?i)\bowner:\s*\S+"
"""The description must say who owns the connection, e.g. ``owner: data-platform@example.com``."""
DEFAULT_NAME_PATTERN = r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$"
"""Lowercase kebab-case, 3 to 63 characters, e.g. ``databricks-sales``."""

EXAMPLE_ALLOWED_SANDBOXES_CONFIG = '{"allowed-sandboxes": {"allowedSandboxes": ["dev", "stage"]}}'
_MASK = "****"
_MAX_SHOWN = 120
_SHOWN_OPEN, _SHOWN_CLOSE = "\x00<", ">\x00"
_SHOWN = re.compile("\x00<(.*?)>\x00", re.DOTALL)
_USERINFO = re.compile(r"//[^/?#]*@")


# --- helpers ------------------------------------------------------------------------------------


def is_connection(resource_type: str) -> bool:
    """True for a base connection declared through either front door."""
    return type_name(resource_type) == RESOURCE_NAME


def label(resource_type: str) -> str:
    """How messages name a resource of ``resource_type``: ``Connection`` for a base connection,
    else its resource name (``Dataflow``)."""
    return "Connection" if is_connection(resource_type) else str(type_name(resource_type))


def _show(value: object) -> str:
    """Render a value for a message: JSON-quoted strings, ``repr`` for the rest.

    Strings are marked rather than cut here: the report wrapper of :func:`_scrubbing` masks the
    secret first and only then cuts each marked value to ``_MAX_SHOWN`` characters, so a token
    pasted into a long value never leaks as a truncated prefix.
    """
    if isinstance(value, str):
        text = _USERINFO.sub("//" + _MASK + "@", value)
        return _SHOWN_OPEN + json.dumps(text) + _SHOWN_CLOSE
    return f"{value!r} (a {type(value).__name__}, not a string)"


def _cut(shown: re.Match[str]) -> str:
    text = shown.group(1)
    if len(text) > _MAX_SHOWN + 2:
        return text[: _MAX_SHOWN + 1] + '..."'
    return text


def _scrubbing(report_violation: ReportViolation, props: Mapping[str, Any]) -> ReportViolation:
    """Wrap ``report_violation`` so that the resource's access token (raw or JSON-escaped) never
    reaches a message; values are cut to length only after it is masked."""
    try:
        token = prop(props, "access_token")
    except UnknownValueError:
        token = None
    forms = ({token, json.dumps(token)[1:-1]} if isinstance(token, str) and len(token) >= 4
             else set())

    def report(message: str, urn: str | None = None) -> None:
        for form in sorted(forms, key=len, reverse=True):
            message = message.replace(form, _MASK)
        report_violation(_SHOWN.sub(_cut, message), urn)

    return report


def _string_list(config: Mapping[str, Any], key: str) -> tuple[list[str] | None, str | None]:
    """Read ``config[key]`` as a list of trimmed, non-empty strings: ``(values, None)``,
    ``(None, None)`` if the key is absent, or ``(None, problem)`` if it is present but not a list
    of strings. ``[" prod"]`` reads as ``["prod"]``; ``["", " "]`` reads as ``[]``."""
    if key not in config or config[key] is None:
        return None, None
    value = config[key]
    if isinstance(value, str) or not isinstance(value, Sequence):
        return None, f"pack config {key} is {_show(value)}, not an array of strings"
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        return None, f"pack config {key} must hold only strings, got {items!r}"
    return [item.strip() for item in items if item.strip()], None


def sandbox_key(sandbox: str) -> str:
    """A sandbox name as AEP knows it: AEP sandbox names are all-lowercase (the
    ``x-sandbox-name`` header takes the lowercase name) and HTTP trims header values.

    Pack config entries are read through it (``" Prod"`` means ``prod``). Resource values are
    compared through it where that fails closed (``protect-production``, ``unique-names``); the
    allow-list takes a resource's value only exactly as AEP would (``"Dev"`` is not ``dev``).
    """
    return sandbox.strip().casefold()


def is_preview() -> bool:
    """True during ``pulumi preview`` (and the preview phase of ``pulumi up``).

    The engine's language host starts the pack with ``PULUMI_DRY_RUN`` set to ``true`` for a
    preview and ``false`` for an update (pulumi-policy reads the same variable to configure its
    runtime). Anything else counts as an update, so an unknown value can never slip through.
    """
    return os.environ.get("PULUMI_DRY_RUN") == "true"


def _checks_known_values(
    rule: str, validate: Callable[[ResourceValidationArgs, ReportViolation], None]
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    """Wrap a resource rule: at ``pulumi up`` an unknown value it reads is its violation.

    During a preview the ``UnknownValueError`` propagates to the framework (advisory note).
    """

    def checked(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        try:
            validate(args, report_violation)
        except UnknownValueError as unknown:
            if is_preview():
                raise
            where = unknown.message.split(" can't be known", 1)[0]
            _scrubbing(report_violation, args.props)(
                f'[{rule}] {label(args.resource_type)} "{args.name}": the {where} is still '
                "unknown at `pulumi up`, so this rule cannot check it and the resource is "
                "refused. Fix: "
                "give that property a value known before the update (for sandbox_name, the "
                "stack config aep:sandboxName), not the output of a resource created in the "
                "same update.",
                None,
            )

    checked.__doc__ = validate.__doc__
    checked.__name__ = validate.__name__
    return checked


def _pattern(config: Mapping[str, Any], default: str) -> tuple[re.Pattern[str] | None, str]:
    """Compile ``config["pattern"]`` (or ``default``).

    Returns ``(regex, source)``, or ``(None, problem)`` if the pattern is not a valid regex.
    """
    source = config.get("pattern", default)
    if source is None:
        source = default
    if not isinstance(source, str):
        return None, f"pack config pattern is {_show(source)}, not a regular expression string"
    try:
        return re.compile(source), source
    except re.error as error:
        return None, f"pack config pattern {_show(source)} is not a valid regex ({error})"


def _sandbox_of(props: Mapping[str, Any]) -> object:
    """The ``sandbox_name`` property, or None when absent (raises UnknownValueError if unknown)."""
    return prop(props, "sandbox_name")


# --- databricks-domain --------------------------------------------------------------------------


def validate_databricks_domain(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """``domain`` must be the https origin of a Databricks workspace (:func:`domain_problem`)."""
    if not is_connection(args.resource_type):
        return
    report = _scrubbing(report_violation, args.props)
    domain = prop(args.props, "domain")
    problem = domain_problem(domain)
    if problem is not None:
        report(
            f'[databricks-domain] Connection "{args.name}": domain {problem}. '
            "Fix: set domain to the workspace URL only, e.g. "
            '"https://adb-1234567890123456.7.azuredatabricks.net".',
            None,
        )


# --- allowed-sandboxes --------------------------------------------------------------------------


def validate_allowed_sandboxes(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Every resource of this provider (each registered type, either door): ``sandbox_name``
    must be in the pack config ``allowedSandboxes`` (entries read through
    :func:`sandbox_key`, the resource's value compared exactly).

    Fails closed: if ``allowedSandboxes`` is absent, malformed or empty, every resource is a
    violation whose message shows the config file to write; nothing is allowed by default.
    """
    if type_name(args.resource_type) is None:
        return
    kind = label(args.resource_type)
    report = _scrubbing(report_violation, args.props)
    allowed, problem = _string_list(args.get_config(), "allowedSandboxes")
    how = (
        "pass a pack config file with the sandboxes this stack may write to: "
        f"pulumi preview --policy-pack policy --policy-pack-config <file>, with <file> holding "
        f"{EXAMPLE_ALLOWED_SANDBOXES_CONFIG}"
    )
    if problem is not None or allowed is None or not allowed:
        why = problem or (
            "the pack is not configured for this stack (allowedSandboxes is missing)"
            if allowed is None
            else "allowedSandboxes is empty, so no sandbox is allowed"
        )
        report(
            f'[allowed-sandboxes] {kind} "{args.name}" cannot be checked: {why}. '
            f"Fix: {how}.",
            None,
        )
        return
    sandbox = _sandbox_of(args.props)
    if sandbox is None or (isinstance(sandbox, str) and not sandbox.strip()):
        report(
            f'[allowed-sandboxes] {kind} "{args.name}" has no sandbox_name, so Flow Service '
            "would write to the organisation's default (production) sandbox. Fix: set "
            f"sandbox_name (or stack config aep:sandboxName) to one of {json.dumps(allowed)}.",
            None,
        )
    elif sandbox not in {sandbox_key(a) for a in allowed}:
        report(
            f'[allowed-sandboxes] {kind} "{args.name}" targets a sandbox (sandbox_name) '
            f"this stack may not write to (allowedSandboxes: {json.dumps(allowed)}). "
            "Fix: set sandbox_name (or aep:sandboxName) to an allowed sandbox, or add the "
            "sandbox to allowedSandboxes in this stack's pack config if it really belongs here.",
            None,
        )


# --- protect-production -------------------------------------------------------------------------


def _loss(resource_type: str) -> str:
    if is_connection(resource_type):
        return "cuts every dataflow that uses it"
    return "deletes it in AEP and stops the ingestion that uses it"


def validate_protect_production(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """A resource whose delete deletes something in AEP (a connection, a source or target
    connection, a dataflow: ``_registry.DELETES``) in a production sandbox must have
    ``protect=True``.

    Production sandboxes come from the pack config ``productionSandboxes`` (default ``["prod"]``)
    and compare with :func:`sandbox_key`. A resource without ``sandbox_name`` counts as
    production, since Flow Service then uses the organisation's default (production) sandbox. A
    malformed ``productionSandboxes`` falls back to the default list and is reported.
    """
    if type_name(args.resource_type) not in DELETES or args.opts.protect:
        return
    kind = label(args.resource_type)
    report = _scrubbing(report_violation, args.props)
    production, problem = _string_list(args.get_config(), "productionSandboxes")
    if problem is not None:
        report(
            f'[protect-production] {kind} "{args.name}": {problem}. '
            f"Fix: set productionSandboxes to an array of sandbox names; using "
            f"{json.dumps(list(DEFAULT_PRODUCTION_SANDBOXES))} meanwhile.",
            None,
        )
    if production is None:
        production = list(DEFAULT_PRODUCTION_SANDBOXES)
    sandbox = _sandbox_of(args.props)
    if sandbox is None or (isinstance(sandbox, str) and not sandbox.strip()):
        where = "without sandbox_name (the default production sandbox)"
    elif isinstance(sandbox, str) and sandbox_key(sandbox) in {sandbox_key(p) for p in production}:
        where = "in a production sandbox (sandbox_name, productionSandboxes)"
    else:
        return
    report(
        f'[protect-production] {kind} "{args.name}" {where} is not protected: deleting it '
        f"{_loss(args.resource_type)}. Fix: add opts=pulumi.ResourceOptions(protect=True) to "
        "the resource (a deliberate removal then needs `pulumi state unprotect` first).",
        None,
    )


# --- unique-names -------------------------------------------------------------------------------


# Dashes that look like "-": every Unicode dash punctuation (category Pd) plus the minus signs.
_MINUS_SIGNS = frozenset("\u2212\u02d7\u2796\ufe63\uff0d")
# Cyrillic and Greek letters drawn like a Latin letter in common fonts (the single-letter entries
# of Unicode's confusables table for these two scripts), read as that Latin letter. A small fixed
# set, not UTS #39: lookalikes from other scripts stay distinct (naming-convention, ASCII
# kebab-case, is what refuses them all).
_CONFUSABLES = str.maketrans(
    # Cyrillic lower and upper case
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0455\u0456\u0458\u0501\u04bb\u051b\u051d\u04cf"
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0405\u0406\u0408\u04ae"
    "\u051a\u051c"
    # Greek upper and lower case
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7"
    "\u03bf\u03bd\u03b9\u03b1\u03c1",
    "aeopcyxsijdhqwl" "ABEKMHOPCTXSIJY" "QW"
    "ABEZHIKMNOPTYX" "oviap",
)


def name_key(name: str) -> str:
    """How two connection names are compared: as they look, not as they are encoded.

    NFKC normalisation (full-width and other compatibility forms become their plain letters),
    invisible format characters removed (zero-width space/joiners, soft hyphen, BOM: Unicode
    category Cf), every dash folded to "-", Cyrillic and Greek letters drawn like Latin ones
    read as those (:data:`_CONFUSABLES`), whitespace runs collapsed, then case-folded. So
    "Sales", " sales ", "sa\u200bles", full-width "sales" and "s\u0430les" (Cyrillic a) are one
    name, as are "a-b" and "a\u2013b": they look alike to people in the AEP UI and to a lookup by
    name. Lookalikes outside that small set (other scripts, mixed-script words) are not folded.
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(
        "-" if unicodedata.category(ch) == "Pd" or ch in _MINUS_SIGNS else ch
        for ch in text
        if unicodedata.category(ch) != "Cf"
    ).translate(_CONFUSABLES)
    return unicodedata.normalize("NFKC", " ".join(text.split()).casefold())


def validate_unique_names(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """No two connections in one sandbox share a ``name`` (compared with :func:`name_key`).

    Each member of a clash gets its own violation on its URN, naming the others. Sandboxes compare
    with :func:`sandbox_key`; connections without ``sandbox_name`` share the default sandbox. A
    resource whose name or sandbox is unknown is skipped during a preview (the others are still
    checked) and is a violation of its own at ``pulumi up``.
    """
    groups: dict[tuple[str, str], list[tuple[PolicyResource, str, str]]] = {}
    for resource in args.resources:
        if not is_connection(resource.resource_type):
            continue
        try:
            name = prop(resource.props, "name")
            sandbox = _sandbox_of(resource.props)
        except UnknownValueError as unknown:
            if not is_preview():
                where = unknown.message.split(" can't be known", 1)[0]
                _scrubbing(report_violation, resource.props)(
                    f'[unique-names] Connection "{resource.name}" ({resource.urn}): the {where} '
                    "is still unknown at `pulumi up`, so its name cannot be checked against the "
                    "others. Fix: give name and sandbox_name values known before the update.",
                    resource.urn,
                )
            continue
        if not isinstance(name, str) or not name.strip():
            continue
        sandbox_text = sandbox.strip() if isinstance(sandbox, str) and sandbox.strip() else ""
        sandbox_text = sandbox_text or "(default)"
        key = (sandbox_key(sandbox_text), name_key(name))
        groups.setdefault(key, []).append((resource, name, sandbox_text))
    for members in groups.values():
        if len(members) < 2:
            continue
        for resource, _, _ in members:
            others = ", ".join(
                f'"{other.name}" ({other.urn})'
                for other, _, _ in members
                if other is not resource
            )
            report = _scrubbing(report_violation, resource.props)
            report(
                f'[unique-names] Connection "{resource.name}" ({resource.urn}) has the same '
                f"name (name) in the same sandbox (sandbox_name) as {others} "
                "(names compare as they look: case, width, dashes and invisible characters are "
                "ignored). Fix: give each connection in a sandbox a "
                "distinct name, or remove the duplicate declaration.",
                resource.urn,
            )


# --- owner-description / naming-convention (advisory) --------------------------------------------


def validate_owner_description(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """``description`` must match the pack config ``pattern`` (``re.search``), by default
    :data:`DEFAULT_OWNER_PATTERN`, so that every connection names who owns it."""
    if not is_connection(args.resource_type):
        return
    report = _scrubbing(report_violation, args.props)
    regex, source = _pattern(args.get_config(), DEFAULT_OWNER_PATTERN)
    if regex is None:
        report(f'[owner-description] Connection "{args.name}": {source}. Fix the pack config.',
               None)
        return
    description = prop(args.props, "description")
    if isinstance(description, str) and regex.search(description):
        return
    shown = "is missing" if description is None else "is set"
    report(
        f'[owner-description] Connection "{args.name}": description {shown}, which does not '
        f"match {_show(source)}. Fix: describe the connection and name its owner, e.g. "
        'description="Sales lakehouse. owner: data-platform@example.com".',
        None,
    )


def validate_naming_convention(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Every named resource of this provider (``_registry.NAMED``): ``name`` must match the pack
    config ``pattern`` (``re.search``), by default
    :data:`DEFAULT_NAME_PATTERN` (lowercase kebab-case, 3-63 characters)."""
    if type_name(args.resource_type) not in NAMED:
        return
    kind = label(args.resource_type)
    report = _scrubbing(report_violation, args.props)
    regex, source = _pattern(args.get_config(), DEFAULT_NAME_PATTERN)
    if regex is None:
        report(f'[naming-convention] {kind} "{args.name}": {source}. Fix the pack config.',
               None)
        return
    name = prop(args.props, "name")
    if isinstance(name, str) and regex.search(name):
        return
    report(
        f'[naming-convention] {kind} "{args.name}": name does not match '
        f"{_show(source)}. Fix: use a name that matches, e.g. \"databricks-sales\" for the default "
        "convention (lowercase kebab-case, 3-63 characters).",
        None,
    )


# --- policy objects -----------------------------------------------------------------------------

_STRING_ARRAY = {"type": "array", "items": {"type": "string", "minLength": 1}}

POLICIES: list[Policy] = [
    ResourceValidationPolicy(
        name="databricks-domain",
        description="The domain of a Databricks base connection is the https URL of a "
        "Databricks workspace.",
        validate=_checks_known_values("databricks-domain", validate_databricks_domain),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="allowed-sandboxes",
        description="Every resource of the aep provider targets only the sandboxes this stack "
        "may write to.",
        validate=_checks_known_values("allowed-sandboxes", validate_allowed_sandboxes),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        # Deliberately not "required": a missing value is reported by the rule itself with an
        # example config, rather than as the engine's bare schema error.
        config_schema=PolicyConfigSchema(properties={"allowedSandboxes": dict(_STRING_ARRAY)}),
    ),
    ResourceValidationPolicy(
        name="protect-production",
        description="A connection, source or target connection or dataflow in a production "
        "sandbox is protected against deletion.",
        validate=_checks_known_values("protect-production", validate_protect_production),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=PolicyConfigSchema(
            properties={
                "productionSandboxes": {
                    **_STRING_ARRAY,
                    "default": list(DEFAULT_PRODUCTION_SANDBOXES),
                }
            }
        ),
    ),
    StackValidationPolicy(
        name="unique-names",
        description="No two Databricks base connections share a name in one sandbox.",
        validate=validate_unique_names,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
    ),
    ResourceValidationPolicy(
        name="owner-description",
        description="A Databricks base connection's description names its owner.",
        validate=_checks_known_values("owner-description", validate_owner_description),
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        config_schema=PolicyConfigSchema(
            properties={"pattern": {"type": "string", "default": DEFAULT_OWNER_PATTERN}}
        ),
    ),
    ResourceValidationPolicy(
        name="naming-convention",
        description="The name of every named resource of the aep provider follows the naming "
        "convention.",
        validate=_checks_known_values("naming-convention", validate_naming_convention),
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        config_schema=PolicyConfigSchema(
            properties={"pattern": {"type": "string", "default": DEFAULT_NAME_PATTERN}}
        ),
    ),
]
"""Every policy of the pack, in the order the engine reports them."""
