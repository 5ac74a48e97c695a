#!/usr/bin/env bash
# Engine faults end to end, against the real binary: an ungated pipeline refused at load,
# kill -9 of the only engine then `run --until-idle` (reclaims at once, never exits 0 over
# running jobs), 30 jobs with conflicting merges under --auto-approve (none left running),
# two engines started together on a fresh repository, and `run --json | head -1`.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
children=()
cleanup() {
    for pid in "${children[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# A fresh repository with `files` files and a real test command; leaves the shell in it.
setup() {
    local name="$1" files="$2" config="$3"
    repo="$work/$name"
    git init -q -b main "$repo"
    for i in $(seq -w 1 "$files"); do echo "value = old$i" >"$repo/file$i.txt"; done
    echo "shared = 0" >"$repo/shared.txt"
    printf '#!/bin/sh\necho ok\n' >"$repo/test.sh"
    git -C "$repo" add -A
    git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
    "$P" init "$repo" >/dev/null
    printf '[test]\ncommand = ["sh", "test.sh"]\n\n%s\n' "$config" >"$repo/.pilothouse/pilothouse.toml"
    cd "$repo"
}
db() { sqlite3 .pilothouse/pilothouse.db "$1"; }
running() { db "SELECT COUNT(*) FROM jobs WHERE state IN ('running', 'merging')"; }

fast='[approval]
min_score = 6

[simulated]
latency_ms_p50 = 0
latency_ms_p99 = 0'

# 1. A pipeline that merges without check and approve is refused at load, naming the line;
#    allow_ungated_merge accepts it and says so.
setup gates 1 "$fast"
"$P" enqueue "Fix: replace \`old1\` with \`new1\` in file1.txt" --files file1.txt >/dev/null
printf '[[pipeline.stages]]\nname = "implement"\n\n[[pipeline.stages]]\nname = "merge"\ndepends_on = ["implement"]\n' \
    >>.pilothouse/pilothouse.toml
code=0
"$P" run --until-idle --json >"$work/gates.log" 2>&1 || code=$?
[ "$code" -eq 2 ] || fail "an ungated pipeline ran (exit $code)"
grep -q "pilothouse.toml:14:.*allow_ungated_merge = true" "$work/gates.log" \
    || fail "the refusal does not name the merge stage's line and the way out: $(cat "$work/gates.log")"
[ "$(db "SELECT state FROM jobs")" = "queued" ] || fail "a refused pipeline touched the job"
sed -i 's/^\[approval\]/[pipeline]\nallow_ungated_merge = true\n\n[approval]/' .pilothouse/pilothouse.toml
"$P" status | grep -q "UNGATED MERGE" || fail "status does not show allow_ungated_merge"
"$P" run --until-idle --json >"$work/ungated.log" 2>&1 || fail "allow_ungated_merge still refused"
grep -q '"message":"UNGATED MERGE' "$work/ungated.log" || fail "run does not announce the ungated merge"
[ "$(db "SELECT state FROM jobs")" = "merged" ] || fail "the ungated job did not merge"
# A pipeline without merge ends `completed` and leaves git alone.
printf '[test]\ncommand = ["sh", "test.sh"]\n\n%s\n[[pipeline.stages]]\nname = "analyze"\n' "$fast" \
    >.pilothouse/pilothouse.toml
tip="$(git rev-parse pilothouse/integration)"
"$P" enqueue "Look at file1.txt" >/dev/null
"$P" run --until-idle --json >"$work/analyze.log" 2>&1 || fail "analyze-only run failed"
[ "$(db "SELECT state FROM jobs ORDER BY id DESC LIMIT 1")" = "completed" ] || fail "analyze-only job not completed"
[ "$(git rev-parse pilothouse/integration)" = "$tip" ] || fail "analyze-only job moved the integration branch"
echo "ok: ungated merge refused at its line, accepted with allow_ungated_merge; analyze-only ends completed"

# 2. kill -9 of the only engine, then `run --until-idle`: its jobs come back at once.
setup killed 8 '[engine]
swarm_size = 8

[approval]
min_score = 6

[simulated]
latency_ms_p50 = 3000
latency_ms_p99 = 4000'
for i in $(seq -w 1 8); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
"$P" run --until-idle --json --auto-approve --lease-seconds 600 >"$work/victim.log" 2>&1 &
victim=$!
children+=("$victim")
for _ in $(seq 1 200); do
    [ "$(running)" -eq 8 ] && break
    sleep 0.05
done
[ "$(running)" -eq 8 ] || fail "the engine did not claim 8 jobs"
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
start=$(date +%s)
code=0
timeout 120 "$P" run --until-idle --json --auto-approve >"$work/after.log" 2>&1 || code=$?
took=$(($(date +%s) - start))
[ "$code" -eq 0 ] || fail "the run after kill -9 exited $code: $(tail -n 3 "$work/after.log")"
[ "$(running)" -eq 0 ] || fail "jobs left running after kill -9 and a full run"
[ "$(db "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 8 ] || fail "not every job merged"
[ "$(db "SELECT COUNT(*) FROM beads WHERE kind = 'lease_reclaimed' AND message LIKE '%is gone%'")" -eq 8 ] \
    || fail "the dead engine's jobs were not reclaimed at once"
echo "ok: kill -9 of the only engine; the next run reclaimed 8 jobs at once (lease 600 s) and merged them in ${took}s"

# 3. 30 jobs all changing the same line: merges conflict under --auto-approve. No job is left
#    running, nothing is claimed past its cap, and the exit code is honest.
setup conflicts 1 "$fast"
for i in $(seq 1 30); do
    "$P" enqueue "Fix: replace \`shared = 0\` with \`shared = $i\` in shared.txt" --files shared.txt >/dev/null
done
code=0
timeout 300 "$P" run --until-idle --auto-approve --json >"$work/conflicts.log" 2>&1 || code=$?
[ "$(running)" -eq 0 ] || fail "$(running) jobs left running after conflicting merges"
grep -q "cannot go from" "$work/conflicts.log" && fail "an illegal transition: $(grep -m1 'cannot go from' "$work/conflicts.log")"
[ "$(db "SELECT COUNT(*) FROM jobs WHERE attempts > max_attempts")" -eq 0 ] || fail "a job claimed past its cap"
states="$(db "SELECT state || ' ' || COUNT(*) FROM jobs GROUP BY state ORDER BY state" | paste -sd, -)"
unfinished=$(db "SELECT COUNT(*) FROM jobs WHERE state IN ('failed', 'quarantined')")
if [ "$unfinished" -gt 0 ]; then want=1; else want=0; fi
[ "$code" -eq "$want" ] || fail "exit $code with $states"
tail -1 "$work/conflicts.log" | grep -q "\"exit_code\":$code" || fail "run_finished does not say $code"
echo "ok: 30 conflicting jobs: $states; exit $code"

# 4. Two engines started in the same instant on a fresh repository (no integration branch yet).
setup twins 6 "$fast"
for i in $(seq -w 1 6); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
git rev-parse --verify --quiet pilothouse/integration >/dev/null && fail "the branch exists before any run"
"$P" run --until-idle --json --auto-approve >"$work/twin1.log" 2>&1 &
one=$!
"$P" run --until-idle --json --auto-approve >"$work/twin2.log" 2>&1 &
two=$!
children+=("$one" "$two")
c1=0
c2=0
wait "$one" || c1=$?
wait "$two" || c2=$?
grep -h "already exists" "$work/twin1.log" "$work/twin2.log" && fail "'already exists' from a twin"
[ "$c1" -eq 0 ] && [ "$c2" -eq 0 ] || fail "twins exited $c1 and $c2: $(tail -n 2 "$work/twin1.log" "$work/twin2.log")"
[ "$(db "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 6 ] || fail "twins did not merge all 6"
stale=$(git for-each-ref --format='%(refname)' refs/pilothouse/merges | while read -r ref; do
    git merge-base --is-ancestor "$ref" pilothouse/integration || echo "$ref"
done)
[ -z "$stale" ] || fail "merge refs of merges that never landed: $stale"
echo "ok: two engines started together both exited 0; 6 merged; no stale merge refs"

# 5. `run --json | head -1`: the closed pipe is an interrupt; no job is left running.
setup pipe 6 '[engine]
swarm_size = 2

[approval]
min_score = 6

[simulated]
latency_ms_p50 = 300
latency_ms_p99 = 400'
for i in $(seq -w 1 6); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
set +o pipefail
codes="$(
    timeout 120 "$P" run --until-idle --json --auto-approve 2>"$work/pipe.err" | head -1 >"$work/pipe.log"
    echo "${PIPESTATUS[0]}"
)"
set -o pipefail
[ "$codes" -eq 130 ] || fail "run --json | head -1 exited $codes (want 130): $(tail -n 3 "$work/pipe.err")"
grep -q '"event":"snapshot"' "$work/pipe.log" || fail "head -1 did not get the snapshot"
[ "$(running)" -eq 0 ] || fail "$(running) jobs left running after the pipe closed"
"$P" run --until-idle --json --auto-approve >"$work/pipe-rest.log" 2>&1 || fail "the rest did not finish"
[ "$(db "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 6 ] || fail "not all 6 merged after the restart"
echo "ok: run --json | head -1 exited 130, no job left running; a rerun merged the rest"
