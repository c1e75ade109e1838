#!/usr/bin/env bash
# Usage: scripts/stack.sh up|preview|refresh|destroy [STACK]   (STACK defaults to `local`)
#
# Stack `local`: starts the emulator if nothing answers on its port, keeps state in a file
# backend (PULUMI_BACKEND_URL=file://<project>/.pulumi-state), uses the passphrase secrets
# provider (PULUMI_CONFIG_PASSPHRASE, default `local-emulator-only`), creates the stack on first
# use, and does not ask for confirmation.
# Any other stack: uses your own Pulumi login/backend and secrets provider, must already exist
# (`pulumi stack init <name>`), and Pulumi asks before up/destroy change anything.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Checked first so that nothing (venv, emulator, state dir) is created without a CLI to use it.
require_pulumi

action="${1:-}"
stack="${2:-local}"
case "$action" in
    up | preview | refresh | destroy) ;;
    *) die "usage: $0 up|preview|refresh|destroy [STACK]" ;;
esac

venv_python >/dev/null
cd "$ROOT"

yes=()
if [[ "$stack" == local ]]; then
    "$ROOT/scripts/emulator.sh" start
    if [[ "$EMULATOR_PORT" != 8080 ]]; then
        echo "note: the emulator is on port $EMULATOR_PORT; stacks/Pulumi.local.yaml must point" \
            "aep:platformUrl and aep:imsUrl at http://127.0.0.1:$EMULATOR_PORT" >&2
    fi
    mkdir -p "$AEP_LOCAL_BACKEND_DIR"
    export PULUMI_BACKEND_URL="file://$AEP_LOCAL_BACKEND_DIR"
    export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-local-emulator-only}"
    pulumi stack select --create --secrets-provider passphrase local
    yes=(--yes)
fi

case "$action" in
    up) pulumi up "${yes[@]}" --stack "$stack" ;;
    preview) pulumi preview --stack "$stack" ;;
    refresh) pulumi refresh "${yes[@]}" --stack "$stack" ;;
    destroy) pulumi destroy "${yes[@]}" --stack "$stack" ;;
esac
