"""The release a user installs: one version everywhere it is written, examples that install a
package that exists, and ``scripts/check_dist.py`` catching a wheel that lacks what a user needs
(held on wheels made here; ``.ci/run`` runs it on the real build and installs that wheel)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
import tomllib

from tests.conftest import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
EXAMPLES_WITH_REQUIREMENTS = ("consumer", "databricks-end-to-end")


def load_check_dist() -> ModuleType:
    """scripts/check_dist.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / "scripts" / "check_dist.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_dist = load_check_dist()

GOOD_ENTRY_POINTS = """[console_scripts]
aep-flow-emulator = provider.emulator.__main__:main
pulumi-resource-aep = provider.native:main
"""


def make_dist(dist: Path, *, drop: str = "", entry_points: str = GOOD_ENTRY_POINTS,
              version: str = VERSION) -> Path:
    """A wheel and sdist of this project in ``dist``, missing ``drop`` when given."""
    dist.mkdir()
    info = f"aep_connections-{version}.dist-info"
    with zipfile.ZipFile(dist / f"aep_connections-{VERSION}-py3-none-any.whl", "w") as wheel:
        for name in check_dist.WHEEL_FILES:
            if name != drop:
                wheel.writestr(name, "")
        wheel.writestr(f"{info}/METADATA", f"Metadata-Version: 2.4\nName: aep-connections\n"
                                           f"Version: {version}\n\n")
        wheel.writestr(f"{info}/entry_points.txt", entry_points)
    sdist_root = dist / "src" / f"aep_connections-{VERSION}"
    for name in ("pyproject.toml", "provider/emulator/openapi.yaml"):
        (sdist_root / name).parent.mkdir(parents=True, exist_ok=True)
        (sdist_root / name).write_text("")
    with tarfile.open(dist / f"aep_connections-{VERSION}.tar.gz", "w:gz") as sdist:
        sdist.add(sdist_root, arcname=sdist_root.name)
    return dist


def test_version_is_written_the_same_everywhere() -> None:
    """pyproject's version is the policy pack's and the changelog's newest release."""
    pack = (ROOT / "policy" / "PulumiPolicy.yaml").read_text()
    assert re.search(rf"^version: {re.escape(VERSION)}$", pack, re.MULTILINE)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[(.+?)\]", changelog, re.MULTILINE)
    assert releases[:2] == ["Unreleased", VERSION]


@pytest.mark.parametrize("example", EXAMPLES_WITH_REQUIREMENTS)
def test_examples_install_a_package_that_exists(example: str) -> None:
    """Each example's requirements name no placeholder, and its local path is this project."""
    folder = ROOT / "examples" / example
    lines = [line.strip() for line in (folder / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert not [line for line in lines if "<" in line.split(">=")[0] or "git+" in line]
    local = [line for line in lines if line.startswith(".")]
    assert len(local) == 1
    assert (folder / local[0] / "pyproject.toml").resolve() == ROOT / "pyproject.toml"
    readme = (folder / "README.md").read_text()
    assert "template" in readme
    assert f"git+https://github.com/<your-org>/aep-connections.git@v{VERSION}" in readme


def test_examples_virtualenvs_are_ignored(tmp_path: Path) -> None:
    """git ignores an example's venv/ and .venv/, and a .venv that is a link (read from the
    repository's .gitignore in a scratch repository, so it holds in a copy that is no clone)."""
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, timeout=30)
    (tmp_path / ".venv").symlink_to(tmp_path)
    done = subprocess.run(
        ["git", "check-ignore", "examples/consumer/venv/bin/python",
         "examples/databricks-end-to-end/.venv/bin/python", ".venv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3


def test_check_dist_accepts_a_complete_dist(tmp_path: Path) -> None:
    """A wheel with the package, the emulator's contract and both scripts passes."""
    assert check_dist.problems(make_dist(tmp_path / "dist")) == []


@pytest.mark.parametrize("missing", ["provider/emulator/openapi.yaml", "provider/native.py"])
def test_check_dist_names_a_missing_file(tmp_path: Path, missing: str) -> None:
    """A wheel without the emulator's contract or the plugin door fails, naming the file."""
    found = check_dist.problems(make_dist(tmp_path / "dist", drop=missing))
    assert found == [f"aep_connections-{VERSION}-py3-none-any.whl: missing {missing}"]


def test_check_dist_names_a_missing_plugin_script(tmp_path: Path) -> None:
    """A wheel without the pulumi-resource-aep console script fails, naming it."""
    points = "[console_scripts]\naep-flow-emulator = provider.emulator.__main__:main\n"
    found = check_dist.problems(make_dist(tmp_path / "dist", entry_points=points))
    assert len(found) == 1
    assert "console script pulumi-resource-aep is not provider.native:main" in found[0]


def test_check_dist_names_a_wrong_version_and_an_empty_dir(tmp_path: Path) -> None:
    """Metadata of another version fails; a directory without a build says to run it."""
    found = check_dist.problems(make_dist(tmp_path / "dist", version="0.0.1"))
    assert found == [f"aep_connections-{VERSION}-py3-none-any.whl: METADATA does not say "
                     f"Version: {VERSION}"]
    (tmp_path / "empty").mkdir()
    assert "run `python -m build` first" in check_dist.problems(tmp_path / "empty")[0]


def test_pyproject_declares_the_plugin_script() -> None:
    """pyproject's console scripts are the ones check_dist requires of the wheel."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == check_dist.SCRIPTS
