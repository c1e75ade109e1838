"""The committed project and stack files: layout, Pulumi's project-file rules, no clear secrets."""

from __future__ import annotations

import ast
from typing import Any

import pytest
import yaml
from stack_testlib import PROJECT, ROOT, STACKS, commented_secure_keys, stack_path, stack_yaml

SECRET_KEYS = ("aep:clientSecret", "aep:accessToken")


def project_file() -> dict[str, Any]:
    """The parsed root Pulumi.yaml."""
    document: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    return document


def test_project_file_runs_the_root_program_with_the_root_venv() -> None:
    """Pulumi.yaml: no `main` (program and provider share the root cwd), pip + .venv, stacks/."""
    project = project_file()
    assert project["name"] == PROJECT
    assert "main" not in project
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }
    assert project["stackConfigDir"] == "stacks"
    assert project["description"]


def test_project_config_declarations_follow_pulumis_rules() -> None:
    """Other namespaces' keys may only carry a `value`; declared keys use known attributes."""
    for key, declaration in (project_file().get("config") or {}).items():
        assert isinstance(declaration, dict), key
        assert set(declaration) <= {"type", "items", "description", "secret", "default", "value"}
        if ":" in key and not key.startswith(f"{PROJECT}:"):
            assert "value" in declaration, key
            assert not {"type", "default"} & set(declaration), key


def test_root_main_is_a_two_line_shim_into_stacks() -> None:
    """The root __main__.py only imports and runs stacks.program.main."""
    source = (ROOT / "__main__.py").read_text()
    assert len([line for line in source.splitlines() if line.strip()]) == 2
    tree = ast.parse(source)
    assert isinstance(tree.body[0], ast.ImportFrom)
    assert tree.body[0].module == "stacks.program"


@pytest.mark.parametrize("stack", STACKS)
def test_stack_file_sets_sandbox_and_connections(stack: str) -> None:
    """Every committed stack names its sandbox and lists its connections."""
    config = stack_yaml(stack)
    assert config["aep:sandboxName"]
    assert isinstance(config[f"{PROJECT}:connections"], list)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_real_stacks_hold_no_secret_in_clear(stack: str) -> None:
    """dev/prod set no client secret or token value: those are documented commands only."""
    config = stack_yaml(stack)
    token_keys = {f"{PROJECT}:{c['tokenKey']}" for c in config[f"{PROJECT}:connections"]}
    for key in (*SECRET_KEYS, *token_keys):
        assert key not in config, key
    assert not config.get(f"{PROJECT}:allowPlaintextTokens")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_real_stacks_document_how_to_set_each_secret(stack: str) -> None:
    """Each token key and aep:clientSecret has its `pulumi config set --secret` line."""
    text = stack_path(stack).read_text()
    config = stack_yaml(stack)
    documented = set(commented_secure_keys(stack))
    assert "aep:clientSecret" in documented
    for connection in config[f"{PROJECT}:connections"]:
        assert f"{PROJECT}:{connection['tokenKey']}" in documented
        assert f"--secret {connection['tokenKey']} " in text


def test_local_stack_targets_the_emulator_with_its_demo_credentials() -> None:
    """The local stack points at the loopback emulator with the credentials it accepts."""
    config = stack_yaml("local")
    assert config["aep:platformUrl"] == config["aep:imsUrl"] == "http://127.0.0.1:8080"
    assert config["aep:clientId"] == "aep-emulator-client"
    assert config["aep:clientSecret"] == "aep-emulator-secret"
    assert config["aep:orgId"] == "EMULATOR0000000000000000@AdobeOrg"
