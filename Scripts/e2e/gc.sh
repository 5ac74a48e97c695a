#!/usr/bin/env bash
# Retention end to end: a merged job's worktree goes back to the pool and its branch goes at
# once; a failed job's stays until `pilothouse gc`, which never touches a job awaiting approval
# (held) or one an engine is running, and is safe with two gc processes and an engine at once.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
child=""
cleanup() {
    if [ -n "$child" ]; then kill -9 "$child" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
started=$SECONDS
repo="$work/repo"
git init -q -b main "$repo"
for i in 1 2 3 4; do echo "value = old$i" >"$repo/file$i.txt"; done
# The repository's test: file2 must never say new2, so job 2 fails its tests.
printf '#!/bin/sh\n! grep -q new2 file2.txt\n' >"$repo/test.sh"
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[jobs]
max_attempts = 1

[engine]
swarm_size = 2
poll_ms = 50

[approval]
min_score = 10

[test]
command = ["sh", "test.sh"]

[simulated]
latency_ms_p50 = 5
latency_ms_p99 = 10
TOML
cd "$repo"
db_query() { sqlite3 "$repo/.pilothouse/pilothouse.db" "$1"; }
job_id() { db_query "SELECT id FROM jobs WHERE goal LIKE '%file$1.txt%'"; }
for i in 1 2; do "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null; done
"$P" run --until-idle --json >"$work/run1.log" 2>&1 || true
held="$(job_id 1)"
failed="$(job_id 2)"
[ "$(db_query "SELECT state FROM jobs WHERE id = '$held'")" = awaiting_approval ] || fail "job 1 is not awaiting approval"
[ "$(db_query "SELECT state FROM jobs WHERE id = '$failed'")" = failed ] || fail "job 2 did not fail: $(db_query "SELECT state FROM jobs WHERE id = '$failed'")"
[ -d ".pilothouse/worktrees/$held" ] && [ -d ".pilothouse/worktrees/$failed" ] || fail "worktrees missing before gc"

# A dry run removes nothing; then two gc processes at once: the failed job's worktree goes, once.
"$P" gc --older-than 0s --dry-run --json >"$work/dry.json"
grep -q "\"job\" : \"$failed\"" "$work/dry.json" || fail "dry run does not name the failed job: $(cat "$work/dry.json")"
grep -q '"bytes_freed"' "$work/dry.json" || fail "gc --json keys are not snake_case"
[ -d ".pilothouse/worktrees/$failed" ] || fail "a dry run removed a worktree"
"$P" gc --older-than 0s --json >"$work/gc-a.json" &
a=$!
"$P" gc --older-than 0s --json >"$work/gc-b.json" &
b=$!
wait $a || fail "the first of two concurrent gc runs failed"
wait $b || fail "the second of two concurrent gc runs failed"
[ ! -e ".pilothouse/worktrees/$failed" ] || fail "the failed job's worktree survived gc"
[ -z "$(git branch --list "pilothouse/$failed")" ] || fail "the failed job's branch survived gc"
[ "$(cat "$work/gc-a.json" "$work/gc-b.json" | grep -c "\"job\" : \"$failed\"")" -ge 1 ] || fail "no gc reported the failed job"
[ -d ".pilothouse/worktrees/$held" ] || fail "gc removed the worktree of a job awaiting approval"
[ -z "$(git worktree prune --dry-run -v)" ] || fail "git still knows a removed worktree"
echo "ok: gc removed the failed job's worktree and branch (two gc at once), kept the held job's"

# The held job is approved and merges from the worktree gc left alone; merged, its worktree
# goes back to the pool and its branch goes, without gc.
"$P" approve "$held" >/dev/null
"$P" run --until-idle --json >"$work/run2.log" 2>&1 || true
[ "$(db_query "SELECT state FROM jobs WHERE id = '$held'")" = merged ] || fail "the held job did not merge after gc"
[ ! -e ".pilothouse/worktrees/$held" ] || fail "a merged job's worktree stayed"
[ "$(ls .pilothouse/worktrees/.pool | wc -l)" -eq 1 ] || fail "the merged job's worktree is not in the pool"
[ -z "$(git branch --list "pilothouse/$held")" ] || fail "a merged job's branch stayed"
echo "ok: the held job merged after gc; its worktree went to the pool and its branch went"

# gc in a loop while an engine runs two slow jobs: both merge, gc never fails.
sed -i 's/latency_ms_p50 = 5/latency_ms_p50 = 800/; s/latency_ms_p99 = 10/latency_ms_p99 = 1200/; s/min_score = 10/min_score = 1/' .pilothouse/pilothouse.toml
for i in 3 4; do "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null; done
"$P" run --until-idle --json --auto-approve >"$work/run3.log" 2>&1 &
child=$!
rounds=0
while kill -0 "$child" 2>/dev/null; do
    "$P" gc --older-than 0s --json >"$work/gc-live.json" || fail "gc failed while the engine ran: $(cat "$work/gc-live.json")"
    rounds=$((rounds + 1))
    [ $rounds -lt 600 ] || fail "the engine did not finish"
done
wait "$child" || fail "the run with gc beside it failed: $(tail -3 "$work/run3.log")"
child=""
for i in 3 4; do
    [ "$(db_query "SELECT state FROM jobs WHERE id = '$(job_id $i)'")" = merged ] || fail "job $i did not merge with gc running beside it"
done
[ "$rounds" -gt 1 ] || fail "gc ran only $rounds time(s) beside the engine"
"$P" beads verify | grep -q "^OK: " || fail "the bead chain does not verify"
echo "ok: $rounds gc runs beside a running engine; both jobs merged, chain verified"
echo "gc e2e: OK ($((SECONDS - started)) s)"
