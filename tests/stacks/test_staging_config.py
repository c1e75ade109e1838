"""stacks/staging_config.py: a stack file's ``stagingCredentials``, one per sandbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from stack_testlib import engine_config
from test_stack_config import PROJECT, source
from test_stack_program import run_program

from stacks.config import StackConfigError, load_stack_config
from stacks.staging_config import StagingSpec

KEY = f"{PROJECT}:stagingCredentials"
STAGING = "pulumi-python:dynamic/aep:DatabricksStagingCredentials"


def staged(entries: Any) -> Any:
    """The stack config of ``source()`` with ``stagingCredentials`` set to ``entries``."""
    return load_stack_config(source(extra={KEY: json.dumps(entries)}), PROJECT)


def test_no_key_declares_none() -> None:
    """Without the key a stack declares no staging credentials."""
    assert load_stack_config(source(), PROJECT).staging == ()


def test_entries_default_to_the_stack_sandbox() -> None:
    """An entry without sandboxName is the stack's aep:sandboxName; names are read lowercase."""
    assert staged([{}, {"sandboxName": "Prod ", "rotationTrigger": "2027-01"}]).staging == (
        StagingSpec("dev"), StagingSpec("prod", "2027-01"))


@pytest.mark.parametrize("entries", [
    [{}, {"sandboxName": "dev"}],
    [{"sandboxName": "prod"}, {"sandboxName": " PROD"}],
])
def test_two_entries_for_one_sandbox_are_refused(entries: list[dict[str, Any]]) -> None:
    """A second staging credentials for one sandbox (any case, or by default) is refused,
    naming both entries and why."""
    with pytest.raises(StackConfigError) as caught:
        staged(entries)
    assert caught.value.key == f"{KEY}[1].sandboxName"
    assert f"{KEY}[0]" in caught.value.problem
    assert "revoke" in caught.value.problem


@pytest.mark.parametrize(("entries", "key"), [
    ("dev", KEY), ([3], f"{KEY}[0]"), ([{"sandbox": "dev"}], f"{KEY}[0].sandbox"),
    ([{"sandboxName": "bad name!"}], f"{KEY}[0].sandboxName"),
    ([{"rotationTrigger": 5}], f"{KEY}[0].rotationTrigger"),
])
def test_bad_entries_fail_naming_the_key(entries: Any, key: str) -> None:
    """Every malformed entry is one StackConfigError at its key."""
    with pytest.raises(StackConfigError) as caught:
        staged(entries)
    assert caught.value.key == key


def test_the_program_declares_one_resource_per_entry() -> None:
    """The program declares one DatabricksStagingCredentials per entry, and refuses twins
    before declaring anything."""
    config, secret_keys = engine_config("dev")
    result = run_program("dev", {**config, KEY: json.dumps([{}, {"sandboxName": "qa"}])},
                         secret_keys)
    assert result["error"] is None
    assert sorted(r["name"] for r in result["resources"] if r["type"] == STAGING) == [
        "staging-dev", "staging-qa"]
    twins = run_program("dev", {**config, KEY: json.dumps([{}, {"sandboxName": "dev"}])},
                        secret_keys)
    assert twins["error"]["type"] == "RunError"
    assert twins["resources"] == []
