#!/usr/bin/env bash
# End to end (issue #10, points 8, 9, 20, 23, 24, 25): bead checkpoints and truncation, damaged
# schemas, hunk approval, operator messages, quarantine drop and the JSON convention, against
# the real binary with sqlite3 for tampering.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_fail OUT_PATTERN CMD…: the command exits non-zero and says OUT_PATTERN (stderr+stdout).
expect_fail() {
    local pattern="$1"; shift
    local out
    if out=$("$@" 2>&1); then fail "succeeded: $* → $out"; fi
    echo "$out" | grep -qF -- "$pattern" || fail "$* said: $out (expected: $pattern)"
    echo "$out" | grep -q "NSCocoaErrorDomain\|Error Domain" && fail "$* leaked a Foundation error: $out"
    return 0
}
sidecars() { ls "$1"-wal "$1"-shm 2>/dev/null | wc -l; }

repo="$work/repo"
mkdir "$repo" && cd "$repo"
git init -q . && git config user.email e2e@example.com && git config user.name e2e
printf 'one\ntwo\nthree\n' > a.txt && git add a.txt && git commit -qm init
"$P" init . >/dev/null
db="$repo/.pilothouse/pilothouse.db"

# --- 23: enqueue --patch from standard input (- and /dev/stdin) -------------------------
patch=$'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n'
id=$(printf '%s' "$patch" | "$P" enqueue --patch - --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
printf '%s' "$patch" | "$P" enqueue --patch /dev/stdin --title "from /dev/stdin" >/dev/null \
    || fail "enqueue --patch /dev/stdin was refused"
expect_fail "is a directory" "$P" enqueue --patch /tmp
expect_fail "no such file" "$P" enqueue --patch "$work/none.diff"
timeout 120 "$P" run --until-idle --json >"$work/run.jsonl" || fail "run exited $?"
[ "$("$P" jobs ls --state awaiting_approval --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] \
    || fail "the patches are not waiting for approval"

# --- 20: hunks are checked against the patch at once --------------------------------------
expect_fail "hunk 99 does not exist; the patch has 1 hunk" "$P" approve "$id" --hunks 0,99
expect_fail "hunk 3 does not exist" "$P" approve "$id" --hunks=3
state=$("$P" jobs show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"]["state"])')
[ "$state" = awaiting_approval ] || fail "a refused selection moved the job to $state"
"$P" approve "$id" --hunks 0 | grep -q "approved" || fail "a valid selection was refused"
# 24: reject shares the engine's policy: with a reason and attempts left the job tries again.
other=$("$P" jobs ls --state awaiting_approval --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
"$P" reject "$other" --reason "  keep the lower case " | grep -q "try again" || fail "reject with a reason did not retry"
"$P" beads ls --job "$other" --json | grep -q '"message" : "keep the lower case"' || fail "the reason was not kept trimmed"

# --- 25: snake_case everywhere, golden key sets ------------------------------------------
"$P" import /dev/null --json >/dev/null 2>&1 || true
cat > "$work/plan.md" <<'PLAN'
# Plan
## P1
### 1. Fix the parser
It drops the last line. File: `a.txt`
PLAN
"$P" import "$work/plan.md" --dry-run --json >"$work/items.json"
"$P" import "$work/plan.md" --json >"$work/import.json"
"$P" jobs ls --json >"$work/jobs.json"
"$P" jobs show "$id" --json >"$work/show.json"
"$P" status --json >"$work/status.json"
"$P" beads ls --json >"$work/beads.json"
"$P" beads checkpoint --json >"$work/checkpoint.json"
"$P" cost --json >"$work/cost.json"
"$P" cache validate --json >"$work/cache.json"
"$P" quarantine ls --json >"$work/quarantine.json"
python3 - "$work" <<'PY' || fail "JSON keys differ from Docs/JSON.md"
import json, os, re, sys
work = sys.argv[1]
load = lambda name: json.load(open(os.path.join(work, name)))
JOB = {"id", "title", "goal", "category", "priority", "files_hint", "state", "attempts", "max_attempts",
       "created_at", "updated_at"}
JOB_OPTIONAL = {"source_plan", "source_anchor", "current_stage"}
BEAD = {"seq", "kind", "message", "metadata", "created_at_millis", "prev_hash", "hash", "encoding_version"}
BEAD_OPTIONAL = {"job_id", "stage"}
problems = []
def check(what, obj, required, optional=frozenset()):
    keys = set(obj)
    if not required <= keys or not keys <= required | optional:
        problems.append("%s: %s" % (what, sorted(keys ^ (required | (keys & optional)))))
def snake(what, value, free=False):
    if isinstance(value, dict):
        for key, inner in value.items():
            if not free and not re.fullmatch(r"[a-z0-9_]+", key):
                problems.append("%s: key %r is not snake_case" % (what, key))
            snake(what, inner, free=key in ("metadata", "jobs"))
    elif isinstance(value, list):
        for inner in value: snake(what, inner)
for job in load("jobs.json"): check("jobs ls", job, JOB, JOB_OPTIONAL)
show = load("show.json")
check("jobs show", show, {"job", "beads"}); check("jobs show job", show["job"], JOB, JOB_OPTIONAL)
for bead in load("beads.json") + show["beads"]: check("bead", bead, BEAD, BEAD_OPTIONAL)
check("status", load("status.json"), {"repository", "jobs", "total_jobs", "quarantined", "spend_total_usd",
      "spend_today_usd", "beads", "allow_ungated_merge"}, {"oldest_awaiting_approval", "config_error"})
check("beads checkpoint", load("checkpoint.json"), {"length", "hash", "checkpoint"})
check("cost", load("cost.json"), {"rows", "calls", "tokens_in", "tokens_out", "tokens_cached", "total_usd",
      "total_micros"}, {"by"})
check("cache validate", load("cache.json"), {"checked", "corrupt_purged", "evicted", "remaining_entries",
      "remaining_bytes"})
check("import", load("import.json"), {"added", "updated", "unchanged", "not_queued"})
for item in load("items.json"): check("import --dry-run", item, {"anchor", "title", "goal", "priority",
      "category", "files"}, {"phase", "content_hash"})
for name in os.listdir(work):
    if name.endswith(".json"): snake(name, load(name))
for line in open(os.path.join(work, "run.jsonl")): snake("run --json", json.loads(line))
if problems:
    print("\n".join(problems), file=sys.stderr); sys.exit(1)
PY

# --- 24: quarantine rm from the command line fails the job, as the console does ----------
qjob=$("$P" enqueue "a job to quarantine" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sqlite3 "$db" "UPDATE jobs SET state = 'quarantined' WHERE id = '$qjob';
  INSERT INTO quarantine (id, job_id, reason, message, payload, created_at)
  VALUES ('01M8J0R2HA780KZ6N2E4QQQQQ1', '$qjob', 'malformed_output', 'no diff', '', 0);"
"$P" quarantine rm QQQQQ1 --reason "not worth it" | grep -q "is failed" || fail "quarantine rm did not fail the job"
[ "$("$P" jobs show "$qjob" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"]["state"])')" = failed ] \
    || fail "the dropped record's job is not failed"
# quarantine retry --note: the job is queued with fresh tries and the note as its feedback.
rjob=$("$P" enqueue "a job to retry" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sqlite3 "$db" "UPDATE jobs SET state = 'quarantined', attempts = 3 WHERE id = '$rjob';
  INSERT INTO quarantine (id, job_id, reason, message, payload, created_at)
  VALUES ('01M8J0R2HA780KZ6N2E4RRRRR1', '$rjob', 'max_attempts', 'out of attempts', '', 0);"
"$P" quarantine retry RRRRR1 --note "use 'shlex.quote'; keep run() as it is" | grep -q "carries your note" \
    || fail "quarantine retry --note did not say the note was kept"
[ "$(sqlite3 "$db" "SELECT state || ' ' || attempts || ' ' || feedback FROM jobs WHERE id = '$rjob'")" \
    = "queued 0 use 'shlex.quote'; keep run() as it is" ] || fail "quarantine retry --note: job not queued with the note"

# --- 8: truncation, a missing head, checkpoints -------------------------------------------
"$P" beads verify >/dev/null || fail "intact chain does not verify"
checkpoint=$("$P" beads checkpoint)
echo "$checkpoint" | grep -Eq '^[0-9]+:[0-9a-f]{64}$' || fail "checkpoint is not LENGTH:HASH: $checkpoint"
length=${checkpoint%%:*}
"$P" enqueue "one more" >/dev/null
"$P" beads verify --checkpoint "$checkpoint" | grep -q "extends checkpoint" || fail "a longer chain does not extend its checkpoint"
expect_fail "is not a checkpoint" "$P" beads verify --checkpoint "$length:abc"
cp "$db" "$work/intact.db"
keep=$((length - 5))
sqlite3 "$db" "DELETE FROM beads WHERE seq > $keep;
  UPDATE bead_head SET count = $keep, last_hash = (SELECT hash FROM beads WHERE seq = $keep);"
"$P" beads verify >/dev/null || fail "a consistently truncated chain should verify without a checkpoint"
expect_fail "rewritten" "$P" beads verify --checkpoint "$checkpoint"
code=0; "$P" beads verify --checkpoint "$checkpoint" >/dev/null 2>&1 || code=$?
[ "$code" = 1 ] || fail "a broken checkpoint exits $code, not 1"
sqlite3 "$db" "DELETE FROM bead_head; DELETE FROM beads WHERE seq > 3;"
expect_fail "missing_head" "$P" beads verify
sqlite3 "$db" "DELETE FROM beads;"
expect_fail "missing_head" "$P" beads verify
expect_fail "missing_head" "$P" beads checkpoint
cp "$work/intact.db" "$db"

# --- 9: damaged schemas are named and left unchanged ---------------------------------------
damage() { # SQL: applies it to a fresh copy of the intact database
    cp "$work/intact.db" "$db"; rm -f "$db-wal" "$db-shm"
    sqlite3 "$db" "$1"
    before=$(sha256sum "$db")
}
unchanged() {
    [ "$(sha256sum "$db")" = "$before" ] || fail "$1 modified the refused database"
    [ "$(sidecars "$db")" = 0 ] || fail "$1 left -wal/-shm beside the refused database"
}
damage "DROP TABLE quarantine"
doctor=$("$P" doctor 2>&1 || true)
echo "$doctor" | grep "database" | grep -q "table quarantine is missing" || fail "doctor did not name the dropped table: $doctor"
unchanged doctor
expect_fail "table quarantine is missing" "$P" status
unchanged status
damage "DELETE FROM grdb_migrations WHERE identifier = 'v2_engine'"
expect_fail "migration v2_engine is not recorded" "$P" status
expect_fail "damaged schema" "$P" run --until-idle
unchanged run
damage "CREATE TRIGGER hide AFTER INSERT ON beads BEGIN DELETE FROM beads WHERE seq = NEW.seq; END"
expect_fail "trigger hide is not part of the schema" "$P" enqueue "x"
unchanged enqueue
cp "$work/intact.db" "$db"

# --- 23: the other messages ---------------------------------------------------------------
expect_fail "is a directory" "$P" import /tmp
cp .pilothouse/pilothouse.toml "$work/config.toml"
printf '\n[redaction.patterns]\nmine = %s\n' "'token('" >> .pilothouse/pilothouse.toml
expect_fail "'(' is never closed" "$P" enqueue "x"
cp "$work/config.toml" .pilothouse/pilothouse.toml
rm .pilothouse/pilothouse.toml && mkdir .pilothouse/pilothouse.toml
expect_fail "is a directory" "$P" enqueue "x"
out=$("$P" enqueue "x" 2>&1 || true); echo "$out" | grep -q "permissions" && fail "a directory config still blames permissions: $out"
rmdir .pilothouse/pilothouse.toml && cp "$work/config.toml" .pilothouse/pilothouse.toml

chmod 444 "$db"
"$P" status >/dev/null || fail "status refused a read-only database"
"$P" beads verify >/dev/null || fail "beads verify refused a read-only database"
expect_fail "is read-only" "$P" enqueue "x"
[ "$(sidecars "$db")" = 0 ] || fail "reading a read-only database left -wal/-shm"
chmod 000 "$db"
expect_fail "cannot be read (its permissions are 000)" "$P" status
chmod 644 "$db"

head -c 8192 "$work/intact.db" > "$db"
expect_fail "it is truncated" "$P" status
expect_fail "it is truncated" "$P" beads verify
[ "$(sidecars "$db")" = 0 ] || fail "checking a truncated database left -wal/-shm"

echo "chain e2e: OK"
