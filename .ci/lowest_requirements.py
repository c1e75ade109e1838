"""Print the runtime dependencies of pyproject.toml pinned to their lowest allowed versions.

``.ci/run`` installs these into a fresh virtualenv and imports the package, so a lower bound
that is too low (a feature used that the oldest allowed release lacks) fails CI.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def lowest(requirement: str) -> str:
    """``name>=X,<Y`` -> ``name==X``; a requirement without a lower bound is kept as is."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement)
    if match is None:
        raise ValueError(f"cannot read requirement {requirement!r}")
    name, spec = match.groups()
    bound = re.search(r">=\s*([^,;\s]+)", spec)
    return f"{name}=={bound.group(1)}" if bound else requirement


def main() -> int:
    """Print one pinned requirement per line."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        print(lowest(requirement))
    return 0


if __name__ == "__main__":
    sys.exit(main())
