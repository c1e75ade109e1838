"""Every `python -m` entry point a user runs answers `--help` with its usage and does nothing
else: no file written, no server started, no request (issue #23)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from provider import schema
from tests.conftest import ROOT


def entry_points() -> list[str]:
    """Every module of the package and the benchmarks that runs as `python -m`: a package with
    a ``__main__.py`` or a module with a ``__main__`` guard (found, so a new one is held too)."""
    found = []
    for path in sorted([*(ROOT / "provider").rglob("*.py"), *(ROOT / "bench").glob("*.py")]):
        if path.name == "__main__.py" or 'if __name__ == "__main__":' in path.read_text():
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append(".".join(parts[:-1] if path.name == "__main__.py" else parts))
    return found


ENTRY_POINTS = entry_points()


def test_the_entry_points_are_found() -> None:
    """The discovery finds the tools the docs name (so the --help test below covers them)."""
    assert {"provider.explore", "provider.runs", "provider.schema", "provider.emulator",
            "bench.run"} <= set(ENTRY_POINTS)


def tree_snapshot() -> dict[str, int]:
    """Every file of the working tree with its modification time, build and cache dirs aside."""
    skip = {".venv", ".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
    return {str(p.relative_to(ROOT)): p.stat().st_mtime_ns for p in ROOT.rglob("*")
            if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)}


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_help_prints_usage_and_touches_nothing(module: str) -> None:
    """`python -m MODULE --help` exits 0 with its usage and changes no file of the tree."""
    before = tree_snapshot()
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT, text=True,
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: "), done.stdout
    assert tree_snapshot() == before


def test_schema_help_does_not_rewrite_a_stale_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """With a stale generated block, `python -m provider.schema --help` prints its usage and
    leaves the file as it was (it used to rewrite every stale file)."""
    stale = tmp_path / "README.md"
    text = (ROOT / "README.md").read_text().replace(
        "<!-- END generated: fields -->", "stale row\n<!-- END generated: fields -->")
    stale.write_text(text)
    monkeypatch.setattr(schema, "README", stale)
    with pytest.raises(SystemExit) as done:
        schema.main(["--help"])
    assert done.value.code == 0
    assert "usage: python -m provider.schema" in capsys.readouterr().out
    assert stale.read_text() == text
