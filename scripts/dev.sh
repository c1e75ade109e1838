#!/usr/bin/env bash
# Usage: scripts/dev.sh venv|test|lint
#   venv   create .venv and install the project into it when needed (AEP_VENV: use that venv)
#   test   the whole test suite
#   lint   ruff and mypy
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

python="$(venv_python)"
cd "$ROOT"
case "${1:-}" in
    venv) ;;
    test) "$python" -m pytest ;;
    lint) "$python" -m ruff check . && "$python" -m mypy ;;
    *) die "usage: $0 venv|test|lint" ;;
esac
