#!/usr/bin/env bash
# Usage: scripts/stack.sh up|preview|refresh|destroy [STACK]   (STACK defaults to `local`)
#
# STACK must match [a-z0-9][a-z0-9-]* and have a policy pack config, policy/config.<STACK>.json:
# every command runs the policy pack (policy/) with it, so mandatory policies are never skipped
# (preview and up take it as flags; refresh and destroy, which have no such flags, run only after
# a policy-checked preview of the stack passes).
#
# Stack `local`: starts the emulator if nothing answers on its port, keeps state in a file
# backend (PULUMI_BACKEND_URL=file://<project>/.pulumi-state), uses the passphrase secrets
# provider (PULUMI_CONFIG_PASSPHRASE, default `local-emulator-only`), creates the stack on first
# use, and does not ask for confirmation.
# Any other stack: runs only when the environment variable CONFIRM_STACK names it too
# (`make preview STACK=prod CONFIRM_STACK=prod`; the stack is printed first), so a stack picked up
# by accident (an ambient MAKEFLAGS='STACK=prod', a copied command) stops before anything runs;
# uses your own Pulumi login/backend and secrets provider, must already exist
# (`pulumi stack init <name>`), and Pulumi asks before up/destroy change anything.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

action="${1:-}"
stack="${2-local}"  # an empty name is an error, not `local`
case "$action" in
    up | preview | refresh | destroy) ;;
    *) die "usage: $0 up|preview|refresh|destroy [STACK]" ;;
esac
# Validated before any other use; printed with %q so that even a hostile value shows as text.
# (Letters spelled out: a range such as a-z follows the locale's collation.)
name_chars=abcdefghijklmnopqrstuvwxyz0123456789
if [[ ! "$stack" =~ ^[$name_chars][$name_chars-]*$ ]]; then
    die "invalid stack name $(printf '%q' "$stack"): use lowercase letters, digits and '-', not first (e.g. STACK=dev)"
fi

# Checked before anything is created (venv, emulator, state dir) without a CLI to use it.
require_pulumi

policy_config="policy/config.$stack.json"
if [[ ! -f "$ROOT/$policy_config" ]]; then
    die "no policy pack config for stack '$stack' ($policy_config); create it (see policy/config.dev.json) so the guardrails run"
fi
policy=(--policy-pack policy --policy-pack-config "$policy_config")

echo "aep-connections: $action of stack '$stack'"
if [[ "$stack" != local && "${CONFIRM_STACK:-}" != "$stack" ]]; then
    die "stack '$stack' is not the local one; nothing was done. Confirm it by name:" \
        "make $action STACK=$stack CONFIRM_STACK=$stack (CONFIRM_STACK is $(printf '%q' "${CONFIRM_STACK:-}"))"
fi

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
    up) pulumi up "${yes[@]}" --stack "$stack" "${policy[@]}" ;;
    preview) pulumi preview --stack "$stack" "${policy[@]}" ;;
    refresh | destroy)
        # `pulumi refresh` and `pulumi destroy` take no --policy-pack flag, so the guardrails run
        # as a preview of the stack first; the command runs only if that preview passes.
        pulumi preview --stack "$stack" "${policy[@]}"
        pulumi "$action" "${yes[@]}" --stack "$stack"
        ;;
esac
