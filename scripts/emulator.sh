#!/usr/bin/env bash
# Usage: scripts/emulator.sh start|stop|run
#   start  start the AEP emulator in the background unless something already answers on
#          127.0.0.1:$EMULATOR_PORT; writes a pid file and a log (see scripts/lib.sh)
#   stop   stop the emulator that `start` started; nothing else is touched
#
# The pid file holds three lines: the pid, the port and a random instance token that `start`
# also put on the emulator's command line (--instance). `stop` signals the pid only when that
# process's command line still shows `provider.emulator`, the port and the token: a stale pid
# (reused by another program) or a planted one is never signalled, and a pid that is not a
# plain positive number (0 would signal make's whole process group) is refused.
#   run    run the emulator in the foreground (Ctrl-C stops it)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# instance_token: 32 random hex characters.
instance_token() {
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

# is_our_emulator PID PORT TOKEN: true when PID runs provider.emulator on PORT with TOKEN.
is_our_emulator() {
    local command
    # -ww: the whole command line, never cut to the terminal's width (procps and BSD ps).
    command="$(ps -ww -p "$1" -o command= 2>/dev/null)" || return 1
    [[ "$command" == *provider.emulator* && "$command" == *"--port $2 "* &&
        "$command" == *"--instance $3"* ]]
}

start() {
    local python pid token
    if port_open "$EMULATOR_PORT"; then
        echo "emulator: something already answers on 127.0.0.1:$EMULATOR_PORT; using it"
        return
    fi
    python="$(venv_python)"
    mkdir -p "$AEP_RUN_DIR"
    cd "$ROOT"
    token="$(instance_token)"
    # nohup: the emulator outlives this script and the terminal's hang-up.
    nohup "$python" -m provider.emulator --port "$EMULATOR_PORT" --state "$EMULATOR_STATE" \
        --instance "$token" >"$EMULATOR_LOG_FILE" 2>&1 </dev/null &
    pid=$!
    printf '%s\n%s\n%s\n' "$pid" "$EMULATOR_PORT" "$token" >"$EMULATOR_PID_FILE"
    for _ in $(seq 1 100); do
        if port_open "$EMULATOR_PORT"; then
            echo "emulator: started on http://127.0.0.1:$EMULATOR_PORT (pid $pid, log $EMULATOR_LOG_FILE)"
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$EMULATOR_PID_FILE"
            tail -n 20 "$EMULATOR_LOG_FILE" >&2 || true
            die "the emulator exited during start-up (log: $EMULATOR_LOG_FILE)"
        fi
        sleep 0.1
    done
    die "the emulator did not answer on 127.0.0.1:$EMULATOR_PORT within 10 s (log: $EMULATOR_LOG_FILE)"
}

stop() {
    local pid port token
    if [[ ! -f "$EMULATOR_PID_FILE" ]]; then
        echo "emulator: no pid file ($EMULATOR_PID_FILE); nothing to stop"
        return
    fi
    { read -r pid && read -r port && read -r token; } <"$EMULATOR_PID_FILE" || true
    if [[ ! "${pid:-}" =~ ^[123456789][0123456789]*$ || "${port:-}" != "$EMULATOR_PORT" ||
        ! "${token:-}" =~ ^[0123456789abcdef]{32}$ ]]; then
        rm -f "$EMULATOR_PID_FILE"
        die "malformed pid file $EMULATOR_PID_FILE (not written by this script for port" \
            "$EMULATOR_PORT); removed it and signalled nothing"
    fi
    if ! is_our_emulator "$pid" "$port" "$token"; then
        echo "emulator: pid $pid is not the emulator started on port $port (stale pid file);" \
            "signalled nothing"
        rm -f "$EMULATOR_PID_FILE"
        return
    fi
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        echo "emulator: stopped (pid $pid)"
    else
        echo "emulator: pid $pid was not running"
    fi
    rm -f "$EMULATOR_PID_FILE"
}

run() {
    local python
    python="$(venv_python)"
    cd "$ROOT"
    exec "$python" -m provider.emulator --port "$EMULATOR_PORT" --state "$EMULATOR_STATE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    run) run ;;
    *) die "usage: $0 start|stop|run" ;;
esac
