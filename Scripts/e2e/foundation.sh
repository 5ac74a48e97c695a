#!/usr/bin/env bash
# End to end: init, enqueue, concurrent writers, bead tampering, bad database files.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Outside a git repository: a one-line refusal, non-zero.
mkdir "$work/plain"
if out=$("$P" init "$work/plain" 2>&1); then fail "init outside git succeeded"; fi
[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "refusal is not one line: $out"
echo "$out" | grep -q "not inside a git repository" || fail "unclear refusal: $out"

repo="$work/repo"
git init -q "$repo"
"$P" init "$repo" >/dev/null
[ -f "$repo/.pilothouse/pilothouse.toml" ] || fail "no config written"
grep -q '^#' "$repo/.pilothouse/pilothouse.toml" || fail "config is not commented"
cd "$repo"

# Plan import: items with priorities; a second import adds nothing.
cat > "$work/PLAN.md" <<'PLAN'
# Review

## P0 — Critical

### 1. Worker hardcoded to read-only tools
The worker ignores the requested tools.
File: `worker.py`

### 2. Queue glob matches prefix collisions
Files: `queue.py`, `paths.py`

## P3 — Low

### 3. No scheduler documentation
Write it.
PLAN
"$P" import "$work/PLAN.md" | grep -q "3 added" || fail "plan import did not add 3 jobs"
"$P" import "$work/PLAN.md" | grep -q "0 added, 0 updated, 3 unchanged" || fail "second import changed something"
"$P" jobs ls --json | grep -q '"priority" : "P0"' || fail "priorities missing from jobs ls --json"
"$P" jobs ls --state queued --json | grep -c '"goal"' | grep -qx 3 || fail "expected 3 queued jobs"
echo "ok: plan import is idempotent"

# Two writers at once: 2 × 200 jobs, one valid chain.
( for i in $(seq 1 200); do "$P" enqueue "left $i" >/dev/null; done ) &
left=$!
( for i in $(seq 1 200); do "$P" enqueue "right $i" >/dev/null; done ) &
right=$!
wait $left || fail "left writer failed"
wait $right || fail "right writer failed"
count=$("$P" jobs ls --json | grep -c '"goal"')
[ "$count" -eq 403 ] || fail "expected 403 jobs, got $count"
"$P" beads verify | grep -q "OK: 403 beads" || fail "chain not OK after concurrent writers"
echo "ok: 400 jobs from two concurrent writers, chain verified"

# Tampering with the sqlite3 CLI is detected and names the bead.
db=.pilothouse/pilothouse.db
cp "$db" "$work/clean.db"
tamper() {
    cp "$work/clean.db" "$db"; rm -f "$db-wal" "$db-shm"
    sqlite3 "$db" "$1"
    if out=$("$P" beads verify 2>&1); then fail "$2 not detected"; fi
    echo "$out" | grep -q "bead $3: $2" || fail "$2: unexpected report: $out"
    echo "ok: $2 detected: $out"
}
tamper "UPDATE beads SET message = 'forged' WHERE seq = 10" edited 10
tamper "DELETE FROM beads WHERE seq = 10" deleted 11
tamper "UPDATE beads SET seq = -1 WHERE seq = 10; UPDATE beads SET seq = 10 WHERE seq = 11; UPDATE beads SET seq = 11 WHERE seq = -1" reordered 10
cp "$work/clean.db" "$db"; rm -f "$db-wal" "$db-shm"
"$P" beads verify >/dev/null || fail "clean copy does not verify"

# Bad database files: clear error, non-zero exit, file unchanged.
bad() {
    if out=$("$P" jobs ls 2>&1); then fail "$1 accepted"; fi
    echo "$out" | grep -q "^error: " || fail "$1: no clear error: $out"
    echo "ok: $1 refused: $out"
}
head -c 8192 /dev/urandom > "$db"; rm -f "$db-wal" "$db-shm"
before=$(sha256sum "$db"); bad garbage; [ "$before" = "$(sha256sum "$db")" ] || fail "garbage file changed"
cp "$work/clean.db" "$db"; chmod 444 "$db"
# A read-only file is refused for writing and read (unchanged) by commands that only read.
before=$(sha256sum "$db")
if out=$("$P" enqueue "x" 2>&1); then fail "read-only accepted for writing"; fi
echo "$out" | grep -q "is read-only" || fail "read-only: no clear error: $out"
"$P" jobs ls >/dev/null || fail "jobs ls refused a read-only database"
[ "$before" = "$(sha256sum "$db")" ] || fail "read-only file changed"
chmod 644 "$db"
cp "$work/clean.db" "$db"; sqlite3 "$db" "INSERT INTO grdb_migrations VALUES ('v999_future')"; rm -f "$db-wal" "$db-shm"
before=$(sha256sum "$db"); bad newer-schema; [ "$before" = "$(sha256sum "$db")" ] || fail "newer-schema file changed"

# Every command answers --help.
for cmd in "" console demo init enqueue import run approve reject status "jobs ls" "jobs show" "beads ls" "beads verify" \
    "beads checkpoint" "beads export" "quarantine ls" "quarantine show" "quarantine rm" rollback cost "cache validate" "cache purge" doctor bench; do
    "$P" $cmd --help >/dev/null || fail "pilothouse $cmd --help failed"
done
echo "foundation e2e: OK"
