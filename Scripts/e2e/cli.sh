#!/usr/bin/env bash
# The operator's CLI commands end to end against the binary, success and refusal paths, each
# with its exit code: status, reject, rollback, pause/resume/cancel/retry, cost, cache (validate with
# damaged entries), beads export.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE COMMAND...: runs COMMAND, keeps its output in $out, fails unless it exits CODE.
expect() {
    local want=$1 code=0
    shift
    out=$("$@" 2>&1) || code=$?
    [ "$code" -eq "$want" ] || fail "$* exited $code, expected $want: $out"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

repo="$work/repo"
git init -q -b main "$repo"
for i in 1 2; do echo "value = old$i" >"$repo/file$i.txt"; done
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -qm initial
"$P" init "$repo" >/dev/null
cd "$repo"
for i in 1 2; do "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null; done
expect 0 "$P" run --until-idle --json
ids=($("$P" jobs ls --json | json '" ".join(j["id"] for j in d if j["state"] == "awaiting_approval")'))
[ "${#ids[@]}" -eq 2 ] || fail "expected 2 patches awaiting approval, got ${#ids[@]}"
rejected=${ids[0]}
approved=${ids[1]}

# status: the counts the operator needs, in text and JSON.
expect 0 "$P" status
[[ "$out" == *"2 awaiting_approval"* ]] || fail "status does not show 2 awaiting: $out"
expect 0 "$P" status --json
[ "$(echo "$out" | json 'd["jobs"]["awaiting_approval"]')" -eq 2 ] || fail "status --json: $out"
beads=$(echo "$out" | json 'd["beads"]')
echo "ok: status (text and --json) shows 2 waiting, $beads beads"

# reject: a waiting patch goes back with the reason; a second reject and an unknown id are refused.
expect 0 "$P" reject "$rejected" --reason "keep the old name"
[[ "$out" == *"try again with your reason"* ]] || fail "reject said: $out"
expect 0 "$P" jobs show "$rejected" --json
[[ "$out" == *"keep the old name"* ]] || fail "the reason is not recorded on the job"
[ "$("$P" jobs ls --json | json "[j['state'] for j in d if j['id'] == '$rejected'][0]")" != awaiting_approval ] \
    || fail "a rejected job is still awaiting approval"
expect 1 "$P" reject "$rejected" --reason again
[[ "$out" == *"not waiting for approval"* ]] || fail "second reject: $out"
expect 2 "$P" reject ZZZZZZZZ
[[ "$out" == *"no job matches"* ]] || fail "unknown id: $out"
echo "ok: reject records the reason; rejecting twice exits 1, an unknown id exits 2"

# rollback: a merged job is reverted on the integration branch; again does nothing; a job that
# never merged is refused.
expect 0 "$P" approve "$approved"
code=0
"$P" run --until-idle --json >/dev/null || code=$?
# 0, or 1 when the rejected job's retry ends failed; anything else is a broken run.
[ "$code" -eq 0 ] || [ "$code" -eq 1 ] || fail "run after approve exited $code"
[ "$(git show pilothouse/integration:file2.txt)" = "value = new2" ] || fail "the approved job did not merge"
expect 0 "$P" rollback "$approved"
[ "$(git show pilothouse/integration:file2.txt)" = "value = old2" ] || fail "rollback did not revert file2.txt"
head=$(git rev-parse pilothouse/integration)
expect 0 "$P" rollback "$approved"
[ "$(git rev-parse pilothouse/integration)" = "$head" ] || fail "a second rollback changed the branch"
[ -z "$(git status --porcelain --untracked-files=no)" ] || fail "rollback touched the checkout"
expect 1 "$P" rollback "$rejected"
[[ "$out" == *"no recorded merge"* ]] || fail "rollback of an unmerged job: $out"
echo "ok: rollback reverts a merge once; a job without a merge exits 1"

# cost: the ledger's calls, tokens and money; JSON keys are snake_case.
expect 0 "$P" cost --json
[ "$(echo "$out" | json 'd["calls"]')" -gt 0 ] || fail "cost --json counts no calls: $out"
echo "$out" | python3 -c '
import json, re, sys
def keys(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from keys(x)
    elif isinstance(v, list):
        for x in v: yield from keys(x)
bad = [k for k in keys(json.load(sys.stdin)) if not re.fullmatch(r"[a-z0-9_]+", k)]
sys.exit(f"not snake_case: {bad}" if bad else 0)' || fail "cost --json keys"
expect 0 "$P" cost --by model
[[ "$out" == *"simulated:sim-1"* && "$out" == *TOTAL* ]] || fail "cost --by model: $out"
expect 2 "$P" cost --by colour
echo "ok: cost --json (snake_case) and --by model; an unknown grouping exits 2"

# cache: validate and purge report what they did.
expect 0 "$P" cache validate
[[ "$out" == validated* ]] || fail "cache validate: $out"
expect 0 "$P" cache purge
[[ "$out" == purged* ]] || fail "cache purge: $out"
echo "ok: cache validate and purge"

# cache validate with real entries: a run with [cache] on fills the cache; entries damaged with
# sqlite3 (wrong bytes, or a value of another type) are reported and purged, the intact ones kept.
# (Counts are read from the text output: the --json keys are being renamed to snake_case.)
cached="$work/cached"
git init -q -b main "$cached"
echo "value = old" >"$cached/file.txt"
git -C "$cached" add -A
git -C "$cached" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -qm initial
"$P" init "$cached" >/dev/null
printf '\n[cache]\nenabled = true\n' >>"$cached/.pilothouse/pilothouse.toml"
(
    cd "$cached"
    db=.pilothouse/pilothouse.db
    "$P" enqueue "Fix: replace \`old\` with \`new\` in file.txt" --files file.txt >/dev/null
    expect 0 "$P" run --until-idle --json
    entries=$(sqlite3 "$db" "SELECT COUNT(*) FROM response_cache")
    [ "$entries" -ge 3 ] || fail "a run with [cache] enabled stored $entries cache entries"
    expect 0 "$P" cache validate
    [[ "$out" == "validated $entries entries: 0 corrupt purged, 0 evicted; $entries entries "* ]] \
        || fail "validate of an intact cache: $out"
    sqlite3 "$db" "UPDATE response_cache SET payload = X'DEADBEEF' WHERE stage = 'analyze';
        UPDATE response_cache SET payload = 42 WHERE stage = 'plan'"
    expect 0 "$P" cache validate
    [[ "$out" == "validated $entries entries: 2 corrupt purged, 0 evicted; $((entries - 2)) entries "* ]] \
        || fail "validate of 2 damaged entries: $out"
    [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM response_cache WHERE stage IN ('analyze', 'plan')")" -eq 0 ] \
        || fail "the damaged entries are still in the cache"
    [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM response_cache")" -eq $((entries - 2)) ] \
        || fail "validate deleted intact entries"
    expect 0 "$P" cache validate
    [[ "$out" == *": 0 corrupt purged"* ]] || fail "a second validate still finds damage: $out"
    # The same job again is answered from the entries that are left, and stores the purged ones anew.
    "$P" enqueue "Fix: replace \`old\` with \`new\` in file.txt" --files file.txt >/dev/null
    expect 0 "$P" run --until-idle --json
    [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM response_cache")" -eq "$entries" ] \
        || fail "the second run did not restore the purged entries"
    expect 0 "$P" beads verify
)
echo "ok: cache validate reports and purges damaged entries and keeps the intact ones"

# beads export: the whole chain, one JSON object per line, as many as status counts.
expect 2 "$P" beads export
[[ "$out" == *"--jsonl"* ]] || fail "beads export without a format does not say which: $out"
"$P" beads export --jsonl >"$work/beads.jsonl" || fail "beads export --jsonl exited $?"
expect 0 "$P" status --json
total=$(echo "$out" | json 'd["beads"]')
python3 - "$work/beads.jsonl" "$total" <<'PY' || fail "beads export is not the whole chain as JSON lines"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
beads = [json.loads(line) for line in lines]
assert len(beads) == int(sys.argv[2]), (len(beads), sys.argv[2])
assert all(isinstance(b, dict) for b in beads)
PY
expect 0 "$P" beads verify
echo "ok: beads export --jsonl holds all $total beads; the chain verifies"
# pause, resume, cancel, retry: the console's job commands from the shell, with refusals.
job=$("$P" enqueue "Fix: a job to steer by hand" --json | json 'd["id"]')
expect 0 "$P" pause "$job"
[[ "$out" == *" paused" ]] || fail "pause said: $out"
expect 1 "$P" pause "$job"
[[ "$out" == *"only queued, running or waiting jobs can be paused"* ]] || fail "second pause: $out"
expect 0 "$P" resume "$job"
[[ "$out" == *" queued again" ]] || fail "resume said: $out"
expect 1 "$P" resume "$job"
[[ "$out" == *"is queued, not paused"* ]] || fail "resume of a queued job: $out"
expect 1 "$P" retry "$job"
[[ "$out" == *"can be retried"* ]] || fail "retry of a queued job: $out"
expect 0 "$P" cancel "$job"
expect 1 "$P" cancel "$job"
[[ "$out" == *"is already cancelled"* ]] || fail "second cancel: $out"
expect 0 "$P" retry "$job"
[ "$("$P" jobs ls --json | json "[j['state'] for j in d if j['id'] == '$job'][0]")" = queued ] \
    || fail "a retried job is not queued"
expect 2 "$P" cancel ZZZZZZZZ
expect 0 "$P" cancel --help
[[ "$out" == *"Cancel a job"* ]] || fail "cancel --help: $out"
expect 0 "$P" beads verify
echo "ok: pause, resume, cancel and retry apply once and refuse a second time (exit 1)"
# schedules: listed with their next run; a bad cron expression is refused with file:line (exit 2).
cp .pilothouse/pilothouse.toml "$work/pilothouse.toml.saved"
cat >>.pilothouse/pilothouse.toml <<'TOML'

[[schedules]]
name = "nightly plan"
cron = "30 2 * * 1-5"
timezone = "UTC"
import = "PLAN.md"
TOML
expect 0 "$P" schedules ls --json
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1 and d[0]["name"] == "nightly plan" and d[0]["cron"] == "30 2 * * 1-5", d
assert d[0]["due"] is False and d[0]["last_slot"] is None and d[0]["next_run"].endswith(":30:00Z"), d
' || fail "schedules ls --json: $out"
expect 0 "$P" schedules ls
[[ "$out" == *"nightly plan"*"import PLAN.md"*"next "* ]] || fail "schedules ls: $out"
sed -i 's/30 2 \* \* 1-5/30 25 * * 1-5/' .pilothouse/pilothouse.toml
expect 2 "$P" schedules ls
[[ "$out" == *"pilothouse.toml:"*"hour \"25\" is out of range 0–23"* ]] || fail "a bad cron expression: $out"
cp "$work/pilothouse.toml.saved" .pilothouse/pilothouse.toml
echo "ok: schedules ls shows the next run; a bad cron expression names the file, line and field"
echo "cli e2e: OK"
