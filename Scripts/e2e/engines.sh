#!/usr/bin/env bash
# Several engines on one store: two `pilothouse engine` workers share a queue of 16 jobs; the
# fleet list (`pilothouse engines`, and the gauges pane of a read-only console) shows both
# with the jobs they hold; one is SIGKILLed and shows as lost while the other reclaims its
# jobs; a job cancelled from the shell stops on the engine running it; SIGTERM ends the
# survivor with exit 0 and takes it off the list. Nothing is merged twice; the chain verifies.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
. "$(dirname "$0")/lib/console-tmux.sh"
console_e2e_setup engines "pilothouse-engines-$$"
pids=()
stop_engines() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap 'stop_engines; console_e2e_cleanup' EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

repo="$work/repo"
git init -q -b main "$repo"
for i in $(seq -w 1 16); do echo "value = old$i" >"$repo/file$i.txt"; done
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -qm initial
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[jobs]
max_attempts = 6

[engine]
swarm_size = 2
poll_ms = 50

[approval]
min_score = 1

[simulated]
seed = 11
latency_ms_p50 = 600
latency_ms_p99 = 1200
TOML
cd "$repo"
for i in $(seq -w 1 16); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
db_query() { sqlite3 "$repo/.pilothouse/pilothouse.db" "$1"; }

"$P" engines | grep -q "no engine is working on this store" || fail "an empty fleet is not said to be empty"
"$P" engine --auto-approve --lease-seconds 3 >"$work/engine-a.log" 2>&1 &
pids+=($!)
victim=$!
"$P" engine --auto-approve --lease-seconds 3 >"$work/engine-b.log" 2>&1 &
pids+=($!)
survivor=$!

# Both engines register and each holds work.
wait_for 20 "two engines each holding a job" bash -c \
    "'$P' engines --json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d) == 2 and all(e[\"jobs_held\"] > 0 for e in d) else 1)'"
"$P" engines --json >"$work/engines.json"
python3 - "$work/engines.json" "$victim" "$survivor" <<'PY' || fail "engines --json does not list both workers"
import json, sys
engines = json.load(open(sys.argv[1]))
assert sorted(e["pid"] for e in engines) == sorted(int(p) for p in sys.argv[2:]), engines
for e in engines:
    assert set(e) >= {"owner", "host", "pid", "version", "started_at", "heartbeat_at", "heartbeat_age_seconds",
                      "lease_seconds", "jobs_held", "lost"}, e
    assert e["lost"] is False and e["lease_seconds"] == 3
PY
echo "ok: two engines on the list, each holding work"

# A read-only console shows the fleet in its gauges pane.
T new-session -d -s "$session" -x 160 -y 50 "'$P' console --read-only --repo '$repo'"
wait_for 20 "the console's fleet list" screen_has "engines 2"
echo "ok: the read-only console shows both engines"

# SIGKILL one: it shows as lost, the other takes its jobs back.
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
wait_for 20 "the killed engine shown as lost" bash -c \
    "'$P' engines --json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(e[\"lost\"] and e[\"pid\"] == $victim for e in d) else 1)'"
wait_for 20 "the console's lost engine" screen_has "1 lost"
"$P" engines | grep -q "LOST (jobs reclaimable)" || fail "engines does not say the killed engine is lost"
echo "ok: the killed engine is shown as lost (list and console)"

# A job cancelled from the shell stops on the engine that runs it: its heartbeat hears it.
owner="$("$P" engines --json | json '[e["owner"] for e in d if e["pid"] == '"$survivor"'][0]')"
# A running job may finish between the look and the cancel (exit 1, "already merged"): then
# another one is taken; the cancel must land on a job that was still running.
running=""
for _ in $(seq 1 200); do
    candidate="$(db_query "SELECT id FROM jobs WHERE state = 'running' AND lease_owner = '$owner' LIMIT 1")"
    if [ -n "$candidate" ] && "$P" cancel "$candidate" >"$work/cancel.out" 2>&1; then
        running="$candidate"
        break
    fi
    sleep 0.05
done
[ -n "$running" ] || fail "no running job of the surviving engine could be cancelled: $(cat "$work/cancel.out" 2>/dev/null)"
short="$(awk '{print $1; exit}' "$work/cancel.out")"
# Its heartbeat stops the stage; a stage that ended first finds it cancelled and leaves it so.
wait_for 20 "the engine to stop the cancelled job's stage" \
    grep -qE "$short( was stopped elsewhere|.*cannot go from cancelled)" "$work/engine-b.log"
[ "$(db_query "SELECT state FROM jobs WHERE id = '$running'")" = cancelled ] || fail "the cancelled job did not stay cancelled"
echo "ok: a job cancelled from the shell stops on its engine and stays cancelled"

# The survivor finishes the queue, the dead engine's jobs included.
wait_for 120 "all jobs finished" bash -c \
    "[ \"\$(sqlite3 '$repo/.pilothouse/pilothouse.db' \"SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running','merging')\")\" = 0 ]"
kill -TERM "$survivor"
code=0
wait "$survivor" || code=$?
[ "$code" -eq 0 ] || fail "the engine stopped by SIGTERM exited $code: $(tail -5 "$work/engine-b.log")"
"$P" engines --json | json 'len([e for e in d if e["pid"] == '"$survivor"'])' | grep -qx 0 \
    || fail "the stopped engine is still on the list"
echo "ok: SIGTERM ends the survivor with exit 0 and takes it off the list"

merged="$(db_query "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")"
twice="$(db_query "SELECT COUNT(*) FROM (SELECT job_id FROM beads WHERE kind = 'merged' GROUP BY job_id HAVING COUNT(*) > 1)")"
[ "$twice" -eq 0 ] || fail "$twice jobs merged twice"
[ "$merged" -ge 10 ] || fail "only $merged of 16 jobs merged"
"$P" beads verify >/dev/null || fail "the chain does not verify"
echo "engines e2e: OK ($merged merged, none twice; chain verifies)"
