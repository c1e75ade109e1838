"""Helpers shared by the stack tests: read a committed stack file as the engine would pass it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
STACKS_DIR = ROOT / "stacks"
PROJECT = "aep-connections"
STACKS = ("local", "dev", "prod")

# `# aep-connections:databricksToken-sales: secure ...` lines: keys documented but not set.
_COMMENTED_SECURE = re.compile(r"^\s*#\s*([A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+):\s*secure\b", re.M)


def stack_path(stack: str) -> Path:
    """The committed ``Pulumi.<stack>.yaml``."""
    return STACKS_DIR / f"Pulumi.{stack}.yaml"


def stack_yaml(stack: str) -> dict[str, Any]:
    """The parsed ``config:`` block of a committed stack file."""
    document = yaml.safe_load(stack_path(stack).read_text())
    config = document["config"]
    assert isinstance(config, dict)
    return config


def raw_value(value: Any) -> str:
    """A YAML config value as the engine hands it to a program: a string, objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def commented_secure_keys(stack: str) -> list[str]:
    """Keys a stack file documents as ``secure`` in comments, to be set with the CLI."""
    return _COMMENTED_SECURE.findall(stack_path(stack).read_text())


def engine_config(stack: str) -> tuple[dict[str, str], list[str]]:
    """The stack file's config as raw strings, plus test values for its commented secure keys.

    Returns ``(config, secret_keys)``; the commented keys get ``test-<key>`` values, as secrets.
    """
    config = {key: raw_value(value) for key, value in stack_yaml(stack).items()}
    secret_keys = commented_secure_keys(stack)
    for key in secret_keys:
        config[key] = f"test-{key}"
    return config, secret_keys
