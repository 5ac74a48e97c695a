#!/usr/bin/env bash
# Enqueue-to-claim latency on PostgreSQL: a `pilothouse engine` process works a store while
# another process (`pilothouse enqueue`, one process per job) queues jobs at irregular
# intervals. Latency is the claim bead's time minus the job_created bead's time, both written
# by the processes themselves on this host's clock, read back from the chain. Asserts nothing
# about time: it prints min / median / p90 / max per mode.
#
#   PILOTHOUSE=.build/debug/pilothouse [GAP=1.5] Benchmarks/NotifyLatency/notify-latency.sh [JOBS]
#
# Modes: LISTEN/NOTIFY with the default poll_ms (250), LISTEN/NOTIFY with poll_ms 60000 (only
# a notification can wake the engine), and polling only ([store] listen = false) at 250 ms.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
P="$(cd "$(dirname "$P")" && pwd)/$(basename "$P")"
JOBS="${1:-20}"
GAP="${GAP:-1.5}" # seconds between two enqueues, plus up to one more at random
B=/usr/lib/postgresql/15/bin
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$B/initdb" ] || fail "PostgreSQL 15 is not installed ($B/initdb)"
work="$(mktemp -d)"
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work"; as_postgres=(runuser -u postgres --); fi
engine=""
stop() {
    [ -n "$engine" ] && kill -9 "$engine" 2>/dev/null || true
    "${as_postgres[@]}" "$B/pg_ctl" -D "$work/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT
"${as_postgres[@]}" "$B/initdb" -D "$work/data" -A trust -U pilothouse --no-sync >/dev/null
started=""
for _ in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if "${as_postgres[@]}" "$B/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
        -o "-k $work -p $port -c listen_addresses=127.0.0.1" start >/dev/null; then
        started=yes
        break
    fi
done
[ -n "$started" ] || fail "PostgreSQL did not start: $(tail -5 "$work/server.log")"
sql() { "$B/psql" -X -q -t -A -h 127.0.0.1 -p "$port" -U pilothouse -d "$1" -c "$2"; }

repo="$work/repo"
git init -q "$repo"
git -C "$repo" commit -q --allow-empty -m "start"
"$P" init "$repo" >/dev/null
cp "$repo/.pilothouse/pilothouse.toml" "$work/pilothouse.toml.saved"
cd "$repo"

measure() { # name listen poll_ms
    local name="$1" listen="$2" poll="$3" db="latency_$1"
    sql postgres "CREATE DATABASE $db"
    cp "$work/pilothouse.toml.saved" .pilothouse/pilothouse.toml
    printf '\n[store]\nurl = "postgres://pilothouse@127.0.0.1:%s/%s"\nlisten = %s\n\n[engine]\npoll_ms = %s\nswarm_size = 32\n' \
        "$port" "$db" "$listen" "$poll" >> .pilothouse/pilothouse.toml
    "$P" engine --auto-approve >"$work/$name.log" 2>&1 &
    engine=$!
    for _ in $(seq 1 300); do
        [ "$(sql "$db" "SELECT count(*) FROM engines" 2>/dev/null || echo 0)" = "1" ] && break
        sleep 0.1
    done
    sleep 1
    for i in $(seq 1 "$JOBS"); do
        "$P" enqueue "latency job $i" >/dev/null
        # Irregular gaps, long enough for the previous job to be done: the engine is idle
        # (waiting) when the job arrives, which is what is measured.
        sleep "$(awk -v r="$RANDOM" -v gap="$GAP" 'BEGIN { printf "%.2f", gap + (r % 100) / 100 }')"
    done
    for _ in $(seq 1 1200); do
        [ "$(sql "$db" "SELECT count(*) FROM jobs WHERE state = 'queued'")" = "0" ] && break
        sleep 0.1
    done
    kill -INT "$engine"
    wait "$engine" || true
    engine=""
    sql "$db" "
        WITH claims AS (
            SELECT j.job_id, min(c.created_at) - j.created_at AS ms
            FROM beads j JOIN beads c ON c.job_id = j.job_id AND c.kind = 'state_changed'
                AND c.metadata::json->>'to' = 'running'
            WHERE j.kind = 'job_created' GROUP BY j.job_id, j.created_at)
        SELECT '$name: ' || count(*) || ' jobs, enqueue to claim ms: min ' || min(ms)
            || ', median ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)
            || ', p90 ' || percentile_disc(0.9) WITHIN GROUP (ORDER BY ms) || ', max ' || max(ms)
        FROM claims"
    echo "  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
}

measure notify_poll250 true 250
measure notify_poll60000 true 60000
measure polling_only_poll250 false 250
