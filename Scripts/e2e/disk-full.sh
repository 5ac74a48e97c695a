#!/usr/bin/env bash
# A full disk mid-run, for real: the repository and its .pilothouse/ live on a small tmpfs that
# is filled to the last byte while `run` works, then freed. Nothing may be lost: the run stops
# claiming, says "disk full", retries its writes, and finishes once space is back, with every
# model call in the ledger and the chain verifying. A disk that stays full past
# [engine] disk_full_wait_seconds ends the run with exit code 5, and a rerun finishes the work.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
[ "$(id -u)" -eq 0 ] || { echo "FAIL: disk-full.sh mounts a tmpfs and needs root (CI runs as root)" >&2; exit 1; }
work="$(mktemp -d)"
fs="$work/fs"
child=""
cleanup() {
    if [ -n "$child" ]; then kill -9 "$child" 2>/dev/null || true; fi
    cd /
    umount "$fs" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
mkdir -p "$fs"
mount -t tmpfs -o size=24m tmpfs "$fs"

db_query() { sqlite3 "$repo/.pilothouse/pilothouse.db" "$1"; }

setup() {
    repo="$fs/$1"
    git init -q -b main "$repo"
    for i in $(seq -w 1 "$2"); do echo "value = old$i" >"$repo/file$i.txt"; done
    printf '#!/bin/sh\nfor f in file*.txt; do grep -q "^value = " "$f" || exit 1; done\necho ok\n' >"$repo/test.sh"
    git -C "$repo" add -A
    git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
    "$P" init "$repo" >/dev/null
    cat >"$repo/.pilothouse/pilothouse.toml" <<TOML
[engine]
swarm_size = 3
poll_ms = 50
disk_full_wait_seconds = $3

[jobs]
max_attempts = 10

[approval]
min_score = 6

[test]
command = ["sh", "test.sh"]

[simulated]
seed = 3
latency_ms_p50 = 300
latency_ms_p99 = 600
TOML
    cd "$repo"
    for i in $(seq -w 1 "$2"); do
        "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
    done
}

fill() { dd if=/dev/zero of="$fs/filler" bs=64k status=none 2>/dev/null || true; }

# Every job terminal or waiting, the chain intact, every model call's bead matched by a ledger row.
check_intact() {
    local what="$1"
    stray="$(db_query "SELECT id || ' ' || state FROM jobs WHERE state NOT IN
        ('merged','failed','quarantined','rejected','cancelled','awaiting_approval')")"
    [ -z "$stray" ] || fail "$what: jobs not terminal: $stray"
    "$P" beads verify | grep -q "^OK: " || fail "$what: bead chain does not verify"
    calls="$(db_query "SELECT COUNT(*) FROM llm_calls")"
    [ "$calls" -gt 0 ] || fail "$what: no model call recorded"
    if grep -h "could not record" "$work"/*.log; then fail "$what: an outcome or a ledger row was dropped"; fi
    lost="$(db_query "SELECT COUNT(*) FROM quarantine WHERE message LIKE '%No space left%'")"
    [ "$lost" -eq 0 ] || fail "$what: $lost jobs quarantined because the disk was full"
    lost="$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'state_changed' AND message LIKE '%No space left%' AND json_extract(metadata, '$.to') = 'failed'")"
    [ "$lost" -eq 0 ] || fail "$what: $lost jobs failed because the disk was full"
}

# ---------------------------------------------------------------------------------------------
# Case 1: filled for 4 s mid-run, then freed.
setup repo 12 120
"$P" run --until-idle --json --auto-approve >"$work/full.log" 2>&1 &
child=$!
sleep 2
fill
[ "$(df --output=avail "$fs" | tail -1)" -lt 64 ] || fail "tmpfs not full"
saw=""
for _ in $(seq 1 80); do
    if grep -q "disk full" "$work/full.log"; then saw=1; break; fi
    sleep 0.1
done
[ -n "$saw" ] || fail "no 'disk full' notice while the disk was full: $(tail -n 3 "$work/full.log")"
sleep 2
rm -f "$fs/filler"
code=0
wait "$child" || code=$?
child=""
[ "$code" -eq 0 ] || [ "$code" -eq 1 ] || fail "run exited $code after the disk was freed: $(tail -n 3 "$work/full.log")"
grep -q "go through again" "$work/full.log" || fail "no notice that writes recovered"
check_intact "freed disk"
echo "ok: disk filled mid-run and freed: exit $code, $(db_query "SELECT COUNT(*) FROM jobs WHERE state='merged'") of 12 merged, $calls calls in the ledger, chain verified"

# ---------------------------------------------------------------------------------------------
# Case 2: the disk stays full past the patience: exit 5 with a clear line; a rerun finishes.
cd /
rm -rf "$repo"
setup stuck 6 2
"$P" run --until-idle --json --auto-approve >"$work/stuck.log" 2>&1 &
child=$!
sleep 1.5
fill
code=0
wait "$child" || code=$?
child=""
[ "$code" -eq 5 ] || fail "a disk full for good should end the run with 5, got $code: $(tail -n 3 "$work/stuck.log")"
grep -q "gave up writing" "$work/stuck.log" || fail "no notice that the run gave up: $(tail -n 3 "$work/stuck.log")"
rm -f "$fs/filler"
code=0
"$P" run --until-idle --json --auto-approve >"$work/rerun.log" 2>&1 || code=$?
# Jobs the stopped run still held come back when their lease expires (or at once when the
# dead owner is recognised); a second pass covers a lease that had not expired yet.
if [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running','merging')")" -gt 0 ]; then
    sleep 31
    code=0
    "$P" run --until-idle --json --auto-approve >"$work/rerun2.log" 2>&1 || code=$?
fi
[ "$code" -eq 0 ] || [ "$code" -eq 1 ] || fail "rerun exited $code"
# The give-up itself is the one permitted "could not record": it is what exit 5 reports.
rm -f "$work/stuck.log"
check_intact "after exit 5 and a rerun"
echo "ok: disk full for good: exit 5 with 'gave up'; a rerun after freeing space finished, chain verified"
