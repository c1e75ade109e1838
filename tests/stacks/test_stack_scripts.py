"""The Makefile and scripts/: CLI check, exact Pulumi commands, local backend and emulator.

A fake `pulumi` placed first on PATH records each call (argv, cwd, relevant environment). Every
path the scripts write to is redirected to a temporary directory; the existing virtualenv is used
as is (AEP_VENV) so nothing is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from stack_testlib import ROOT

FAKE_PULUMI = """#!/usr/bin/env bash
python3 - "$@" <<'PY' >>"$PULUMI_CALLS"
import json, os, sys
print(json.dumps({
    "argv": sys.argv[1:],
    "cwd": os.getcwd(),
    "PULUMI_BACKEND_URL": os.environ.get("PULUMI_BACKEND_URL"),
    "PULUMI_CONFIG_PASSPHRASE": os.environ.get("PULUMI_CONFIG_PASSPHRASE"),
}))
PY
# FAKE_PULUMI_FAIL=<command>: that command fails (e.g. a preview with a mandatory violation).
[[ "${1:-}" != "${FAKE_PULUMI_FAIL:-}" ]]
"""

SCRUBBED = (
    "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "AEP_VENV", "EMULATOR_PORT", "STACK",
    "AEP_MAKE_STACK", "CONFIRM_STACK", "AEP_MAKE_CONFIRM_STACK", "MAKEFLAGS", "MFLAGS",
    "MAKELEVEL",
)


def policy(stack: str) -> list[str]:
    """The policy pack arguments every stack command carries."""
    return ["--policy-pack", "policy", "--policy-pack-config", f"policy/config.{stack}.json"]


@contextmanager
def reserved_port() -> Iterator[int]:
    """A loopback port held for the emulator the scripts start, with no free-then-reuse race.

    The socket stays bound (SO_REUSEADDR, never listening) for as long as the port is in use:
    the kernel hands it to no other ``bind(0)`` and refuses a plain bind to it, while the
    emulator, which binds with SO_REUSEADDR and listens, may take it.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


def port_answers(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def run_make(target: str, env: dict[str, str], cwd: Path = ROOT, *args: str) -> Any:
    """Run `make <target>` and return the completed process."""
    return subprocess.run(
        ["make", "--no-print-directory", target, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_calls(path: Path) -> list[dict[str, Any]]:
    """The calls the fake pulumi recorded, in order."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def local_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An environment with a fake pulumi first on PATH and every output path in a temp dir.

    Stops the emulator the tests start (by its pid file, through `make emulator-stop`) and checks
    that nothing answers on its port afterwards: no test leaves it running.
    """
    tmp = tmp_path_factory.mktemp("make")
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pulumi"
    fake.write_text(FAKE_PULUMI)
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    with reserved_port() as port:
        env.update(
            PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            PULUMI_CALLS=str(tmp / "calls.jsonl"),
            AEP_VENV=sys.prefix,
            EMULATOR_PORT=str(port),
            EMULATOR_STATE=str(tmp / "emulator-state.json"),
            AEP_RUN_DIR=str(tmp / "run"),
            AEP_LOCAL_BACKEND_DIR=str(tmp / "pulumi-state"),
        )
        yield env
        stopped = run_make("emulator-stop", env)
        assert not port_answers(port), (
            f"an emulator the tests started still answers on port {port}: {stopped.stdout}"
        )


@pytest.fixture
def planted_env(local_env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """``local_env`` with a run dir, port and state file of its own, for tests that plant pid
    files: they must never overwrite the pid file of the emulator `make up` started (its
    emulator would outlive the suite, no pid file left to stop it by)."""
    with reserved_port() as port:
        yield {**local_env, "AEP_RUN_DIR": str(tmp_path / "run"), "EMULATOR_PORT": str(port),
               "EMULATOR_STATE": str(tmp_path / "emulator-state.json")}


@pytest.fixture
def calls(local_env: dict[str, str]) -> Path:
    """The fake pulumi's record file, emptied for this test."""
    path = Path(local_env["PULUMI_CALLS"])
    path.unlink(missing_ok=True)
    return path


def test_make_up_without_pulumi_prints_install_hint_and_does_nothing(tmp_path: Path) -> None:
    """Without `pulumi` on PATH, `make up` fails with the install hint and creates nothing."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("Makefile", "pyproject.toml", "Pulumi.yaml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "scripts", project / "scripts")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "bash", "dirname", "cat", "env"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}

    completed = run_make("up", env, project)

    assert completed.returncode != 0
    assert "curl -fsSL https://get.pulumi.com | sh" in completed.stderr
    assert "https://www.pulumi.com/docs/install/" in completed.stderr
    assert sorted(p.name for p in project.iterdir()) == [
        "Makefile",
        "Pulumi.yaml",
        "pyproject.toml",
        "scripts",
    ]


def test_make_up_selects_or_creates_local_stack_then_updates_it(
    local_env: dict[str, str], calls: Path
) -> None:
    """`make up` runs exactly `stack select --create ... local` then `up --yes --stack local`."""
    completed = run_make("up", local_env)
    assert completed.returncode == 0, completed.stderr
    assert [c["argv"] for c in read_calls(calls)] == [
        ["stack", "select", "--create", "--secrets-provider", "passphrase", "local"],
        ["up", "--yes", "--stack", "local", *policy("local")],
    ]


def test_local_stack_uses_a_file_backend_and_the_default_passphrase(
    local_env: dict[str, str], calls: Path
) -> None:
    """Every pulumi call sees a file:// backend (created), the demo passphrase, cwd = project."""
    completed = run_make("up", local_env)
    assert completed.returncode == 0, completed.stderr
    backend = Path(local_env["AEP_LOCAL_BACKEND_DIR"])
    recorded = read_calls(calls)
    assert recorded
    for call in recorded:
        assert call["PULUMI_BACKEND_URL"] == f"file://{backend}"
        assert call["PULUMI_CONFIG_PASSPHRASE"] == "local-emulator-only"
        assert Path(call["cwd"]) == ROOT
    assert backend.is_dir()


def test_make_up_started_the_emulator_on_the_configured_port(
    local_env: dict[str, str], calls: Path
) -> None:
    """After `make up` the emulator answers on EMULATOR_PORT and its pid file names it."""
    completed = run_make("up", local_env)
    assert completed.returncode == 0, completed.stderr
    port = int(local_env["EMULATOR_PORT"])
    assert port_answers(port)
    pid_file = Path(local_env["AEP_RUN_DIR"]) / f"emulator-{port}.pid"
    pid, pid_port, token = pid_file.read_text().split()
    os.kill(int(pid), 0)  # raises if no such process
    assert pid_port == str(port)
    assert len(token) == 32
    log = (Path(local_env["AEP_RUN_DIR"]) / f"emulator-{port}.log").read_text()
    assert f"listening on http://127.0.0.1:{port}" in log


def test_passphrase_can_be_overridden(local_env: dict[str, str], calls: Path) -> None:
    """A PULUMI_CONFIG_PASSPHRASE already set wins over the local default."""
    completed = run_make("up", {**local_env, "PULUMI_CONFIG_PASSPHRASE": "mine"})
    assert completed.returncode == 0, completed.stderr
    assert {c["PULUMI_CONFIG_PASSPHRASE"] for c in read_calls(calls)} == {"mine"}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("preview", ["preview", "--stack", "local", *policy("local")]),
        ("refresh", ["refresh", "--yes", "--stack", "local"]),
        ("destroy", ["destroy", "--yes", "--stack", "local"]),
    ],
)
def test_companion_targets_on_the_local_stack(
    local_env: dict[str, str], calls: Path, target: str, expected: list[str]
) -> None:
    """preview/refresh/destroy select the local stack, then run their command without prompting."""
    completed = run_make(target, local_env)
    assert completed.returncode == 0, completed.stderr
    assert [c["argv"] for c in read_calls(calls)][-1] == expected


def test_other_stacks_use_the_users_backend_and_prompt(
    local_env: dict[str, str], calls: Path
) -> None:
    """STACK=prod: no stack creation, no file backend or passphrase default, no --yes."""
    completed = run_make("destroy", local_env, ROOT, "STACK=prod", "CONFIRM_STACK=prod")
    assert completed.returncode == 0, completed.stderr
    assert read_calls(calls) == [
        {
            "argv": argv,
            "cwd": str(ROOT),
            "PULUMI_BACKEND_URL": None,
            "PULUMI_CONFIG_PASSPHRASE": None,
        }
        for argv in (["preview", "--stack", "prod", *policy("prod")],
                     ["destroy", "--stack", "prod"])
    ]


def test_emulator_stop_stops_the_started_emulator(
    local_env: dict[str, str], calls: Path
) -> None:
    """`make emulator-stop` ends the emulator `make up` started and removes its pid file."""
    assert run_make("up", local_env).returncode == 0
    port = int(local_env["EMULATOR_PORT"])
    completed = run_make("emulator-stop", local_env)
    assert completed.returncode == 0, completed.stderr
    assert not (Path(local_env["AEP_RUN_DIR"]) / f"emulator-{port}.pid").exists()
    assert not port_answers(port)


def test_venv_is_created_and_installed_only_when_needed(tmp_path: Path) -> None:
    """Without AEP_VENV, the project is installed once, and again only after pyproject changes."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "lib.sh", project / "scripts" / "lib.sh")
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    log = tmp_path / "pip.log"
    for tool in ("python", "pip"):
        (venv_bin / tool).write_text(f'#!/usr/bin/env bash\necho "{tool} $*" >>"{log}"\n')
        (venv_bin / tool).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}

    def venv_python() -> str:
        done = subprocess.run(
            ["bash", "-c", "source scripts/lib.sh && venv_python"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert venv_python() == str(venv_bin / "python")
    assert log.read_text().splitlines() == ["pip install --quiet -e .[dev]"]
    venv_python()
    assert len(log.read_text().splitlines()) == 1
    stamp = project / ".venv" / ".aep-connections-installed"
    os.utime(stamp, (1, 1))
    venv_python()
    assert len(log.read_text().splitlines()) == 2


@pytest.mark.parametrize("target", ["preview", "up"])
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_and_up_run_the_policy_pack_with_the_stacks_config(
    local_env: dict[str, str], calls: Path, target: str, stack: str
) -> None:
    """preview/up of any stack pass --policy-pack policy and policy/config.<stack>.json."""
    completed = run_make(target, local_env, ROOT, f"STACK={stack}", f"CONFIRM_STACK={stack}")
    assert completed.returncode == 0, completed.stderr
    (call,) = read_calls(calls)
    assert call["argv"] == [target, "--stack", stack, *policy(stack)]
    assert (ROOT / f"policy/config.{stack}.json").is_file()


@pytest.mark.parametrize("target", ["refresh", "destroy"])
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_refresh_and_destroy_run_only_after_a_policy_checked_preview(
    local_env: dict[str, str], calls: Path, target: str, stack: str
) -> None:
    """refresh/destroy (no --policy-pack flag in the CLI) first run the pack through a preview."""
    completed = run_make(target, local_env, ROOT, f"STACK={stack}", f"CONFIRM_STACK={stack}")
    assert completed.returncode == 0, completed.stderr
    assert [c["argv"] for c in read_calls(calls)] == [
        ["preview", "--stack", stack, *policy(stack)],
        [target, "--stack", stack],
    ]


@pytest.mark.parametrize("target", ["refresh", "destroy"])
def test_a_failing_guardrail_preview_stops_refresh_and_destroy(
    local_env: dict[str, str], calls: Path, target: str
) -> None:
    """When the policy-checked preview fails (a mandatory violation), the command never runs."""
    completed = run_make(target, {**local_env, "FAKE_PULUMI_FAIL": "preview"}, ROOT, "STACK=prod",
                         "CONFIRM_STACK=prod")
    assert completed.returncode != 0
    assert [c["argv"][0] for c in read_calls(calls)] == ["preview"]


def test_a_stack_without_a_policy_config_is_refused(
    local_env: dict[str, str], calls: Path
) -> None:
    """A stack with no policy/config.<stack>.json runs nothing: the guardrails cannot be skipped."""
    completed = run_make("preview", local_env, ROOT, "STACK=staging")
    assert completed.returncode != 0
    assert "policy/config.staging.json" in completed.stderr
    assert read_calls(calls) == []


@pytest.mark.parametrize(
    "stack",
    ["dev; touch {marker}", "$(touch {marker})", "`touch {marker}`", "dev' ; touch '{marker}",
     "$(shell touch {marker})", "Prod", "dev/../prod", "", "-rf", "dev\nprod"],
)
def test_hostile_stack_names_are_refused_and_never_run(
    local_env: dict[str, str], calls: Path, tmp_path: Path, stack: str
) -> None:
    """A STACK outside [a-z0-9-]+ is refused before any use; nothing in it is ever executed."""
    marker = tmp_path / "pwned"
    completed = run_make("preview", local_env, ROOT, f"STACK={stack.format(marker=marker)}")
    assert completed.returncode != 0
    assert "invalid stack name" in completed.stderr
    assert not marker.exists()
    assert read_calls(calls) == []


def test_an_ambient_stack_variable_is_ignored(local_env: dict[str, str], calls: Path) -> None:
    """STACK=prod in the environment does not select prod: `make preview` stays on local."""
    completed = run_make("preview", {**local_env, "STACK": "prod"})
    assert completed.returncode == 0, completed.stderr
    assert "is ignored" in completed.stderr
    assert [c["argv"] for c in read_calls(calls)][-1] == ["preview", "--stack", "local",
                                                         *policy("local")]


def _stop_with_pid_file(local_env: dict[str, str], content: str) -> Any:
    run_dir = Path(local_env["AEP_RUN_DIR"])
    run_dir.mkdir(parents=True, exist_ok=True)
    pid_file = run_dir / f"emulator-{local_env['EMULATOR_PORT']}.pid"
    pid_file.write_text(content)
    completed = run_make("emulator-stop", local_env)
    assert not pid_file.exists()
    return completed


def test_emulator_stop_never_signals_a_process_that_is_not_its_emulator(
    planted_env: dict[str, str],
) -> None:
    """A stale or planted pid (here: a live `sleep`) is left alone, whatever the pid file says."""
    victim = subprocess.Popen(["sleep", "600"])
    try:
        port = planted_env["EMULATOR_PORT"]
        completed = _stop_with_pid_file(planted_env, f"{victim.pid}\n{port}\n{'a' * 32}\n")
        assert completed.returncode == 0, completed.stderr
        assert "signalled nothing" in completed.stdout
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()


@pytest.mark.parametrize("content", ["0\n{port}\n" + "a" * 32, "-1\n{port}\n" + "a" * 32,
                                     "{pid}\n1\n" + "a" * 32, "{pid}\n{port}\nshort",
                                     "{pid}\n", "{pid}", "garbage"])
def test_emulator_stop_refuses_a_malformed_pid_file(
    planted_env: dict[str, str], content: str
) -> None:
    """Pid 0, a negative pid, another port, a bad token or a bare pid: nothing is signalled."""
    victim = subprocess.Popen(["sleep", "600"])
    try:
        text = content.format(pid=victim.pid, port=planted_env["EMULATOR_PORT"])
        completed = _stop_with_pid_file(planted_env, text)
        assert completed.returncode != 0
        assert "signalled nothing" in completed.stderr
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()


def test_planted_pid_files_never_touch_the_started_emulators(
    local_env: dict[str, str], planted_env: dict[str, str], calls: Path
) -> None:
    """The emulator `make up` started keeps its pid file while a pid-planting test runs, so the
    module can still stop it (the suite leaked one emulator per run before)."""
    assert run_make("up", local_env).returncode == 0
    started = Path(local_env["AEP_RUN_DIR"]) / f"emulator-{local_env['EMULATOR_PORT']}.pid"
    before = started.read_text()
    _stop_with_pid_file(planted_env, "garbage")
    assert started.read_text() == before
    assert port_answers(int(local_env["EMULATOR_PORT"]))


# (make itself drops the spaces after `=`, so "CONFIRM_STACK= prod" is "prod" to it.)
@pytest.mark.parametrize("confirm", [None, "", "dev", "Prod", "prod ", "$(shell touch {marker})"])
def test_another_stack_runs_only_when_confirm_stack_names_it(
    local_env: dict[str, str], calls: Path, tmp_path: Path, confirm: str | None
) -> None:
    """STACK=prod without CONFIRM_STACK=prod exactly prints the stack and runs nothing; the
    confirmation is never expanded by make."""
    marker = tmp_path / "pwned"
    args = ["STACK=prod"]
    if confirm is not None:
        args.append(f"CONFIRM_STACK={confirm.format(marker=marker)}")
    completed = run_make("preview", local_env, ROOT, *args)
    assert completed.returncode != 0
    assert "preview of stack 'prod'" in completed.stdout
    assert "CONFIRM_STACK=prod" in completed.stderr
    assert read_calls(calls) == []
    assert not marker.exists()


def test_makeflags_in_the_environment_cannot_pick_a_stack_alone(
    local_env: dict[str, str], calls: Path
) -> None:
    """MAKEFLAGS='STACK=prod' (make reads it as a command-line STACK) shows prod and stops there;
    an ambient CONFIRM_STACK does not confirm it either."""
    env = {**local_env, "MAKEFLAGS": "STACK=prod", "CONFIRM_STACK": "prod"}
    completed = run_make("preview", env)
    assert completed.returncode != 0
    assert "preview of stack 'prod'" in completed.stdout
    assert "CONFIRM_STACK in the environment is ignored" in completed.stderr
    assert read_calls(calls) == []


def test_a_confirmed_stack_is_printed_then_run(local_env: dict[str, str], calls: Path) -> None:
    """STACK=dev CONFIRM_STACK=dev says which stack it runs, then runs it."""
    completed = run_make("preview", local_env, ROOT, "STACK=dev", "CONFIRM_STACK=dev")
    assert completed.returncode == 0, completed.stderr
    assert "preview of stack 'dev'" in completed.stdout
    assert [c["argv"] for c in read_calls(calls)] == [["preview", "--stack", "dev", *policy("dev")]]


def _lib_port(port: str) -> Any:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["EMULATOR_PORT"] = port
    return subprocess.run(
        ["bash", "-c", 'source scripts/lib.sh && echo "$EMULATOR_PORT $EMULATOR_PID_FILE"'],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )


@pytest.mark.parametrize("port", ["0", "00000", "65536", "99999", "-1", "80a", ""])
def test_emulator_port_outside_1_to_65535_is_refused(port: str) -> None:
    """EMULATOR_PORT must be a port from 1 to 65535 (0 would start an emulator on a random port
    that nothing finds)."""
    completed = _lib_port(port)
    if port == "":  # empty means unset: the default
        assert completed.stdout.split()[0] == "8080"
        return
    assert completed.returncode == 1
    assert "from 1 to 65535" in completed.stderr


@pytest.mark.parametrize(("port", "normal"), [("1", "1"), ("65535", "65535"), ("08080", "8080")])
def test_emulator_port_in_range_is_accepted_in_one_spelling(port: str, normal: str) -> None:
    """Ports 1 and 65535 are accepted; leading zeros are dropped so file names agree."""
    completed = _lib_port(port)
    assert completed.returncode == 0, completed.stderr
    shown, pid_file = completed.stdout.split()
    assert shown == normal
    assert pid_file.endswith(f"/emulator-{normal}.pid")


def test_make_up_with_port_zero_starts_nothing(
    local_env: dict[str, str], calls: Path, tmp_path: Path
) -> None:
    """`make up` with EMULATOR_PORT=0 stops at once: no emulator, no pid file, no pulumi call."""
    env = {**local_env, "EMULATOR_PORT": "0", "AEP_RUN_DIR": str(tmp_path / "run")}
    completed = run_make("up", env)
    assert completed.returncode != 0
    assert "from 1 to 65535" in completed.stderr
    assert not (tmp_path / "run").exists()
    assert read_calls(calls) == []


def test_default_state_file_is_one_per_port() -> None:
    """Without EMULATOR_STATE, the state file name carries the emulator's port."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED and k != "EMULATOR_STATE"}
    env["EMULATOR_PORT"] = "18081"
    done = subprocess.run(
        ["bash", "-c", 'source scripts/lib.sh && echo "$EMULATOR_STATE"'],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    assert done.stdout.strip() == str(ROOT / ".emulator-state-18081.json")


@pytest.mark.parametrize("target", ["venv", "test", "lint"])
def test_aep_venv_with_shell_syntax_is_a_path_never_a_command(tmp_path: Path, target: str) -> None:
    """AEP_VENV is quoted wherever it is used: `x; touch f` is a missing venv, not a command."""
    marker = tmp_path / "pwned"
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["AEP_VENV"] = f"x; touch {marker}"
    completed = run_make(target, env)
    assert completed.returncode != 0
    assert "has no bin/python" in completed.stderr
    assert not marker.exists()


def test_bare_make_prints_help_and_runs_nothing(local_env: dict[str, str], calls: Path) -> None:
    """`make` alone prints the same help as `make help` (every target named), runs no pulumi
    and exits 0."""
    env = local_env
    bare = subprocess.run(["make", "--no-print-directory"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    help_ = run_make("help", env)

    assert bare.returncode == 0, bare.stderr
    assert bare.stdout == help_.stdout
    for target in ("help", "up", "preview", "refresh", "destroy", "emulator", "emulator-stop",
                   "test", "lint"):
        assert f"make {target}" in bare.stdout or f"make refresh|{target}" in bare.stdout, target
    assert "# " not in bare.stdout.splitlines()[0]
    assert "CONFIRM_STACK follows" not in bare.stdout
    assert not calls.exists()
