#!/usr/bin/env bash
# End to end on PostgreSQL: a private PostgreSQL 15 server, two processes enqueueing into one
# database at once, an engine run that merges through it, and the store URL's password kept
# out of every message.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
# shellcheck source=lib/postgres-server.sh
source "$(cd "$(dirname "$0")" && pwd)/lib/postgres-server.sh"
psql_as_pilothouse postgres "CREATE DATABASE fleet"
url="postgres://pilothouse:not-a-real-secret@127.0.0.1:$port/fleet"

repo="$work/repo"
git init -q "$repo"
git -C "$repo" commit -q --allow-empty -m "start"
"$P" init "$repo" >/dev/null
cd "$repo"

# Two writers at once, from two processes: one chain in PostgreSQL, nothing in SQLite.
( for i in $(seq 1 40); do "$P" enqueue --store "$url" "left $i" >/dev/null; done ) &
left=$!
( for i in $(seq 1 40); do "$P" enqueue --store "$url" "right $i" >/dev/null; done ) &
right=$!
wait $left || fail "left writer failed"
wait $right || fail "right writer failed"
count=$("$P" jobs ls --store "$url" --json | grep -c '"goal"')
[ "$count" -eq 80 ] || fail "expected 80 jobs in PostgreSQL, got $count"
"$P" beads verify --store "$url" | grep -q "OK: 80 beads" || fail "chain not OK after concurrent writers"
sqlite_jobs=$("$P" jobs ls --json | grep -c '"goal"' || true)
[ "$sqlite_jobs" -eq 0 ] || fail "jobs went to the SQLite file too"
echo "ok: 80 jobs from two processes into one PostgreSQL chain"

# [store] url in the configuration: the engine runs every job through PostgreSQL; each ends
# merged, waiting for the operator where the simulated review scored it below the rule, or in
# needs_rebase where its patch conflicted with one merged before (as on SQLite).
# The configuration is usually committed: a password written there is refused, without
# echoing it; the password comes from PGPASSWORD (or ~/.pgpass) instead.
cp .pilothouse/pilothouse.toml "$work/pilothouse.toml.saved"
printf '\n[store]\nurl = "%s"\n' "$url" >> .pilothouse/pilothouse.toml
if out=$("$P" status 2>&1); then fail "a password in [store] url was accepted"; fi
echo "$out" | grep -q "PGPASSWORD" || fail "the refusal does not say where the password goes: $out"
if echo "$out" | grep -q "not-a-real-secret"; then fail "the refusal printed the password: $out"; fi
cp "$work/pilothouse.toml.saved" .pilothouse/pilothouse.toml
printf '\n[store]\nurl = "%s"\n' "postgres://pilothouse@127.0.0.1:$port/fleet" >> .pilothouse/pilothouse.toml
export PGPASSWORD=not-a-real-secret
echo "ok: a password in [store] url is refused without being shown; PGPASSWORD carries it"
"$P" run --until-idle --auto-approve --swarm 4 >"$work/run.log" 2>&1 || fail "run failed: $(tail -5 "$work/run.log")"
merged=$("$P" jobs ls --state merged --json | grep -c '"goal"' || true)
waiting=$("$P" jobs ls --state awaiting_approval --json | grep -c '"goal"' || true)
rebase=$("$P" jobs ls --state needs_rebase --json | grep -c '"goal"' || true)
[ "$merged" -gt 0 ] && [ $((merged + waiting + rebase)) -eq 80 ] \
    || fail "expected 80 jobs merged, waiting or to rebase, got $merged + $waiting + $rebase: $(tail -1 "$work/run.log")"
"$P" beads verify | grep -q "OK" || fail "chain not OK after the run"
echo "ok: an engine ran every job through the configured PostgreSQL store ($merged merged, $waiting waiting)"

# A server that is not there: one clear message with host and port, and no password.
if out=$("$P" status --store "postgres://pilothouse:hunter2@127.0.0.1:1/fleet" 2>&1); then
    fail "status on a closed port succeeded"
fi
echo "$out" | grep -q "127.0.0.1:1" || fail "the message does not say where: $out"
echo "$out" | grep -q "start the server" || fail "the message does not say what to do: $out"
if echo "$out" | grep -q "hunter2"; then fail "the password was printed: $out"; fi
if grep -rq "not-a-real-secret" "$work/run.log"; then fail "the password was printed in the run log"; fi
echo "ok: an unreachable server is named without its password"
