#!/usr/bin/env bash
# The fleet (issue 14): one PostgreSQL 15 store, one bare git remote, three clones of it, each
# with its own `pilothouse engine` pointed at the same store and merging through the remote
# (`[merge_queue] remote = "origin"`), 90 jobs under one enforced day budget. One engine is
# SIGKILLed mid-run (right after one of its pushes landed, before the store recorded it, when
# the debug build's crash point fires). Afterwards: every job merged (or quarantined with its
# reason), none merged twice (the remote's Pilothouse-Job trailers against the store's merge
# records), no stage finished twice in one attempt, the chain verifies, the ledger stays within
# the budget, and the remote's branch holds every merge. A read-only console on the store shows
# the three engines and the jobs moving.
set -euo pipefail
. "$(dirname "$0")/lib/console-tmux.sh"
console_e2e_setup fleet "pilothouse-fleet-$$"
. "$(dirname "$0")/lib/postgres-server.sh"
jobs_total=90
# The simulated price below makes the 90 jobs cost about 12 USD (measured: 0.13–0.14 USD a job);
# the day budget is shared by the three engines through the store and enforced there.
budget_usd=15

pids=()
pg="$work/pg"
mkdir -p "$pg"
# The server runs as postgres when this runs as root: it must reach its directory.
chmod 711 "$work"
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    postgres_stop
    console_e2e_cleanup
}
trap cleanup EXIT
postgres_start "$pg"
port=$postgres_port
postgres_sql postgres -c "CREATE DATABASE fleet"
url="postgres://pilothouse@127.0.0.1:$port/fleet"
export PGPASSWORD=fleet-e2e-not-a-secret
sql() { postgres_sql fleet -A -t -c "$1"; }

# The shared remote (bare, no integration branch yet: the first engine creates it there) and
# three clones, each set up for the fleet.
seed="$work/seed"
git init -q -b main "$seed"
for i in $(seq -w 1 $jobs_total); do echo "value = old$i" >"$seed/file$i.txt"; done
git -C "$seed" add -A
git -C "$seed" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -qm initial
remote="$work/remote.git"
git clone -q --bare "$seed" "$remote"
for name in a b c; do
    clone="$work/clone-$name"
    git clone -q "$remote" "$clone"
    "$P" init "$clone" >/dev/null
    cat >"$clone/.pilothouse/pilothouse.toml" <<TOML
[store]
url = "$url"

[merge_queue]
remote = "origin"

[jobs]
max_attempts = 6

[engine]
swarm_size = 4
poll_ms = 50

[approval]
min_score = 1

[simulated]
latency_ms_p50 = 30
latency_ms_p99 = 150

[budget]
day_usd = $budget_usd

[pricing."simulated:sim-1"]
input_per_mtok = 100
output_per_mtok = 400
TOML
done

# A remote this clone does not have is refused before any job runs, with the fix.
cd "$work/clone-a"
sed -i 's/^remote = "origin"/remote = "upstream"/' .pilothouse/pilothouse.toml
if out=$(timeout 20 "$P" engine --auto-approve 2>&1); then fail "an engine started with a remote the clone lacks"; fi
echo "$out" | grep -q 'git remote add upstream URL' || fail "the refusal does not say what to do: $out"
sed -i 's/^remote = "upstream"/remote = "origin"/' .pilothouse/pilothouse.toml
echo "ok: [merge_queue] remote naming no remote of the clone is refused with the fix"

# 90 jobs, enqueued by three writers at once; each changes a file of its own.
for part in 0 1 2; do
    (
        for n in $(seq $((part * 30 + 1)) $((part * 30 + 30))); do
            i=$(printf '%02d' "$n")
            "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
        done
    ) &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "an enqueueing writer failed"; done
pids=()
[ "$(sql "SELECT COUNT(*) FROM jobs")" = "$jobs_total" ] || fail "expected $jobs_total jobs in the store"
echo "ok: $jobs_total jobs in the shared store"

# Three engines, one per clone. The victim kills itself right after a push landed and before
# the store recorded it (debug builds; a release build ignores the variable and is killed below).
started_at=$SECONDS
for name in a b c; do
    if [ "$name" = c ]; then crash=merge-queue-landed; else crash=""; fi
    (cd "$work/clone-$name" && PILOTHOUSE_CRASH_AT="$crash" exec "$P" engine --auto-approve --lease-seconds 3) \
        >"$work/engine-$name.log" 2>&1 &
    pids+=($!)
done
victim=${pids[2]}

# The read-only console on the store shows the fleet and the jobs moving.
T new-session -d -s "$session" -x 160 -y 50 \
    "cd '$work/clone-a' && '$P' console --store '$url' --read-only 2>'$work/console.err'"
wait_for 30 "the console to show three engines" screen_has "engines 3"
screen >"$work/screen-1.txt"
merged_then=$(sql "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")
echo "ok: the read-only console shows the three engines"

# The victim dies mid-run: at its crash point, or by SIGKILL once a third of the jobs merged.
deadline=$((SECONDS + 60))
while kill -0 "$victim" 2>/dev/null; do
    merged=$(sql "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")
    if [ "$merged" -ge $((jobs_total / 3)) ] || [ $SECONDS -ge $deadline ]; then
        kill -9 "$victim" 2>/dev/null || true
        break
    fi
    sleep 0.2
done
wait "$victim" 2>/dev/null || true
on_remote=$(
    git -C "$remote" log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration \
        | grep -c . || true
)
echo "ok: one engine SIGKILLed mid-run ($(sql "SELECT COUNT(*) FROM jobs WHERE state = 'merged'") merged in the store, $on_remote on the remote then)"

all_finished() { [ "$(sql "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running', 'merging')")" = 0 ]; }
wait_for 90 "every job to finish" all_finished
wait_for 10 "the console to show the jobs merged" screen_has "merged"
screen >"$work/screen-2.txt"
cmp -s "$work/screen-1.txt" "$work/screen-2.txt" && fail "the console did not change while the jobs ran"
merged_now=$(sql "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")
[ "$merged_now" -gt "$merged_then" ] || fail "no job merged while the console watched"
echo "ok: the console followed the jobs ($merged_then merged when it first drew, $merged_now at the end)"
for pid in "${pids[@]:0:2}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]:0:2}"; do
    code=0
    wait "$pid" || code=$?
    [ "$code" -eq 0 ] || fail "an engine stopped by SIGTERM exited $code"
done
pids=()
elapsed=$((SECONDS - started_at))

# Every job merged, or quarantined with its reason.
states=$(sql "SELECT state || '=' || COUNT(*) FROM jobs GROUP BY state ORDER BY state" | tr '\n' ' ')
merged=$(sql "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")
quarantined=$(sql "SELECT COUNT(*) FROM jobs WHERE state = 'quarantined'")
[ $((merged + quarantined)) -eq $jobs_total ] || fail "jobs neither merged nor quarantined: $states"
unexplained=$(sql "SELECT COUNT(*) FROM jobs j WHERE j.state = 'quarantined' AND NOT EXISTS
    (SELECT 1 FROM quarantine q WHERE q.job_id = j.id AND q.reason <> '' AND q.message <> '')")
[ "$unexplained" -eq 0 ] || fail "$unexplained quarantined jobs without a reason"
[ "$merged" -ge $((jobs_total * 9 / 10)) ] || fail "only $merged of $jobs_total merged: $states"
echo "ok: every job merged or quarantined with its reason ($states)"

# None merged twice: the remote's trailers, the store's merge records and its merged jobs agree.
git -C "$remote" log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration \
    | grep . | sort >"$work/remote-merges"
sql "SELECT job_id FROM merge_records ORDER BY job_id" | LC_ALL=C sort >"$work/records"
sql "SELECT id FROM jobs WHERE state = 'merged' ORDER BY id" | LC_ALL=C sort >"$work/merged-jobs"
LC_ALL=C sort -o "$work/remote-merges" "$work/remote-merges"
twice=$(uniq -d "$work/remote-merges" | wc -l)
[ "$twice" -eq 0 ] || fail "$twice jobs merged twice on the remote: $(uniq -d "$work/remote-merges" | head -3)"
cmp -s "$work/remote-merges" "$work/records" \
    || fail "the remote's merges and the store's merge records differ: $(diff "$work/remote-merges" "$work/records" | head -5)"
cmp -s "$work/records" "$work/merged-jobs" || fail "merge records and merged jobs differ"
echo "ok: $merged merges on the remote, each job once, each recorded once"

# The remote's branch holds every recorded merge, and its merge ref with it.
while read -r job commit; do
    git -C "$remote" merge-base --is-ancestor "$commit" pilothouse/integration \
        || fail "the merge of $job ($commit) is not on the remote's branch"
    [ "$(git -C "$remote" rev-parse "refs/pilothouse/merges/$job")" = "$commit" ] \
        || fail "the remote's merge ref of $job is not its recorded merge"
done < <(sql "SELECT job_id || ' ' || merge_commit FROM merge_records")
echo "ok: the remote's integration branch holds every merge"

# No stage finished twice in one attempt (the stage results, and the chain's own beads).
again=$(sql "SELECT COUNT(*) FROM (SELECT job_id, stage, attempt FROM stage_results WHERE status = 'finished'
    GROUP BY job_id, stage, attempt HAVING COUNT(*) > 1) t")
[ "$again" -eq 0 ] || fail "$again stages finished twice in one attempt"
again=$(sql "SELECT COUNT(*) FROM (SELECT job_id, stage, metadata::json->>'attempt' FROM beads
    WHERE kind = 'stage_finished' GROUP BY 1, 2, 3 HAVING COUNT(*) > 1) t")
[ "$again" -eq 0 ] || fail "$again stages have two stage_finished beads in one attempt"
echo "ok: no stage finished twice in one attempt"

"$P" beads verify --store "$url" | grep -q "^OK" || fail "the chain does not verify: $("$P" beads verify --store "$url" 2>&1 | tail -3)"
echo "ok: the bead chain verifies"

# The three engines spent within the one enforced budget, and came near it.
spent=$(sql "SELECT COALESCE(SUM(cost_micros), 0) FROM llm_calls")
limit=$((budget_usd * 1000000))
[ "$spent" -le "$limit" ] || fail "the ledger ($spent µUSD) exceeds the day budget ($limit µUSD)"
[ "$spent" -ge $((limit / 2)) ] || fail "the run spent only $spent µUSD of $limit: the budget was not approached"
echo "ok: the ledger ($spent µUSD) is within the shared budget ($limit µUSD)"

races=$(sql "SELECT COUNT(*) FROM beads WHERE kind = 'queue_race_lost'")
echo "fleet e2e: OK ($merged merged, $quarantined quarantined in ${elapsed}s; $races lost races rebuilt)"
