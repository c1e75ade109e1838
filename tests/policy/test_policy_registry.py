"""The pack's copy of the registry: every registered resource type, in both doors' tokens, is
guarded by the sandbox, production and naming rules; a stale copy fails ``--check``."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.proxy import unknown_checking_proxy

from provider import schema
from provider.resources import REGISTRY, Registered
from tests.policy.test_policies import BY_NAME, make_opts, run, urn_of

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
DOORS = pytest.mark.parametrize("door", ["dynamic", "native"])
EVERY = pytest.mark.parametrize("entry", REGISTRY, ids=[e.spec.name for e in REGISTRY])


def token(entry: Registered, door: str) -> str:
    """The type token of ``entry`` in front door ``door``."""
    return entry.dynamic_token if door == "dynamic" else entry.token


def args_for(entry: Registered, door: str, props: dict[str, Any], *, protect: bool = False,
             config: dict[str, Any] | None = None) -> ResourceValidationArgs:
    """ResourceValidationArgs of a resource of ``entry`` declared through ``door``, its
    ``props`` in that door's spelling."""
    if door == "native":
        props = entry.spec.to_schema(props)
    type_ = token(entry, door)
    return ResourceValidationArgs(type_, unknown_checking_proxy(props), urn_of("r", type_), "r",
                                  make_opts(protect), None, config)


@EVERY
@DOORS
def test_the_sandbox_rule_guards_every_registered_type(entry: Registered, door: str) -> None:
    """A resource of any registered type in a sandbox the stack may not write to is refused."""
    args = args_for(entry, door, {"sandbox_name": "prod"}, config={"allowedSandboxes": ["dev"]})
    [message] = run("allowed-sandboxes", args)
    assert "targets a sandbox (sandbox_name)" in message
    assert '"prod"' not in message
    ok = args_for(entry, door, {"sandbox_name": "dev"}, config={"allowedSandboxes": ["dev"]})
    assert run("allowed-sandboxes", ok) == []


@EVERY
@DOORS
def test_the_production_rule_guards_every_type_whose_delete_deletes(entry: Registered,
                                                                    door: str) -> None:
    """Unprotected in prod: refused when deleting it deletes something in AEP, else allowed."""
    messages = run("protect-production", args_for(entry, door, {"sandbox_name": "prod"}))
    assert len(messages) == (1 if entry.deletes else 0)
    assert run("protect-production",
               args_for(entry, door, {"sandbox_name": "prod"}, protect=True)) == []


@EVERY
@DOORS
def test_the_naming_rule_guards_every_named_type(entry: Registered, door: str) -> None:
    """A name off the convention is reported for every registered type that has a name."""
    messages = run("naming-convention", args_for(entry, door, {"name": "Not Kebab"}))
    assert len(messages) == (1 if entry.named else 0)
    assert run("naming-convention", args_for(entry, door, {"name": "kebab-case"})) == []


def test_an_unregistered_type_passes_silently() -> None:
    """A token of no registered resource is left alone by every resource rule."""
    entry = REGISTRY[0]
    args = ResourceValidationArgs("aep:index:Nope", unknown_checking_proxy({"sandbox_name": "x"}),
                                  urn_of("r", "aep:index:Nope"), "r", make_opts(), None,
                                  {"allowedSandboxes": ["dev"]})
    assert entry.token != args.resource_type
    assert all(run(name, args) == [] for name in
               ("allowed-sandboxes", "protect-production", "naming-convention"))
    assert set(BY_NAME) >= {"allowed-sandboxes", "protect-production", "naming-convention"}


def imports(text: str) -> set[str]:
    """The top-level modules ``text`` imports."""
    return {alias.name.split(".")[0] for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import)
                          else [ast.alias(node.module or "")])}


STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def test_the_pack_copy_is_generated_and_stdlib_only() -> None:
    """policy/_registry.py is the generator's text and imports nothing outside the standard
    library, so the pack runs without this package installed."""
    text = (POLICY_DIR / "_registry.py").read_text()
    assert text == schema.policy_registry()
    assert imports(text) <= STDLIB


def test_the_shared_rules_are_stdlib_only_and_copied_into_the_pack() -> None:
    """Every provider/rules module imports only the standard library, and the pack holds the
    generator's copy of each (the schedule rule is the provider's own, not a hand copy)."""
    copies = schema.policy_rules()
    assert "_schedule.py" in copies
    for name, text in copies.items():
        assert imports(text) <= STDLIB, name
        assert (POLICY_DIR / name).read_text() == text
    pipeline = (POLICY_DIR / "pipeline_policies.py").read_text()
    assert "def schedule_problems" not in pipeline
    assert "_schedule" in imports(pipeline)


def test_check_mode_reports_a_stale_pack_copy(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """--check fails when policy/_registry.py lags the registry, and a run rewrites it."""
    stale = tmp_path / "_registry.py"
    stale.write_text(schema.policy_registry().replace('"aep:index:Dataflow": "Dataflow",\n', ""))
    monkeypatch.setattr(schema, "POLICY_REGISTRY_FILE", stale)
    monkeypatch.setattr(schema, "ROOT", tmp_path)
    monkeypatch.setattr(schema, "SCHEMA_FILE", tmp_path / "schema.json")
    monkeypatch.setattr(schema, "README", tmp_path / "README.md")
    monkeypatch.setattr(schema, "PYTHON_FILE", tmp_path / "generated.py")
    (tmp_path / "schema.json").write_text(schema.schema_text())
    (tmp_path / "README.md").write_text(schema.readme_with_table(
        (Path(schema.__file__).parents[1] / "README.md").read_text()))
    (tmp_path / "generated.py").write_text(schema.python_module())
    assert schema.main(["--check"]) == 1
    assert schema.main([]) == 0
    assert stale.read_text() == schema.policy_registry()
