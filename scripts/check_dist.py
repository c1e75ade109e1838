"""``python scripts/check_dist.py DIST_DIR``: the built wheel and sdist ship what a user needs.

Stdlib only. ``.ci/run`` calls it after ``python -m build`` (and ``twine check``); it exits
non-zero, one line per missing piece, when:

- there is not exactly one wheel and one sdist of ``pyproject.toml``'s name and version;
- the wheel lacks the provider, the native plugin, the emulator or the emulator's contract
  (``provider/emulator/openapi.yaml``), or ships the tests;
- the wheel's entry points lack ``aep-flow-emulator`` or ``pulumi-resource-aep`` (the native
  plugin as Pulumi runs it), or its metadata names another version;
- the sdist lacks ``pyproject.toml`` or the emulator's contract.
"""

from __future__ import annotations

import configparser
import re
import sys
import tarfile
import zipfile
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
WHEEL_FILES = (
    "provider/__init__.py",
    "provider/native.py",
    "provider/emulator/__main__.py",
    "provider/emulator/openapi.yaml",
)
SCRIPTS = {
    "aep-flow-emulator": "provider.emulator.__main__:main",
    "pulumi-resource-aep": "provider.native:main",
}


def project(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, str]:
    """(distribution file name stem, version) from ``pyproject.toml``."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return re.sub(r"[-_.]+", "_", data["name"]).lower(), str(data["version"])


def wheel_problems(wheel: Path, version: str) -> list[str]:
    """What the wheel lacks or ships wrongly (empty when it is fine)."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        problems = [f"{wheel.name}: missing {name}" for name in WHEEL_FILES if name not in names]
        problems += [f"{wheel.name}: ships {name} (tests stay in the repository)"
                     for name in sorted(names) if name.startswith("tests/")]
        info = next((n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA")), None)
        if info is None:
            return [*problems, f"{wheel.name}: no .dist-info/METADATA"]
        metadata = archive.read(f"{info}/METADATA").decode()
        if f"\nVersion: {version}\n" not in metadata:
            problems.append(f"{wheel.name}: METADATA does not say Version: {version}")
        parser = configparser.ConfigParser()
        entry = f"{info}/entry_points.txt"
        if entry in names:
            parser.read_string(archive.read(entry).decode())
        scripts = dict(parser["console_scripts"]) if parser.has_section("console_scripts") else {}
    for script, target in SCRIPTS.items():
        if scripts.get(script) != target:
            problems.append(f"{wheel.name}: console script {script} is not {target}")
    return problems


def sdist_problems(sdist: Path, stem: str) -> list[str]:
    """What the sdist lacks (empty when it is fine)."""
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    return [f"{sdist.name}: missing {name}"
            for name in ("pyproject.toml", "provider/emulator/openapi.yaml") if name not in names]


def problems(dist: Path, pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Every problem with the wheel and sdist in ``dist``."""
    stem, version = project(pyproject)
    wheels = sorted(dist.glob(f"{stem}-{version}-*.whl"))
    sdists = sorted(dist.glob(f"{stem}-{version}.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"{dist}: expected one {stem}-{version} wheel and one sdist, found "
                f"{[p.name for p in wheels + sdists]} (run `python -m build` first)"]
    return wheel_problems(wheels[0], version) + sdist_problems(sdists[0], stem)


def main(argv: list[str]) -> int:
    """Print each problem; 0 when there is none."""
    if len(argv) != 1:
        print("usage: python scripts/check_dist.py DIST_DIR", file=sys.stderr)
        return 2
    found = problems(Path(argv[0]))
    for problem in found:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not found:
        print(f"check_dist: {argv[0]}: wheel and sdist ship what a user needs")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
