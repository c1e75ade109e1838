#!/usr/bin/env bash
# Usage: scripts/emulator.sh start|stop|run
#   start  start the AEP emulator in the background unless something already answers on
#          127.0.0.1:$EMULATOR_PORT; writes a pid file and a log (see scripts/lib.sh)
#   stop   stop the emulator that `start` started (by its pid file); nothing else is touched
#   run    run the emulator in the foreground (Ctrl-C stops it)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start() {
    local python pid
    if port_open "$EMULATOR_PORT"; then
        echo "emulator: something already answers on 127.0.0.1:$EMULATOR_PORT; using it"
        return
    fi
    python="$(venv_python)"
    mkdir -p "$AEP_RUN_DIR"
    cd "$ROOT"
    # nohup: the emulator outlives this script and the terminal's hang-up.
    nohup "$python" -m provider.emulator --port "$EMULATOR_PORT" --state "$EMULATOR_STATE" \
        >"$EMULATOR_LOG_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$EMULATOR_PID_FILE"
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
    local pid
    if [[ ! -f "$EMULATOR_PID_FILE" ]]; then
        echo "emulator: no pid file ($EMULATOR_PID_FILE); nothing to stop"
        return
    fi
    pid="$(cat "$EMULATOR_PID_FILE")"
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
