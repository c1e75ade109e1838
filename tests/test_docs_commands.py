"""Every command in README.md and docs/ is tagged with what it needs, and every runnable one runs:
offline, in a copy of the repository, against emulators the test starts on free ports
(docs/development.md, "Commands in the docs"; issue #23)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from docs_commands import Block, blocks, broken_links, pages, problems

from tests.conftest import ROOT

# The port the docs use for the emulator; each server block gets a free one instead.
DOC_PORT = re.compile(r"\b8080\b")
SKIP_COPY = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*_cache", ".pulumi-state",
                                   ".emulator-state*", "*.egg-info")
ALL_BLOCKS = [b for page in pages(ROOT) for b in blocks(page)]
RUNNABLE_PAGES = sorted({b.path for b in ALL_BLOCKS if "runnable" in b.kinds})


def test_every_block_is_tagged_with_what_it_needs() -> None:
    """No fenced block in README.md or docs/ is untagged or wrongly tagged."""
    found = [p for b in ALL_BLOCKS for p in problems(b)]
    assert not found, "\n".join(found)


MODULE = re.compile(r"python3? -m ([a-z_][a-z0-9_.]*)")
MAKE_TARGET = re.compile(r"(?:^|[;&|(]\s*|=\S+\s+)make ([a-z][a-z-]*)", re.MULTILINE)


def test_every_module_and_make_target_named_exists() -> None:
    """Whatever its kind, a block names only `python -m` modules that import and `make`
    targets the Makefile defines (the check a `long`, `pulumi` or `network` block gets here)."""
    targets = set(re.findall(r"^([a-z][a-z -]*):", (ROOT / "Makefile").read_text(),
                             re.MULTILINE))
    targets = {t for line in targets for t in line.split()}
    missing = []
    for block in ALL_BLOCKS:
        missing += [f"{block.where}: python -m {module}" for module in MODULE.findall(block.text)
                    if importlib.util.find_spec(module) is None]
        missing += [f"{block.where}: make {t}" for t in MAKE_TARGET.findall(block.text)
                    if t not in targets]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(("text", "wanted"), [
    ("```sh\nmake up\n```\n", "untagged"),
    ("<!-- cmd: runnable pulumi -->\n```sh\nmake up\n```\n", "alone"),
    ("<!-- cmd: runnable -->\n```sh\npulumi import x <id>\n```\n", "placeholder"),
    ("<!-- cmd: shiny -->\n```sh\nls\n```\n", "unknown kind"),
    ("<!-- cmd: pulumi server -->\n```sh\nls\n```\n", "modifier"),
])
def test_a_bad_tag_is_caught(tmp_path: Path, text: str, wanted: str) -> None:
    """The tag check can fail: each kind of mistake is reported with its place."""
    page = tmp_path / "page.md"
    page.write_text(f"# page\n\n{text}")
    found = [p for b in blocks(page) for p in problems(b)]
    assert any(wanted in p and "page.md:" in p for p in found), found


def test_an_indented_block_is_read_with_its_tag(tmp_path: Path) -> None:
    """A block inside a list item (indented fence) is found, tagged, and dedented."""
    page = tmp_path / "page.md"
    page.write_text("1. Step:\n\n   <!-- cmd: pulumi -->\n   ```sh\n   make up\n   ```\n")
    (block,) = blocks(page)
    assert block.kinds == {"pulumi"}
    assert block.text == "make up\n"


def test_every_relative_link_resolves() -> None:
    """Each link between README.md and docs/ points to a file and heading that exist (the move
    to docs/ rewrote many)."""
    found = [problem for page in pages(ROOT) for problem in broken_links(page)]
    assert not found, "\n".join(found)


def test_a_broken_link_is_caught(tmp_path: Path) -> None:
    """The link check can fail: a missing file and a missing heading are both reported."""
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n[a](gone.md) [b](#page) [c](#nowhere) [d](https://x.example)\n")
    assert broken_links(page) == ["page.md: gone.md: no such file",
                                  "page.md: #nowhere: no such heading"]


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository (its .venv linked, not copied) for commands that write files."""
    copy = tmp_path_factory.mktemp("docs") / "aep-connections"
    shutil.copytree(ROOT, copy, ignore=SKIP_COPY)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def command_env() -> dict[str, str]:
    """The environment a reader's shell would have: no AEP_* of ours, unbuffered Python, and
    `make` told to use the linked .venv untouched (AEP_VENV; else it would reinstall the
    project into it from the copy)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEP_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["AEP_VENV"] = str(ROOT / ".venv")
    return env


def installed_project() -> dict[str, str]:
    """The .venv's record of where the project is installed from (its editable finder)."""
    site = ROOT / ".venv" / "lib"
    return {str(p): p.read_text() for p in site.glob("python*/site-packages/__editable__*")}


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[str]]]:
    """The servers a page started; each is stopped (its own process group) afterwards."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: never leave the group running
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


def start_server(block: Block, port: int, cwd: Path,
                 started: list[subprocess.Popen[str]]) -> None:
    """Start a server block on ``port``; return once it says it is listening."""
    proc = subprocess.Popen(["bash", "-c", DOC_PORT.sub(str(port), block.text)], cwd=cwd,
                            env=command_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    started.append(proc)
    assert proc.stdout is not None
    said = []
    for line in proc.stdout:  # ends when the server exits
        said.append(line)
        if "listening on" in line:
            return
    pytest.fail(f"{block.where}: the server stopped before listening:\n{''.join(said)}")


@pytest.mark.slow
@pytest.mark.parametrize("page", RUNNABLE_PAGES, ids=lambda p: p.name)
def test_runnable_commands_run(page: Path, repo_copy: Path,
                               servers: list[subprocess.Popen[str]]) -> None:
    """A page's runnable blocks run as a reader runs them: its servers started (each on a free
    port), then its shell blocks in order in one shell (`set -euo pipefail`) against the first
    server, then each Python block; every one exits 0."""
    venv_before = installed_project()
    runnable = [b for b in blocks(page) if "runnable" in b.kinds]
    ports = []
    for block in (b for b in runnable if "server" in b.kinds):
        ports.append(free_port())
        start_server(block, ports[-1], repo_copy, servers)
    shell = [b for b in runnable if b.lang == "sh" and "server" not in b.kinds]
    if shell:
        script = "set -euo pipefail\n" + "".join(
            f"# {b.where}\n{DOC_PORT.sub(str(ports[0]), b.text) if ports else b.text}"
            for b in shell)
        done = subprocess.run(["bash", "-c", script], cwd=repo_copy, env=command_env(),
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{page.name}:\n{done.stdout}\n{done.stderr}"
    for block in (b for b in runnable if b.lang == "python"):
        done = subprocess.run([sys.executable, "-c", block.text], cwd=repo_copy,
                              env=command_env(), capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode == 0, f"{block.where}:\n{done.stdout}\n{done.stderr}"
    assert installed_project() == venv_before, "a command reinstalled the project into .venv"
