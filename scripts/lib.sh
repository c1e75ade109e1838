# Shared helpers for the scripts the Makefile calls. Source it; do not run it.
#
# Knobs (environment variables), all optional:
#   AEP_VENV               use this existing virtualenv as is: no creation, no install (tests, CI)
#   PYTHON                 interpreter used to create .venv (default: python3)
#   EMULATOR_PORT          loopback port of the emulator, 1-65535 (default: 8080, as in
#                          Pulumi.local.yaml)
#   EMULATOR_STATE         emulator state file (default: <project>/.emulator-state-<port>.json,
#                          one per port: two emulators never share one; the emulator locks it)
#   AEP_RUN_DIR            where the emulator's pid and log files go (default: <project>/.pulumi-state)
#   AEP_LOCAL_BACKEND_DIR  file backend of the `local` stack (default: <project>/.pulumi-state)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EMULATOR_PORT="${EMULATOR_PORT:-8080}"
if [[ ! "$EMULATOR_PORT" =~ ^[0123456789]{1,5}$ ]] ||
    ((10#$EMULATOR_PORT < 1 || 10#$EMULATOR_PORT > 65535)); then
    echo "error: EMULATOR_PORT must be a port number from 1 to 65535, got" \
        "$(printf '%q' "$EMULATOR_PORT")" >&2
    exit 1
fi
EMULATOR_PORT="$((10#$EMULATOR_PORT))"  # one spelling (08080 is 8080) in file names and checks
EMULATOR_STATE="${EMULATOR_STATE:-$ROOT/.emulator-state-$EMULATOR_PORT.json}"
AEP_RUN_DIR="${AEP_RUN_DIR:-$ROOT/.pulumi-state}"
AEP_LOCAL_BACKEND_DIR="${AEP_LOCAL_BACKEND_DIR:-$ROOT/.pulumi-state}"
EMULATOR_PID_FILE="$AEP_RUN_DIR/emulator-$EMULATOR_PORT.pid"
EMULATOR_LOG_FILE="$AEP_RUN_DIR/emulator-$EMULATOR_PORT.log"

die() {
    echo "error: $*" >&2
    exit 1
}

# require_pulumi: stop (exit 127) with install instructions unless the Pulumi CLI is on PATH.
require_pulumi() {
    if ! command -v pulumi >/dev/null 2>&1; then
        cat >&2 <<'MSG'
error: the Pulumi CLI (`pulumi`) is not on PATH; nothing was done.
Install it, open a new shell (or add ~/.pulumi/bin to PATH), then run this again:

    curl -fsSL https://get.pulumi.com | sh

Other ways to install (Homebrew, Windows, a pinned version): https://www.pulumi.com/docs/install/
MSG
        exit 127
    fi
}

# venv_python: print the virtualenv's python, creating .venv and installing the project into it
# when needed (AEP_VENV: use that venv untouched).
venv_python() {
    local venv stamp
    if [[ -n "${AEP_VENV:-}" ]]; then
        [[ -x "$AEP_VENV/bin/python" ]] || die "AEP_VENV=$AEP_VENV has no bin/python"
        echo "$AEP_VENV/bin/python"
        return
    fi
    venv="$ROOT/.venv"
    if [[ ! -x "$venv/bin/python" ]]; then
        echo "creating $venv" >&2
        "${PYTHON:-python3}" -m venv "$venv" >&2
    fi
    # Reinstall only when pyproject.toml changed since the last install.
    stamp="$venv/.aep-connections-installed"
    if [[ ! -f "$stamp" || "$ROOT/pyproject.toml" -nt "$stamp" ]]; then
        echo "installing aep-connections into $venv" >&2
        (cd "$ROOT" && "$venv/bin/pip" install --quiet -e '.[dev]') >&2
        touch "$stamp"
    fi
    echo "$venv/bin/python"
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
