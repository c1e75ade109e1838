"""The pack's edges: normalised config, look-alike names, and unknown values at `pulumi up`.

Rules run through their policy objects as the servicer runs them (helpers of test_policies.py);
``PULUMI_DRY_RUN`` is what the engine's language host sets for the pack process.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from test_policies import TOKEN, aep, conn, make_args, make_resource, run

UP = {"PULUMI_DRY_RUN": "false"}


@pytest.mark.parametrize("production", [[" prod"], ["prod "], ["PROD"], [" Prod ", ""]])
def test_production_sandboxes_config_is_normalised(production: list[str]) -> None:
    """productionSandboxes entries are trimmed and lower-cased: " prod" still protects prod."""
    config = {"productionSandboxes": production}
    messages = run("protect-production", make_args({"sandbox_name": "prod"}, config=config))
    assert len(messages) == 1
    assert "[protect-production]" in messages[0]


@pytest.mark.parametrize("allowed", [[" dev"], ["dev "], ["Dev"]])
def test_allowed_sandboxes_config_is_normalised(allowed: list[str]) -> None:
    """allowedSandboxes entries are read as AEP's lowercase names: [" dev"] allows dev."""
    config = {"allowedSandboxes": allowed}
    assert run("allowed-sandboxes", make_args({"sandbox_name": "dev"}, config=config)) == []


def test_an_allow_list_of_blank_entries_allows_nothing() -> None:
    """["", " "] is an empty allow-list after trimming: every connection is a violation."""
    config = {"allowedSandboxes": ["", " "]}
    (message,) = run("allowed-sandboxes", make_args({"sandbox_name": "dev"}, config=config))
    assert "allowedSandboxes is empty" in message


@pytest.mark.parametrize(
    "look_alike",
    [
        "sa\u200bles-lake",  # zero-width space
        "sales\u200d-lake",  # zero-width joiner
        "\ufeffsales-lake",  # byte order mark
        "sal\u00ades-lake",  # soft hyphen
        "sales\u2010lake",  # hyphen
        "sales\u2013lake",  # en dash
        "sales\u2212lake",  # minus sign
        "sales\uff0dlake",  # full-width hyphen-minus
        "\uff53\uff41\uff4c\uff45\uff53-lake",  # full-width letters
        "s\u0430les-l\u0430ke",  # Cyrillic small a
        "\u0405ALES-LAKE",  # Cyrillic capital dze
        "S\u0391L\u0395S-L\u0391K\u0395",  # Greek capital alpha and epsilon
        "SALES-LAKE",
        " sales-lake ",
    ],
)
def test_unique_names_sees_through_unicode_look_alikes(look_alike: str) -> None:
    """Names that differ only by invisible characters, dashes or width clash with each other."""
    args = StackValidationArgs([
        make_resource("a", conn("sales-lake")),
        make_resource("b", conn(look_alike)),
    ])
    messages = run("unique-names", args)
    assert len(messages) == 2
    assert all(TOKEN not in m for m in messages)


def test_lookalikes_outside_the_folded_set_are_left_to_naming_convention() -> None:
    """The documented limit: a lookalike from another script (Armenian oh for "o") is a distinct
    name to unique-names, and naming-convention (ASCII kebab-case) is what reports it."""
    look_alike = "\u0585rders"
    args = StackValidationArgs([
        make_resource("a", conn("orders")),
        make_resource("b", conn(look_alike)),
    ])
    assert run("unique-names", args) == []
    (message,) = run("naming-convention", make_args({"name": look_alike}))
    assert "[naming-convention]" in message


def test_unique_names_keeps_different_names_apart() -> None:
    """Normalisation does not merge names that really differ."""
    args = StackValidationArgs([
        make_resource("a", conn("sales-lake")),
        make_resource("b", conn("sales-lakes")),
        make_resource("c", conn("saleslake")),
    ])
    assert run("unique-names", args) == []


def test_unique_names_groups_sandboxes_as_aep_does() -> None:
    """The same name in "dev" and " Dev" is one sandbox, so it clashes."""
    args = StackValidationArgs([
        make_resource("a", conn("sales", "dev")),
        make_resource("b", conn("sales", " Dev")),
    ])
    assert len(run("unique-names", args)) == 2


@pytest.mark.parametrize(
    ("policy_name", "field", "config"),
    [
        ("databricks-domain", "domain", None),
        ("allowed-sandboxes", "sandbox_name", {"allowedSandboxes": ["dev"]}),
        ("protect-production", "sandbox_name", None),
    ],
)
def test_unknown_value_at_up_is_a_violation(
    monkeypatch: pytest.MonkeyPatch, policy_name: str, field: str, config: Any
) -> None:
    """At `pulumi up` a value the rule needs that is still unknown is its violation."""
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    (message,) = run(policy_name, make_args({field: UNKNOWN_STRING_VALUE}, config=config))
    assert f"[{policy_name}]" in message
    assert f".{field} is still unknown at `pulumi up`" in message
    assert TOKEN not in message


def test_without_the_dry_run_variable_unknowns_are_violations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No PULUMI_DRY_RUN at all counts as an update: an unknown never slips through."""
    monkeypatch.delenv("PULUMI_DRY_RUN", raising=False)
    assert not aep.is_preview()
    assert run("protect-production", make_args({"sandbox_name": UNKNOWN_STRING_VALUE}))


def test_unique_names_reports_an_unknown_name_at_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """At `pulumi up` a connection whose name is unknown is reported on its own URN."""
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    args = StackValidationArgs([
        make_resource("a", conn("sales")),
        make_resource("c", conn(UNKNOWN_STRING_VALUE)),
    ])
    (message,) = run("unique-names", args)
    assert 'Connection "c"' in message
    assert "still unknown at `pulumi up`" in message
