#!/usr/bin/env bash
# Chaos: everything that went wrong once, against one 30-job swarm. The repository lives on a
# small tmpfs so the disk can really fill. In turn: 20 SIGKILLs at random moments, a run whose
# disk is filled and freed, two engines started in the same second, and `run --json | head -1`.
# Afterwards every job is terminal or awaiting approval, none merged twice, no stage attempt
# finished twice, every model call's spend is in the ledger, the chain verifies, and no
# `run --until-idle` exited 0 while a job was left running. Prints the figures.
#
# CHAOS_SEED=N replays the kill schedule of an earlier run.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
[ "$(id -u)" -eq 0 ] || { echo "FAIL: chaos.sh mounts a tmpfs and needs root (CI runs as root)" >&2; exit 1; }
work="$(mktemp -d)"
fs="$work/fs"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    cd /
    umount "$fs" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
seed="${CHAOS_SEED:-$$}"
RANDOM=$seed
started=$SECONDS
mkdir -p "$fs"
mount -t tmpfs -o size=48m tmpfs "$fs"
repo="$fs/repo"
db_query() { sqlite3 "$repo/.pilothouse/pilothouse.db" "$1"; }

git init -q -b main "$repo"
for i in $(seq -w 1 40); do echo "value = old$i" >"$repo/file$i.txt"; done
printf '#!/bin/sh\nfor f in file*.txt; do grep -q "^value = " "$f" || exit 1; done\necho ok\n' >"$repo/test.sh"
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[engine]
swarm_size = 3
poll_ms = 50
lease_seconds = 4
disk_full_wait_seconds = 60

[jobs]
# Attempts count across crashes: 20 kills with 3 jobs in flight each can cost a job several.
max_attempts = 25

[approval]
min_score = 7

[test]
command = ["sh", "test.sh"]

[simulated]
seed = 11
latency_ms_p50 = 600
latency_ms_p99 = 1400
TOML
cd "$repo"
for i in $(seq -w 1 30); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done

runs=0
zero_exits_checked=0
# Runs `run --until-idle` in the foreground; an exit 0 must leave no job running.
run_to_end() {
    local log="$1" code=0
    "$P" run --until-idle --json --auto-approve >"$log" 2>&1 || code=$?
    runs=$((runs + 1))
    if [ "$code" -eq 0 ]; then
        zero_exits_checked=$((zero_exits_checked + 1))
        left="$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('running','merging')")"
        [ "$left" -eq 0 ] || fail "run --until-idle exited 0 with $left jobs still running ($log)"
    fi
    return 0
}

# 1. Twenty SIGKILLs at random moments.
kills=0
while [ $kills -lt 20 ]; do
    "$P" run --until-idle --json --auto-approve >"$work/kill-$kills.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    runs=$((runs + 1))
    sleep "$(printf '%d.%03d' $((RANDOM % 2)) $((200 + RANDOM % 800)))"
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid"
        wait "$pid" 2>/dev/null || true
        kills=$((kills + 1))
    else
        wait "$pid" 2>/dev/null || true
        [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running','merging')")" -eq 0 ] && break
    fi
done
[ $kills -eq 20 ] || fail "the work ran out after $kills kills; raise the simulated latency"
echo "ok: 20 SIGKILLs (seed $seed); $(db_query "SELECT COUNT(*) FROM jobs WHERE state='merged'") merged so far"

# 2. The disk fills under a run and is freed 3 s later.
"$P" run --until-idle --json --auto-approve >"$work/disk.log" 2>&1 &
pid=$!
pids+=("$pid")
sleep 1
dd if=/dev/zero of="$fs/filler" bs=64k status=none 2>/dev/null || true
sleep 3
rm -f "$fs/filler"
code=0
wait "$pid" || code=$?
runs=$((runs + 1))
[ "$code" -eq 0 ] || [ "$code" -eq 1 ] || fail "the disk-full run exited $code: $(tail -n 2 "$work/disk.log")"
if [ "$code" -eq 0 ]; then
    [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('running','merging')")" -eq 0 ] \
        || fail "the disk-full run exited 0 with jobs running"
fi
full_notices=$(grep -c "disk full" "$work/disk.log" || true)
echo "ok: disk filled and freed under a run: exit $code, $full_notices disk-full notices"

# 3. Two engines started in the same second (more jobs first, so both have work).
for i in $(seq -w 31 36); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
"$P" run --until-idle --json --auto-approve >"$work/twin-a.log" 2>&1 &
a=$!
"$P" run --until-idle --json --auto-approve >"$work/twin-b.log" 2>&1 &
b=$!
pids+=("$a" "$b")
code_a=0
code_b=0
wait "$a" || code_a=$?
wait "$b" || code_b=$?
runs=$((runs + 2))
for c in "$code_a" "$code_b"; do
    [ "$c" -eq 0 ] || [ "$c" -eq 1 ] || fail "an engine started beside another exited $c: $(tail -n 2 "$work"/twin-*.log)"
done
if grep -h "already exists" "$work"/twin-*.log; then fail "twin engines raced on shared git state"; fi
if [ "$code_a" -eq 0 ] || [ "$code_b" -eq 0 ]; then
    [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('running','merging')")" -eq 0 ] \
        || fail "a twin exited 0 with jobs running"
fi
echo "ok: two engines started together: exits $code_a and $code_b"

# 4. A reader that goes away: `run --json | head -1`.
for i in $(seq -w 37 40); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
set +o pipefail
"$P" run --until-idle --json --auto-approve 2>"$work/pipe.err" | head -1 >/dev/null
pipe_code=${PIPESTATUS[0]}
set -o pipefail
runs=$((runs + 1))
[ "$pipe_code" -ne 141 ] || fail "run --json | head -1 died of SIGPIPE"
[ "$pipe_code" -ne 0 ] || fail "run --json | head -1 exited 0 although its output was cut"
left="$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('running','merging')")"
[ "$left" -eq 0 ] || fail "run --json | head -1 left $left jobs running"
echo "ok: run --json | head -1 exited $pipe_code and left nothing running"

# Finish the work.
for round in 1 2 3; do
    run_to_end "$work/final-$round.log"
    [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running','merging')")" -eq 0 ] && break
    sleep 4.5
done

total=$(db_query "SELECT COUNT(*) FROM jobs")
stray="$(db_query "SELECT id || ' ' || state FROM jobs WHERE state NOT IN
    ('merged','failed','quarantined','rejected','cancelled','awaiting_approval')")"
[ -z "$stray" ] || fail "jobs not terminal: $stray"
twice="$(db_query "SELECT job_id, stage, attempt FROM stage_results WHERE status = 'finished'
    GROUP BY job_id, stage, attempt HAVING COUNT(*) > 1")"
[ -z "$twice" ] || fail "stage attempts finished twice: $twice"
git log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration \
    | sed '/^$/d' | sort >"$work/merged-git"
dups="$(uniq -d "$work/merged-git")"
[ -z "$dups" ] || fail "jobs merged more than once: $dups"
db_query "SELECT id FROM jobs WHERE state = 'merged' ORDER BY id" | sort >"$work/merged-db"
diff -q "$work/merged-db" "$work/merged-git" >/dev/null || fail "merged jobs and integration merges differ"
# Every model call a stage recorded was paid for in the ledger (by the provider's request id).
unpaid="$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'model_called'
    AND json_extract(metadata, '$.request_id') <> ''
    AND json_extract(metadata, '$.request_id') NOT IN (SELECT request_id FROM llm_calls WHERE request_id IS NOT NULL)")"
[ "$unpaid" -eq 0 ] || fail "$unpaid model calls are missing from the ledger"
if grep -h "could not record" "$work"/*.log; then fail "an outcome or a ledger row was dropped"; fi
"$P" beads verify | grep -q "^OK: " || fail "bead chain does not verify"

states="$(db_query "SELECT state || ' ' || COUNT(*) FROM jobs GROUP BY state ORDER BY state" | paste -sd, -)"
calls="$(db_query "SELECT COUNT(*) || ' calls, ' || printf('%.4f', SUM(cost_micros) / 1e6) || ' USD' FROM llm_calls")"
reclaimed="$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'lease_reclaimed'")"
attempts="$(db_query "SELECT MAX(attempts) FROM jobs")"
echo "figures: $total jobs ($states); $runs runs, $kills SIGKILLs; $reclaimed leases reclaimed; max attempts $attempts; ledger $calls; $(wc -l <"$work/merged-git") merges, none twice; $zero_exits_checked exit-0 runs checked; chain OK"
echo "chaos e2e: OK ($((SECONDS - started)) s, seed $seed)"
