"""The pack's rules, called directly with hand-built validation args (no engine, no gRPC).

Props go through pulumi-policy's ``unknown_checking_proxy``, as the pack's servicer does, so
unknown values behave as they do during ``pulumi preview``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"


def _load_policies() -> ModuleType:
    """Import policy/aep_policies.py by path: the pack dir is not a package, and __main__ serves.

    The pack dir goes on ``sys.path`` as the engine puts it there, so that ``aep_policies`` can
    import its sibling ``pipeline_policies``.
    """
    if str(POLICY_DIR) not in sys.path:
        sys.path.insert(0, str(POLICY_DIR))
    spec = importlib.util.spec_from_file_location("aep_policies", POLICY_DIR / "aep_policies.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["aep_policies"] = module
    spec.loader.exec_module(module)
    return module


aep = _load_policies()

TYPE = "pulumi-python:dynamic/aep:DatabricksBaseConnection"
TOKEN = "dapi0123456789abcdef0123456789abcdef"
GOOD: dict[str, Any] = {
    "name": "databricks-sales",
    "description": "Sales lakehouse. owner: data-platform@example.com",
    "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
    "cluster_id": "0101-123456-abcdefgh",
    "access_token": TOKEN,
    "database": "sales",
    "catalog": "main",
    "sandbox_name": "dev",
    "adopt_existing": False,
    "test_connection": False,
}
DEV_CONFIG = {"allowedSandboxes": ["dev"]}
BY_NAME: dict[str, Policy] = {p.name: p for p in aep.POLICIES}


def urn_of(name: str, type_: str = TYPE) -> str:
    """The URN the engine would give a resource of the test stack."""
    return f"urn:pulumi:dev::aep-connections::{type_}::{name}"


def make_opts(protect: bool = False) -> PolicyResourceOptions:
    """Resource options as the servicer builds them."""
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def make_args(
    changes: Mapping[str, Any] | None = None,
    *,
    drop: tuple[str, ...] = (),
    protect: bool = False,
    config: Mapping[str, Any] | None = None,
    type_: str = TYPE,
    name: str = "sales",
) -> ResourceValidationArgs:
    """ResourceValidationArgs for GOOD with ``changes`` applied and ``drop`` keys removed."""
    props = {**GOOD, **(changes or {})}
    for key in drop:
        props.pop(key)
    return ResourceValidationArgs(
        type_, unknown_checking_proxy(props), urn_of(name, type_), name, make_opts(protect), None,
        config,
    )


def run(policy_name: str, args: ResourceValidationArgs | StackValidationArgs) -> list[str]:
    """Run one policy as the servicer does and return the violation messages."""
    messages: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        messages.append(message)

    policy = BY_NAME[policy_name]
    assert isinstance(policy, (ResourceValidationPolicy, StackValidationPolicy))
    result = policy.validate(args, report)  # type: ignore[arg-type]
    assert result is None, "validators are synchronous"
    return messages


def make_resource(
    name: str, props: Mapping[str, Any], type_: str = TYPE
) -> PolicyResource:
    """A PolicyResource as AnalyzeStack builds it (props are the resource's outputs)."""
    return PolicyResource(
        type_, unknown_checking_proxy(dict(props)), urn_of(name, type_), name, make_opts(), None,
        None, [], {},
    )


# --- the pack -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "level", "config_keys"),
    [
        ("databricks-domain", ResourceValidationPolicy, EnforcementLevel.MANDATORY, set()),
        ("allowed-sandboxes", ResourceValidationPolicy, EnforcementLevel.MANDATORY,
         {"allowedSandboxes"}),
        ("protect-production", ResourceValidationPolicy, EnforcementLevel.MANDATORY,
         {"productionSandboxes"}),
        ("unique-names", StackValidationPolicy, EnforcementLevel.MANDATORY, set()),
        ("owner-description", ResourceValidationPolicy, EnforcementLevel.ADVISORY, {"pattern"}),
        ("naming-convention", ResourceValidationPolicy, EnforcementLevel.ADVISORY, {"pattern"}),
    ],
)
def test_policy_metadata(
    name: str, kind: type, level: EnforcementLevel, config_keys: set[str]
) -> None:
    """Each policy has its documented kind, enforcement level and config keys."""
    policy = BY_NAME[name]
    assert isinstance(policy, kind)
    assert policy.enforcement_level is level
    keys = set(policy.config_schema.properties) if policy.config_schema else set()
    assert keys == config_keys


def test_pack_lists_exactly_six_policies() -> None:
    """POLICIES holds the six documented policies, once each."""
    assert [p.name for p in aep.POLICIES] == [
        "databricks-domain", "allowed-sandboxes", "protect-production", "unique-names",
        "owner-description", "naming-convention",
    ]


def test_schema_defaults_match_code_defaults() -> None:
    """The defaults the engine fills from the schema equal those the rules apply themselves."""
    prod = BY_NAME["protect-production"].config_schema
    owner = BY_NAME["owner-description"].config_schema
    naming = BY_NAME["naming-convention"].config_schema
    assert prod is not None
    assert owner is not None
    assert naming is not None
    assert prod.properties["productionSandboxes"]["default"] == ["prod"]
    assert owner.properties["pattern"]["default"] == aep.DEFAULT_OWNER_PATTERN
    assert naming.properties["pattern"]["default"] == aep.DEFAULT_NAME_PATTERN


@pytest.mark.parametrize("file_name", ["config.dev.json", "config.prod.json"])
def test_example_config_files_name_real_policies_and_keys(file_name: str) -> None:
    """The example pack configs only use policy names and config keys the pack declares."""
    config = json.loads((POLICY_DIR / file_name).read_text())
    assert "allowed-sandboxes" in config
    for policy_name, value in config.items():
        policy = BY_NAME[policy_name]
        declared = set(policy.config_schema.properties) if policy.config_schema else set()
        assert set(value) - {"enforcementLevel"} <= declared


def test_good_connection_passes_every_policy() -> None:
    """A well-formed dev connection raises no violation from any resource policy."""
    args_for = {"allowed-sandboxes": DEV_CONFIG}
    for name, policy in BY_NAME.items():
        if isinstance(policy, ResourceValidationPolicy):
            assert run(name, make_args(config=args_for.get(name))) == [], name


# --- databricks-domain --------------------------------------------------------------------------


ACCEPTED_DOMAINS = [
    "https://adb-1234567890123456.7.azuredatabricks.net",
    "https://adb-1234567890123456.7.azuredatabricks.net/",
    "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
    "https://1234567890123456.7.gcp.databricks.com",
    "https://ADB-1.azuredatabricks.net:443",
    "HTTPS://adb-1.azuredatabricks.net",
]


@pytest.mark.parametrize("domain", ACCEPTED_DOMAINS)
def test_domain_accepts_workspace_urls(domain: str) -> None:
    """Workspace origins on the three Databricks clouds pass (port 443 and "/" allowed)."""
    assert run("databricks-domain", make_args({"domain": domain})) == []


REJECTED_DOMAINS: list[tuple[object, str]] = [
    ("http://adb-1.azuredatabricks.net", "not an https"),
    ("adb-1.azuredatabricks.net", "no https:// scheme"),
    ("https://azuredatabricks.net", "not a Databricks workspace host"),
    ("https://.azuredatabricks.net", "not a Databricks workspace host"),
    ("https://adb-1.azuredatabricks.net.evil.com", "not a Databricks workspace host"),
    ("https://evilazuredatabricks.net", "not a Databricks workspace host"),
    ("https://adb-1.databricks.com", "not a Databricks workspace host"),
    ("https://adb-1.azuredatabricks.net.", "not a Databricks workspace host"),
    ("https://adb_1.azuredatabricks.net", "not a Databricks workspace host"),
    ("https://user:pw@adb-1.azuredatabricks.net", "user information"),
    ("https://evil.com\\@adb-1.azuredatabricks.net", "backslash"),
    ("https://adb-1.azuredatabricks.net:8443", "port other than 443"),
    ("https://adb-1.azuredatabricks.net:", "port"),
    ("https://adb-1.azuredatabricks.net:99999", "not a valid URL"),
    ("https://adb-1.azuredatabricks.net/api/2.0", "path"),
    ("https://adb-1.azuredatabricks.net?o=1", "query or fragment"),
    ("https://adb-1.azuredatabricks.net/#x", "query or fragment"),
    ("https://adb-1.azuredatabricks.net?", "query or fragment"),
    ("https://evil.com#.azuredatabricks.net", "query or fragment"),
    ("https://adb-1.azuredatabricks.net#", "query or fragment"),
    ("https://adb-1.azuredatabricks.net/?", "query or fragment"),
    ("https://adb-1.azuredatabricks.net:0", "port other than 443"),
    ("https://adb-1.azuredatabricks.net:abc", "not a valid URL"),
    ("https://" + "a" * 64 + ".azuredatabricks.net", "not a Databricks workspace host"),
    ("https://" + ".".join(["a" * 60] * 4) + ".azuredatabricks.net", "longer than 253"),
    ("https://adb-1.azure\u200bdatabricks.net", "not a Databricks workspace host"),
    ("https://adb-1.azuredatabricks.net\u202e", "not a Databricks workspace host"),
    (" https://adb-1.azuredatabricks.net", "whitespace"),
    ("", "is empty"),
    (443.0, "not a string"),
    (None, "not a string"),
]


@pytest.mark.parametrize(("domain", "why"), REJECTED_DOMAINS)
def test_domain_rejects(domain: object, why: str) -> None:
    """Anything but a bare https workspace origin is a violation saying what is wrong."""
    messages = run("databricks-domain", make_args({"domain": domain}))
    assert len(messages) == 1
    assert why in messages[0]


@pytest.mark.parametrize(
    "domain", ACCEPTED_DOMAINS + [domain for domain, _ in REJECTED_DOMAINS]
)
def test_domain_rule_is_the_providers_rule(domain: object) -> None:
    """One input rule set: the pack's self-contained copy of the domain rule and the provider's
    check accept and reject exactly the same values over the same corpus (they cannot drift)."""
    from provider.validation import domain_problem as provider_domain_problem

    assert (provider_domain_problem(domain) is None) == (aep.domain_problem(domain) is None)
    assert (domain in ACCEPTED_DOMAINS) == (aep.domain_problem(domain) is None)


def test_domain_missing_is_a_violation() -> None:
    """A connection without a domain is reported, not crashed on."""
    messages = run("databricks-domain", make_args(drop=("domain",)))
    assert len(messages) == 1
    assert "not a string" in messages[0]


def test_domain_message_names_resource_rule_and_fix_never_the_value() -> None:
    """The message names resource, rule, property and fix, and echoes no part of the value
    (the engine hands the pack a secret domain as plaintext)."""
    domain = "https://alice:hunter2@adb-1.azuredatabricks.net"
    (message,) = run("databricks-domain", make_args({"domain": domain}, name="sales"))
    assert '"sales"' in message
    assert "[databricks-domain]" in message
    assert "domain contains user information" in message
    assert "Fix:" in message
    assert "hunter2" not in message
    assert "alice" not in message
    assert "adb-1.azure" not in message


# --- allowed-sandboxes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sandbox", "allowed", "violates"),
    [
        ("dev", ["dev"], False),
        ("stage", ["dev", "stage"], False),
        ("prod", ["dev"], True),
        ("Dev", ["dev"], True),
        ("dev ", ["dev"], True),
    ],
)
def test_allowed_sandboxes_table(sandbox: str, allowed: list[str], violates: bool) -> None:
    """The sandbox must be in allowedSandboxes, compared exactly."""
    config = {"allowedSandboxes": allowed}
    messages = run("allowed-sandboxes", make_args({"sandbox_name": sandbox}, config=config))
    assert bool(messages) is violates


def test_allowed_sandboxes_message_names_sandbox_and_fix() -> None:
    """A disallowed sandbox message names resource, rule, property, allow-list and fix, not
    the sandbox value."""
    (message,) = run(
        "allowed-sandboxes", make_args({"sandbox_name": "prod"}, config=DEV_CONFIG, name="sales")
    )
    assert '[allowed-sandboxes] Connection "sales"' in message
    assert "sandbox_name" in message
    assert '"prod"' not in message
    assert '["dev"]' in message
    assert "Fix:" in message


@pytest.mark.parametrize(
    ("config", "why"),
    [
        (None, "not configured"),
        ({}, "not configured"),
        ({"allowedSandboxes": None}, "not configured"),
        ({"allowedSandboxes": []}, "is empty"),
        ({"allowedSandboxes": "dev"}, "not an array of strings"),
        ({"allowedSandboxes": ["dev", 1.0]}, "only strings"),
    ],
)
def test_allowed_sandboxes_fails_closed_without_usable_config(
    config: Mapping[str, Any] | None, why: str
) -> None:
    """Absent, empty or malformed allowedSandboxes is a violation that shows a config file."""
    messages = run("allowed-sandboxes", make_args(config=config))
    assert len(messages) == 1
    assert why in messages[0]
    assert "--policy-pack-config" in messages[0]
    assert aep.EXAMPLE_ALLOWED_SANDBOXES_CONFIG in messages[0]


def test_allowed_sandboxes_unconfigured_reports_even_with_unknown_sandbox() -> None:
    """A missing allow-list is reported before the (unknown) sandbox is read."""
    args = make_args({"sandbox_name": UNKNOWN_STRING_VALUE})
    assert len(run("allowed-sandboxes", args)) == 1


@pytest.mark.parametrize("sandbox", [None, ""])
def test_allowed_sandboxes_requires_a_sandbox(sandbox: str | None) -> None:
    """A connection without sandbox_name is reported (it would land in the default sandbox)."""
    (message,) = run("allowed-sandboxes", make_args({"sandbox_name": sandbox}, config=DEV_CONFIG))
    assert "has no sandbox_name" in message


# --- protect-production -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sandbox", "protect", "config", "violates"),
    [
        ("prod", False, None, True),
        ("prod", True, None, False),
        ("PROD", False, None, True),
        ("dev", False, None, False),
        (None, False, None, True),
        ("", False, None, True),
        ("prod-eu", False, {"productionSandboxes": ["prod", "prod-eu"]}, True),
        ("prod-eu", True, {"productionSandboxes": ["prod", "prod-eu"]}, False),
        ("prod", False, {"productionSandboxes": ["live"]}, False),
        ("live", False, {"productionSandboxes": ["live"]}, True),
        ("dev", False, {"productionSandboxes": []}, False),
    ],
)
def test_protect_production_table(
    sandbox: str | None, protect: bool, config: Mapping[str, Any] | None, violates: bool
) -> None:
    """Connections in production sandboxes (default ["prod"], or no sandbox) need protect=True."""
    args = make_args({"sandbox_name": sandbox}, protect=protect, config=config)
    assert bool(run("protect-production", args)) is violates


def test_protect_production_message_matches_the_documented_form() -> None:
    """The message names resource, property, rule and the exact option to add."""
    (message,) = run("protect-production", make_args({"sandbox_name": "prod"}, name="sales"))
    assert message.startswith(
        '[protect-production] Connection "sales" in a production sandbox (sandbox_name, '
        "productionSandboxes) is not protected"
    )
    assert "opts=pulumi.ResourceOptions(protect=True)" in message


def test_protect_production_malformed_config_falls_back_to_default_and_says_so() -> None:
    """A malformed productionSandboxes is reported and the default list still applies."""
    args = make_args({"sandbox_name": "prod"}, config={"productionSandboxes": "prod"})
    messages = run("protect-production", args)
    assert len(messages) == 2
    assert "not an array of strings" in messages[0]
    assert "is not protected" in messages[1]


def test_protect_production_protected_resource_needs_no_known_sandbox() -> None:
    """A protected connection passes even while its sandbox is unknown (preview)."""
    args = make_args({"sandbox_name": UNKNOWN_STRING_VALUE}, protect=True)
    assert run("protect-production", args) == []


# --- owner-description --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "violates"),
    [
        ("Sales lakehouse. owner: data-platform@example.com", False),
        ("OWNER:team-sales", False),
        ("Sales lakehouse", True),
        ("owner:", True),
        ("", True),
        (None, True),
        (12.0, True),
    ],
)
def test_owner_description_default_pattern(description: object, violates: bool) -> None:
    """By default the description must contain "owner: <someone>"."""
    args = make_args({"description": description})
    assert bool(run("owner-description", args)) is violates


def test_owner_description_missing_and_custom_pattern() -> None:
    """A missing description is reported; a custom pattern replaces the default."""
    (missing,) = run("owner-description", make_args(drop=("description",)))
    assert "description is missing" in missing
    custom = {"pattern": r"team=[a-z]+"}
    assert run("owner-description", make_args({"description": "team=sales"}, config=custom)) == []
    assert run("owner-description", make_args(config=custom)) != []


def test_owner_description_invalid_pattern_is_reported_not_raised() -> None:
    """An invalid regex in the pack config is a violation naming the config, not a crash."""
    (message,) = run("owner-description", make_args(config={"pattern": "("}))
    assert "not a valid regex" in message
    assert "pack config" in message


# --- naming-convention --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "violates"),
    [
        ("databricks-sales", False),
        ("abc", False),
        ("ab", True),
        ("Databricks-Sales", True),
        ("databricks_sales", True),
        ("databricks-", True),
        ("-databricks", True),
        ("1databricks", True),
        ("a" * 64, True),
        (42.0, True),
        (None, True),
    ],
)
def test_naming_convention_default_pattern(name: object, violates: bool) -> None:
    """By default names are lowercase kebab-case, 3-63 characters, starting with a letter."""
    assert bool(run("naming-convention", make_args({"name": name}))) is violates


def test_naming_convention_custom_pattern_and_message() -> None:
    """A custom pattern applies, and the message names resource, rule, pattern and fix, never
    the name's value."""
    config = {"pattern": r"^dbx-"}
    assert run("naming-convention", make_args({"name": "dbx-sales"}, config=config)) == []
    (message,) = run("naming-convention", make_args({"name": "Sales"}, config=config, name="s1"))
    assert '[naming-convention] Connection "s1"' in message
    assert "Sales" not in message
    assert '"^dbx-"' in message
    assert "Fix:" in message


# --- unique-names -------------------------------------------------------------------------------


def conn(name: str, sandbox: str | None = "dev", **changes: Any) -> dict[str, Any]:
    """Connection props with a given Flow Service name and sandbox."""
    return {**GOOD, "name": name, "sandbox_name": sandbox, **changes}


@pytest.mark.parametrize(
    ("resources", "violations"),
    [
        ([("a", conn("sales")), ("b", conn("sales-2"))], 0),
        ([("a", conn("sales")), ("b", conn("sales"))], 2),
        ([("a", conn("Sales")), ("b", conn("sales "))], 2),
        ([("a", conn("sales")), ("b", conn("sales", "prod"))], 0),
        ([("a", conn("sales", "Dev")), ("b", conn("sales", "dev"))], 2),
        ([("a", conn("sales", None)), ("b", conn("sales", ""))], 2),
        ([("a", conn("sales")), ("b", conn("sales")), ("c", conn("sales"))], 3),
    ],
)
def test_unique_names_table(resources: list[tuple[str, dict[str, Any]]], violations: int) -> None:
    """Names clash per sandbox, case-insensitively; every member of a clash is reported."""
    args = StackValidationArgs([make_resource(n, p) for n, p in resources])
    assert len(run("unique-names", args)) == violations


def test_unique_names_reports_both_resources_on_their_urns() -> None:
    """Each clash report sits on its resource's URN and names the other resource and URN."""
    reports: list[tuple[str, str | None]] = []
    args = StackValidationArgs(
        [make_resource("a", conn("sales")), make_resource("b", conn("sales"))]
    )
    aep.validate_unique_names(args, lambda message, urn=None: reports.append((message, urn)))
    assert [urn for _, urn in reports] == [urn_of("a"), urn_of("b")]
    first = reports[0][0]
    assert '[unique-names] Connection "a"' in first
    assert f'"b" ({urn_of("b")})' in first
    assert "same name (name)" in first
    assert '"sales"' not in first
    assert "Fix:" in first


def test_unique_names_ignores_other_types_and_skips_unknowns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Other resource types never clash; in preview an unknown name is skipped, the rest checked."""
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    args = StackValidationArgs([
        make_resource("a", conn("sales")),
        make_resource("b", conn("sales"), type_="aws:s3/bucket:Bucket"),
        make_resource("c", conn(UNKNOWN_STRING_VALUE)),
        make_resource("d", conn("x", UNKNOWN_STRING_VALUE)),
        make_resource("e", conn("orders")),
        make_resource("f", conn("orders")),
    ])
    messages = run("unique-names", args)
    assert len(messages) == 2
    assert sorted(m.split('"')[1] for m in messages) == ["e", "f"]


# --- cross-cutting ------------------------------------------------------------------------------

RESOURCE_POLICIES = [n for n, p in BY_NAME.items() if isinstance(p, ResourceValidationPolicy)]


@pytest.mark.parametrize(
    ("policy_name", "field", "config"),
    [
        ("databricks-domain", "domain", None),
        ("allowed-sandboxes", "sandbox_name", DEV_CONFIG),
        ("protect-production", "sandbox_name", None),
        ("owner-description", "description", None),
        ("naming-convention", "name", None),
    ],
)
def test_unknown_value_defers_to_the_framework(
    policy_name: str, field: str, config: Mapping[str, Any] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In preview an unknown input raises UnknownValueError (the servicer reports it advisory)."""
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    args = make_args({field: UNKNOWN_STRING_VALUE}, config=config)
    with pytest.raises(UnknownValueError):
        run(policy_name, args)


def test_unknown_access_token_does_not_break_other_rules() -> None:
    """An unknown access token (the only field rules never need) leaves every rule working."""
    args = make_args({"access_token": UNKNOWN_STRING_VALUE, "domain": "http://x"})
    assert len(run("databricks-domain", args)) == 1


@pytest.mark.parametrize("policy_name", RESOURCE_POLICIES)
def test_other_resource_types_are_ignored(policy_name: str) -> None:
    """Resources of other types pass every rule, however their props look."""
    args = ResourceValidationArgs(
        "aws:s3/bucket:Bucket", unknown_checking_proxy({"name": UNKNOWN_STRING_VALUE}),
        urn_of("bucket", "aws:s3/bucket:Bucket"), "bucket", make_opts(), None, None,
    )
    assert run(policy_name, args) == []


def test_messages_never_contain_the_access_token() -> None:
    """Even when the token is pasted into other values, no message contains any of it."""
    bad = {
        "domain": f"https://u:{TOKEN}@evil.example.com/{TOKEN}",
        "name": f"Sales {TOKEN}",
        "description": f"token {TOKEN}",
        "sandbox_name": f"prod{TOKEN}",
    }
    messages: list[str] = []
    for name in RESOURCE_POLICIES:
        messages += run(name, make_args(bad, config={"allowedSandboxes": ["dev"]}))
    messages += run("unique-names", StackValidationArgs(
        [make_resource("a", conn(f"x{TOKEN}")), make_resource("b", conn(f"x{TOKEN}"))]
    ))
    assert len(messages) == 6
    assert all(TOKEN[:12] not in m for m in messages)


@pytest.mark.parametrize(
    ("policy_name", "changes", "config"),
    [
        ("databricks-domain", {"domain": "http://x"}, None),
        ("allowed-sandboxes", {"sandbox_name": "prod"}, DEV_CONFIG),
        ("protect-production", {"sandbox_name": "prod"}, None),
        ("owner-description", {"description": "no owner"}, None),
        ("naming-convention", {"name": "Bad Name"}, None),
    ],
)
def test_every_message_names_resource_rule_and_fix(
    policy_name: str, changes: dict[str, Any], config: Mapping[str, Any] | None
) -> None:
    """Each rule's message carries the rule tag, the resource's name and a fix."""
    (message,) = run(policy_name, make_args(changes, config=config, name="conn-under-test"))
    assert f"[{policy_name}]" in message
    assert '"conn-under-test"' in message
    assert "Fix" in message


def test_a_token_pasted_into_a_long_value_is_scrubbed_before_it_is_cut() -> None:
    """A token pasted into a long name is masked first, then the value is cut: no prefix of the
    token reaches the message."""
    token = "dapi" + "0123456789abcdef" * 12
    messages = run("naming-convention", make_args({"access_token": token,
                                                   "name": "Sales " + token}))
    assert len(messages) == 1
    assert token[:12] not in messages[0]
    assert "Sales" not in messages[0]


def test_long_values_are_not_shown() -> None:
    """A long input value is not shown at all (messages name the property, not the value)."""
    messages = run("naming-convention", make_args({"name": "N" * 5000}))
    assert "N" * 8 not in messages[0]
    assert "\x00" not in messages[0]
