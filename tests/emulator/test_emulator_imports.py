"""The emulator states Adobe's facts itself: outside its package it imports only redaction."""

from __future__ import annotations

import ast
from pathlib import Path

import provider.emulator

ALLOWED = {"provider.redaction", "provider.errors"}


def test_emulator_imports_nothing_of_the_client_or_resources() -> None:
    """No emulator module imports provider code outside provider.emulator but redaction/errors,
    so the emulator can disagree with the client instead of sharing its mistakes."""
    package = Path(provider.emulator.__file__).parent
    found: dict[str, set[str]] = {}
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if isinstance(node, ast.ImportFrom) and node.module == "provider":
                names = [f"provider.{a.name}" for a in node.names]
            for name in names:
                if name.startswith("provider") and not name.startswith("provider.emulator") \
                        and name not in ALLOWED:
                    found.setdefault(path.name, set()).add(name)
    assert found == {}
