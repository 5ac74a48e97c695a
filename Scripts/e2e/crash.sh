#!/usr/bin/env bash
# Crash recovery end to end: a 30-job headless run is SIGKILLed at random moments 20 times and
# restarted each time; afterwards nothing is lost, nothing ran twice, the audit chain holds,
# every merged job is on the integration branch exactly once and the operator's tree is as it
# was. A second, smaller case shows that a job out of attempts ends quarantined (max_attempts)
# rather than being reclaimed forever. A third kills the merge queue during batch tests:
# no approval is lost and nothing merges twice. A fourth kills it exactly between the branch's
# move and the store's record of it (a debug build's crash point).
#
# CRASH_SEED=N reproduces the kill schedule of an earlier run.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
child=""
cleanup() {
    if [ -n "$child" ]; then kill -9 "$child" 2>/dev/null || true; fi
    if [ -z "${CRASH_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
seed="${CRASH_SEED:-$$}"
RANDOM=$seed
started=$SECONDS

# A repository with one file per job, so merges never conflict, and a real test command.
make_repo() {
    local repo="$1" files="$2"
    git init -q -b main "$repo"
    for i in $(seq -w 1 "$files"); do echo "value = old$i" >"$repo/file$i.txt"; done
    cat >"$repo/test.sh" <<'TEST'
#!/bin/sh
# Fails when any file lost its value line.
for f in file*.txt; do grep -q '^value = ' "$f" || { echo "FAIL $f"; exit 1; }; done
echo "all files ok"
TEST
    git -C "$repo" add -A
    git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m "initial"
    "$P" init "$repo" >/dev/null
}

# Starts `run` in the background; its pid is in $child.
start_run() {
    local log="$1"
    shift
    "$P" run --until-idle --json --auto-approve --lease-seconds 2 "$@" >"$log" 2>&1 &
    child=$!
}

db_query() { sqlite3 "$repo/.pilothouse/pilothouse.db" "$1"; }

# Queue-case setup in $repo (made by make_repo): `count` jobs under a config with the given
# max_attempts and simulated latency (ms), batch size 4, test.sh as the test. Without
# --auto-approve every job stops at the gate; the operator approves them all while no engine
# runs, so they wait in `merging` for the next engine. Leaves the shell in $repo.
approved_jobs_waiting() {
    local count="$1" attempts="$2" latency="$3" log="$4"
    printf '[jobs]\nmax_attempts = %s\n\n[engine]\nswarm_size = 8\npoll_ms = 50\n\n[test]\ncommand = ["sh", "test.sh"]\n\n[merge_queue]\nbatch_size = 4\n\n[simulated]\nlatency_ms_p50 = %s\nlatency_ms_p99 = %s\n' \
        "$attempts" "$latency" "$((latency * 3))" >"$repo/.pilothouse/pilothouse.toml"
    cd "$repo"
    for i in $(seq 1 "$count"); do
        "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
    done
    "$P" run --until-idle --json >"$log" 2>&1 || true
    [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state = 'awaiting_approval'")" -eq "$count" ] \
        || fail "expected $count jobs waiting for approval: $(db_query "SELECT state, COUNT(*) FROM jobs GROUP BY state")"
    for id in $(db_query "SELECT id FROM jobs"); do "$P" approve "$id" >/dev/null; done
}

# ---------------------------------------------------------------------------------------------
# Case 1: 30 jobs, 20 random SIGKILLs.
repo="$work/repo"
make_repo "$repo" 30
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[jobs]
# Attempts count across crashes: 20 kills with 4 jobs in flight each can cost a job many.
max_attempts = 25

[engine]
swarm_size = 3
poll_ms = 50

[approval]
# The simulated reviewer scores 6–9; most jobs merge, the odd one waits for a person.
min_score = 7

[test]
command = ["sh", "test.sh"]

[simulated]
seed = 7
latency_ms_p50 = 700
latency_ms_p99 = 1500
TOML
cd "$repo"
for i in $(seq -w 1 30); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
[ "$(db_query "SELECT COUNT(*) FROM jobs")" -eq 30 ] || fail "expected 30 jobs after enqueue"

worktrees_before="$(git worktree list --porcelain | head -3)"
status_before="$(git status --porcelain=v1 --branch)"
head_before="$(git rev-parse HEAD)"

kills=0
while [ $kills -lt 20 ]; do
    start_run "$work/run-$kills.log"
    # 0.3–3.3 s: sometimes mid-model-call, sometimes in git, tests or a merge. A dead engine's
    # jobs come back at once and resume their attempt, so the model must be slow enough that
    # 30 jobs outlast 20 kills.
    sleep "$(printf '%d.%03d' $((RANDOM % 3)) $((300 + RANDOM % 700)))"
    if kill -0 "$child" 2>/dev/null; then
        kill -9 "$child"
        wait "$child" 2>/dev/null || true
        kills=$((kills + 1))
    else
        # It finished before we could kill it: everything is done, or left waiting on a live lease.
        wait "$child" 2>/dev/null || true
        remaining="$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running','merging')")"
        if [ "$remaining" -eq 0 ]; then break; fi
        sleep 0.5
    fi
    child=""
done
echo "ok: $kills SIGKILLs (seed $seed), $(db_query "SELECT COUNT(*) FROM jobs WHERE state='merged'") jobs merged so far"
[ $kills -eq 20 ] || fail "the work ran out after $kills kills; raise the simulated latency"

# Let the dead runs' leases expire, then finish the work.
final=""
for round in 1 2 3 4 5; do
    sleep 2.2
    start_run "$work/final-$round.log"
    code=0
    wait "$child" || code=$?
    child=""
    final="$work/final-$round.log"
    remaining="$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running','merging')")"
    [ "$remaining" -eq 0 ] && break
done
[ "$code" -eq 0 ] || [ "$code" -eq 1 ] || fail "final run exited $code: $(tail -n 3 "$final")"
python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$final" || fail "final run output is not JSON lines"
tail -1 "$final" | grep -q "\"exit_code\":$code" || fail "final run's last line is not run_finished with $code"

# Every job terminal or waiting for a person; none lost.
[ "$(db_query "SELECT COUNT(*) FROM jobs")" -eq 30 ] || fail "job count changed"
stray="$(db_query "SELECT id || ' ' || state FROM jobs WHERE state NOT IN
    ('merged','failed','quarantined','rejected','cancelled','awaiting_approval')")"
[ -z "$stray" ] || fail "jobs not terminal: $stray"

# No (job, stage, attempt) finished twice: in the results table and in the append-only beads.
twice="$(db_query "SELECT job_id, stage, attempt FROM stage_results WHERE status = 'finished'
    GROUP BY job_id, stage, attempt HAVING COUNT(*) > 1")"
[ -z "$twice" ] || fail "stage attempts finished twice: $twice"
twice="$(db_query "SELECT job_id, stage, json_extract(metadata, '$.attempt') FROM beads
    WHERE kind = 'stage_finished' GROUP BY 1, 2, 3 HAVING COUNT(*) > 1")"
[ -z "$twice" ] || fail "stage_finished beads repeated: $twice"
reclaimed="$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'lease_reclaimed'")"
[ "$reclaimed" -gt 0 ] || fail "no lease was ever reclaimed; the kills did not land mid-run"

"$P" beads verify | grep -q "^OK: " || fail "bead chain does not verify"

# The integration branch holds each merged job exactly once.
git log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration \
    | sed '/^$/d' | sort >"$work/merged-git"
db_query "SELECT id FROM jobs WHERE state = 'merged' ORDER BY id" | sort >"$work/merged-db"
dups="$(uniq -d "$work/merged-git")"
[ -z "$dups" ] || fail "jobs merged more than once: $dups"
diff -u "$work/merged-db" "$work/merged-git" >/dev/null \
    || fail "merged jobs and integration merges differ: $(diff "$work/merged-db" "$work/merged-git" | head -5)"
merged=$(wc -l <"$work/merged-git")
[ "$merged" -gt 0 ] || fail "nothing merged"
for id in $(cat "$work/merged-db"); do
    n=$(db_query "SELECT substr(goal, instr(goal, 'file'), 10) FROM jobs WHERE id = '$id'")
    git show "pilothouse/integration:$n" | grep -q "new" || fail "merged job $id did not change $n"
done

# The operator's checkout: same branch, same HEAD, same status; job worktrees only under .pilothouse.
[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "the operator's HEAD moved"
[ "$(git status --porcelain=v1 --branch)" = "$status_before" ] || fail "git status changed: $(git status --short)"
[ "$(git worktree list --porcelain | head -3)" = "$worktrees_before" ] || fail "main worktree entry changed"
if git worktree list --porcelain | grep '^worktree ' | sed 1d | grep -v "^worktree $repo/.pilothouse/worktrees/"; then
    fail "a worktree outside .pilothouse/worktrees"
fi
left=$(($(git worktree list | wc -l) - 1))

states="$(db_query "SELECT state || ' ' || COUNT(*) FROM jobs GROUP BY state ORDER BY state" | paste -sd, -)"
attempts="$(db_query "SELECT MAX(attempts) || ' max, ' || SUM(attempts) || ' total' FROM jobs")"
echo "ok: 30 jobs after $kills kills: $states; attempts $attempts; $reclaimed leases reclaimed"
recovered="$(db_query "SELECT COUNT(*) FROM beads WHERE message LIKE '%already done by an earlier attempt%'")"
echo "ok: no stage attempt finished twice; chain verified; $merged merges on pilothouse/integration, each once"
echo "ok: $recovered jobs killed between their merge and its record were recognised as merged, not redone"
echo "ok: operator's tree untouched ($left job worktrees left under .pilothouse/worktrees)"

# ---------------------------------------------------------------------------------------------
# Case 2: a job whose engine keeps dying is quarantined once out of attempts.
repo="$work/small"
make_repo "$repo" 1
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[jobs]
max_attempts = 2

[test]
command = ["sh", "test.sh"]

[simulated]
latency_ms_p50 = 5000
latency_ms_p99 = 6000
TOML
cd "$repo"
"$P" enqueue "Fix: replace \`old1\` with \`new1\` in file1.txt" --files file1.txt >/dev/null
for attempt in 1 2; do
    start_run "$work/small-$attempt.log"
    sleep 1.5
    kill -9 "$child"
    wait "$child" 2>/dev/null || true
    child=""
    sleep 2.2
done
[ "$(db_query "SELECT attempts FROM jobs")" -eq 2 ] || fail "expected 2 attempts used"
start_run "$work/small-final.log"
code=0
wait "$child" || code=$?
child=""
[ "$code" -eq 1 ] || fail "a run that quarantined a job exited $code, not 1"
[ "$(db_query "SELECT state FROM jobs")" = quarantined ] || fail "job is $(db_query "SELECT state FROM jobs")"
[ "$(db_query "SELECT reason FROM quarantine")" = max_attempts ] || fail "quarantine reason is not max_attempts"
grep -q '"reason":"max_attempts"' "$work/small-final.log" || fail "no quarantine_added event for max_attempts"
"$P" beads verify | grep -q "^OK: " || fail "small case chain does not verify"
echo "ok: a job killed twice with max_attempts = 2 is quarantined (max_attempts), run exit 1"

# ---------------------------------------------------------------------------------------------
# Case 3: the merge queue under SIGKILL. Eight operator-approved jobs wait in the queue; the
# engine is killed while a batch's candidate tree is under test (and, at random, around the ref
# moves that follow), then restarted, until everything merged. No approval is lost (no job asks
# for one again), nothing merges twice, and the branch is green.
repo="$work/queue"
make_repo "$repo" 8
cat >"$repo/test.sh" <<'TEST'
#!/bin/sh
# Slow enough to be killed mid-test; fails when any file lost its value line.
sleep 1
for f in file*.txt; do grep -q '^value = ' "$f" || { echo "FAIL $f"; exit 1; }; done
echo "all files ok"
TEST
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m "slow test"
approved_jobs_waiting 8 20 10 "$work/queue-gate.log"
queue_kills=0
saw_batch=""
# Six runs killed during a batch, then runs left to finish (a dead run's leases lapse first).
for round in $(seq 1 10); do
    [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 8 ] && break
    "$P" run --until-idle --json --lease-seconds 2 >"$work/queue-$round.log" 2>&1 &
    child=$!
    # Wait (at most 20 s) for a candidate under test, as `pilothouse queue --json` shows it.
    testing=""
    for _ in $(seq 1 200); do
        kill -0 "$child" 2>/dev/null || break
        if "$P" queue --json >"$work/queue.json" 2>/dev/null \
            && python3 -c 'import json,sys; q=json.load(open(sys.argv[1])); sys.exit(0 if any(e["testing"] for e in q["entries"]) else 1)' "$work/queue.json"; then
            testing=yes
            break
        fi
        sleep 0.1
    done
    if [ -n "$testing" ] && [ "$round" -le 6 ]; then
        if [ -z "$saw_batch" ]; then
            saw_batch="$(python3 -c 'import json,sys; q=json.load(open(sys.argv[1])); e=q["entries"]; assert q["batch_size"] == 4 and q["candidate_tree"] and q["testing_since"]; assert [x["position"] for x in e] == list(range(1, len(e) + 1)); assert all(set(x) == {"position","job_id","title","priority","approved_at","testing"} for x in e); print(sum(x["testing"] for x in e))' "$work/queue.json")" \
                || fail "queue --json does not match Docs/JSON.md: $(cat "$work/queue.json")"
        fi
        # Mid-test, or up to a second later: the test takes one, the ref moves follow it.
        sleep "0.$((RANDOM % 10))"
        if kill -0 "$child" 2>/dev/null; then
            kill -9 "$child"
            queue_kills=$((queue_kills + 1))
        fi
    fi
    wait "$child" 2>/dev/null || true
    child=""
    sleep 2.2
done
[ -n "$saw_batch" ] || fail "never saw a batch under test"
[ "$queue_kills" -gt 0 ] || fail "the engine was never killed during a batch"
states="$(db_query "SELECT state || ' ' || COUNT(*) FROM jobs GROUP BY state" | paste -sd, -)"
[ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 8 ] || fail "not all 8 merged: $states"
# No approval lost: no job ever went back to the gate after the operator approved it.
again="$(db_query "SELECT job_id FROM beads WHERE kind = 'state_changed' AND json_extract(metadata, '$.to') = 'awaiting_approval'
    GROUP BY job_id HAVING COUNT(*) > 1")"
[ -z "$again" ] || fail "jobs asked for approval again: $again"
[ "$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'patch_approved'")" -eq 8 ] || fail "approvals were repeated or lost"
git log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration | sed '/^$/d' | sort >"$work/queue-git"
dups="$(uniq -d "$work/queue-git")"
[ -z "$dups" ] || fail "jobs merged more than once: $dups"
[ "$(wc -l <"$work/queue-git")" -eq 8 ] || fail "expected 8 merges on the branch, found $(wc -l <"$work/queue-git")"
[ "$(db_query "SELECT COUNT(DISTINCT job_id) FROM merge_records")" -eq 8 ] || fail "merge records missing"
git worktree add -q --detach "$work/queue-tip" pilothouse/integration
(cd "$work/queue-tip" && sh test.sh >/dev/null) || fail "the integration branch is red"
git worktree remove --force "$work/queue-tip"
"$P" beads verify | grep -q "^OK: " || fail "queue case chain does not verify"
echo "ok: merge queue killed $queue_kills times during a batch ($saw_batch under test at first): 8 merged once each, no approval asked again, branch green"

# ---------------------------------------------------------------------------------------------
# Case 4: SIGKILL exactly between the ref moves, deterministically. A debug build dies by its
# own SIGKILL where PILOTHOUSE_CRASH_AT names a crash point (CrashPoint.swift); here the one
# right after the queue moved pilothouse/integration and before the store recorded the landing.
# On restart every job is merged exactly once, nothing asks for approval again, and the branch
# is green.
repo="$work/landing"
make_repo "$repo" 6
approved_jobs_waiting 6 5 0 "$work/landing-gate.log"
tip_before="$(git rev-parse pilothouse/integration)"
code=0
PILOTHOUSE_CRASH_AT=merge-queue-landed "$P" run --until-idle --json --lease-seconds 2 \
    >"$work/landing-killed.log" 2>&1 || code=$?
[ "$code" -ne 0 ] || fail "the run was not killed at the crash point: is $P a debug build? (crash points exist only there)"
[ "$code" -eq 137 ] || fail "the run exited $code, not by SIGKILL: $(tail -n 3 "$work/landing-killed.log")"
# The branch moved, the store knows nothing of it yet: exactly the window under test.
landed="$(git log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' "$tip_before..pilothouse/integration" | sed '/^$/d' | wc -l)"
[ "$landed" -ge 1 ] || fail "the run was killed before the branch moved"
[ "$(db_query "SELECT COUNT(*) FROM merge_records")" -eq 0 ] || fail "the landing was recorded before the crash point"
[ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 0 ] || fail "a job was marked merged before the crash point"
sleep 2.2
code=0
"$P" run --until-idle --json --lease-seconds 2 >"$work/landing-after.log" 2>&1 || code=$?
[ "$code" -eq 0 ] || fail "the run after the crash exited $code: $(tail -n 3 "$work/landing-after.log")"
states="$(db_query "SELECT state || ' ' || COUNT(*) FROM jobs GROUP BY state" | paste -sd, -)"
[ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 6 ] || fail "not all 6 merged: $states"
git log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration | sed '/^$/d' | sort >"$work/landing-git"
dups="$(uniq -d "$work/landing-git")"
[ -z "$dups" ] || fail "jobs merged more than once: $dups"
[ "$(wc -l <"$work/landing-git")" -eq 6 ] || fail "expected 6 merges on the branch, found $(wc -l <"$work/landing-git")"
db_query "SELECT job_id FROM merge_records ORDER BY job_id" | sort >"$work/landing-db"
diff -u "$work/landing-db" "$work/landing-git" >/dev/null \
    || fail "merge records and the branch's merges differ: $(diff "$work/landing-db" "$work/landing-git" | head -5)"
again="$(db_query "SELECT job_id FROM beads WHERE kind = 'state_changed' AND json_extract(metadata, '$.to') = 'awaiting_approval'
    GROUP BY job_id HAVING COUNT(*) > 1")"
[ -z "$again" ] || fail "jobs asked for approval again: $again"
[ "$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'patch_approved'")" -eq 6 ] || fail "approvals were repeated or lost"
"$P" queue --json >"$work/landing-queue.json"
python3 -c 'import json,sys; q=json.load(open(sys.argv[1])); sys.exit(0 if q["entries"] == [] else 1)' "$work/landing-queue.json" \
    || fail "jobs left in the merge queue: $(cat "$work/landing-queue.json")"
git worktree add -q --detach "$work/landing-tip" pilothouse/integration
(cd "$work/landing-tip" && sh test.sh >/dev/null) || fail "the integration branch is red"
git worktree remove --force "$work/landing-tip"
"$P" beads verify | grep -q "^OK: " || fail "landing case chain does not verify"
echo "ok: killed right after the branch moved ($landed merges landed, none recorded): 6 merged once each, no approval asked again, branch green"

echo "crash e2e: OK ($((SECONDS - started)) s)"
