#!/usr/bin/env bash
# `pilothouse bench --store` and `pilothouse doctor --store` against a private PostgreSQL 15
# server: a fleet's store with real work is never touched by a benchmark (not through --store,
# not through PILOTHOUSE_STORE_URL), scratch databases are dropped (also on Ctrl-C) or named
# when a killed benchmark left them, refusals say what to do without the password, and doctor
# reports reachability, schema and health without creating or migrating anything.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/postgres-server.sh
source "$here/lib/postgres-server.sh"
work="$(mktemp -d)"
trap 'postgres_stop; rm -rf "$work"' EXIT
postgres_start "$work"
port=$postgres_port
psql_as_pilothouse() { postgres_sql "$1" -At -v ON_ERROR_STOP=1 -c "$2"; }

psql_as_pilothouse postgres "CREATE DATABASE fleet"
url="postgres://pilothouse@127.0.0.1:$port/fleet"
repo="$work/repo"
git init -q "$repo"
git -C "$repo" commit -q --allow-empty -m "start"
"$P" init "$repo" >/dev/null
cd "$repo"
"$P" enqueue --store "$url" "real work of the fleet" >/dev/null
fleet_state() {
    echo "$("$P" jobs ls --store "$url" --json | python3 -c 'import json,sys; print(sorted((j["title"], j["state"], j["attempts"]) for j in json.load(sys.stdin)))') $("$P" beads verify --store "$url")"
}
before="$(fleet_state)"
scratch_count() { psql_as_pilothouse postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'pilothouse\_bench\_%'"; }

# PILOTHOUSE_STORE_URL names the fleet's real store: bench must not follow it (it would run the
# fleet's job in its throwaway repository).
PILOTHOUSE_STORE_URL="$url" "$P" bench --beads 5 --claims 5 --jobs 2 --swarm 2 >"$work/env.log" 2>&1 \
    || fail "bench with PILOTHOUSE_STORE_URL set failed: $(tail -5 "$work/env.log")"
grep -q "^store: sqlite" "$work/env.log" || fail "bench did not stay on SQLite: $(cat "$work/env.log")"
[ "$(fleet_state)" = "$before" ] || fail "bench changed the store of PILOTHOUSE_STORE_URL: $(fleet_state)"
echo "ok: bench ignores PILOTHOUSE_STORE_URL and leaves the fleet's store alone"

# bench --store: every measurement in a scratch database beside `fleet`, dropped at the end.
"$P" bench --store "postgres://pilothouse:not-a-real-secret@127.0.0.1:$port/fleet" --beads 20 --claims 30 \
    --claimers 3 --jobs 3 --swarm 2 --json >"$work/bench.json" 2>"$work/bench.err" \
    || fail "bench --store failed: $(tail -5 "$work/bench.err")"
python3 - "$work/bench.json" "$port" <<'PY' || fail "bench --json: $(cat "$work/bench.json")"
import json, re, sys
report = json.load(open(sys.argv[1]))
def keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            if key != "stage_mean_millis":
                yield from keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys(inner)
bad = [k for k in keys(report) if not re.fullmatch(r"[a-z][a-z0-9_]*", k)]
assert not bad, f"keys not snake_case: {bad}"
assert report["backend"] == "postgres", report
assert report["server"] == f"postgres://pilothouse@127.0.0.1:{sys.argv[2]}/fleet", report["server"]
assert len(report["load_average_before"]) == 3 and len(report["load_average_after"]) == 3
assert report["bead_appends"]["beads"] == 20 and report["bead_appends"]["per_second"] > 0
claims = report["claims"]
assert claims["jobs"] == 30 and claims["workers"] == 3 and claims["claims_per_second"] > 0, claims
pipeline = report["pipeline"]
assert pipeline["jobs"] == 3 and pipeline["merged"] == 3 and pipeline["jobs_per_second"] > 0, pipeline
assert "implement" in pipeline["stage_mean_millis"], pipeline
PY
if grep -q "not-a-real-secret" "$work/bench.json" "$work/bench.err"; then fail "bench printed the password"; fi
[ "$(fleet_state)" = "$before" ] || fail "bench --store changed the database it was given: $(fleet_state)"
[ "$(scratch_count)" -eq 0 ] || fail "bench left scratch databases: $(scratch_count)"
"$P" bench --store "$url" --beads 5 --claims 5 --claimers 2 --jobs 0 >"$work/text.log" \
    || fail "bench --store (text) failed"
grep -q "^claims: 5 jobs by 2 claimers" "$work/text.log" || fail "no claims line: $(cat "$work/text.log")"
grep -q "^load average" "$work/text.log" || fail "no load average: $(cat "$work/text.log")"
echo "ok: bench --store measured in scratch databases, dropped them, and left the named database alone"

# Refusals: a URL that is not PostgreSQL's, a closed port, a user who may not create databases.
if out=$("$P" bench --store "mysql://pilothouse:hunter2@127.0.0.1/fleet" 2>&1); then fail "a mysql URL was accepted"; fi
echo "$out" | grep -q "postgres://USER" || fail "bad URL: no clear message: $out"
for bad in "--claimers 0" "--claimers 65" "--claims -1" "--json --gateway"; do
    # shellcheck disable=SC2086
    if out=$("$P" bench $bad 2>&1); then fail "bench $bad was accepted"; fi
    echo "$out" | grep -q -- "${bad%% *}" || fail "bench $bad: the refusal does not name the option: $out"
done
if out=$("$P" bench --store "postgres://pilothouse:hunter2@127.0.0.1:1/fleet" --jobs 0 2>&1); then
    fail "bench on a closed port succeeded"
fi
echo "$out" | grep -q "start the server" || fail "closed port: no clear message: $out"
psql_as_pilothouse postgres "CREATE ROLE limited LOGIN NOCREATEDB"
if out=$("$P" bench --store "postgres://limited:hunter2@127.0.0.1:$port/fleet" --jobs 0 2>&1); then
    fail "bench without CREATEDB succeeded"
fi
echo "$out" | grep -q "ALTER ROLE limited CREATEDB" || fail "no CREATEDB: no grant named: $out"
if echo "$out" | grep -q hunter2; then fail "a refusal printed the password: $out"; fi
[ "$(fleet_state)" = "$before" ] || fail "a refused bench changed the fleet: $(fleet_state)"
echo "ok: bench refusals say what to do and show no password"

# Ctrl-C drops the scratch databases; SIGKILL leaves one, which the next benchmark names.
wait_for_scratch() {
    for _ in $(seq 1 300); do
        [ "$(scratch_count)" -gt 0 ] && return 0
        sleep 0.1
    done
    fail "no scratch database appeared within 30 s"
}
"$P" bench --store "$url" --beads 1000000 --claims 0 --jobs 0 >/dev/null 2>&1 &
bench=$!
wait_for_scratch
kill -INT "$bench"
code=0
wait "$bench" || code=$?
[ "$code" -eq 130 ] || fail "bench interrupted exited $code, expected 130"
[ "$(scratch_count)" -eq 0 ] || fail "Ctrl-C left a scratch database"
# In a subshell of its own, so that bash does not announce the kill.
( "$P" bench --store "$url" --beads 1000000 --claims 0 --jobs 0 >/dev/null & echo $! >"$work/bench.pid"; wait ) 2>/dev/null &
wait_for_scratch
kill -9 "$(cat "$work/bench.pid")"
wait
left=$(psql_as_pilothouse postgres "SELECT datname FROM pg_database WHERE datname LIKE 'pilothouse\_bench\_%'")
"$P" bench --store "$url" --beads 1 --claims 0 --jobs 0 >/dev/null 2>"$work/note.log" || fail "bench after a kill failed"
grep -q "note: 1 scratch database .*$left" "$work/note.log" || fail "the leftover was not named: $(cat "$work/note.log")"
psql_as_pilothouse postgres "DROP DATABASE $left"
echo "ok: Ctrl-C drops the scratch database; one left by kill -9 is named by the next benchmark"

# doctor --store: reachable, schema current, chain verified, lost engines and expired leases.
"$P" doctor --store "postgres://pilothouse:not-a-real-secret@127.0.0.1:$port/fleet" >"$work/doctor.txt" 2>&1 \
    || fail "doctor --store failed on a healthy store: $(cat "$work/doctor.txt")"
grep -q "^ok    store: postgres://pilothouse@127.0.0.1:$port/fleet reachable, schema current" "$work/doctor.txt" \
    || fail "doctor did not check the store: $(cat "$work/doctor.txt")"
grep -q "^ok    database: integrity ok, 1 beads verified" "$work/doctor.txt" || fail "no chain: $(cat "$work/doctor.txt")"
grep -q "^ok    leases: no job held" "$work/doctor.txt" || fail "no leases line: $(cat "$work/doctor.txt")"
if grep -q "not-a-real-secret" "$work/doctor.txt"; then fail "doctor printed the password"; fi
if out=$(cd "$work" && "$P" doctor --store "$url" 2>&1); then fail "doctor outside a repository passed: $out"; fi
echo "$out" | grep -q "^ok    store: postgres://pilothouse@127.0.0.1:$port/fleet reachable" \
    || fail "doctor outside a repository did not check the store: $out"
psql_as_pilothouse fleet "INSERT INTO engines VALUES ('engine-gone', 'elsewhere', 99, 'old', 0, 0, 60)"
psql_as_pilothouse fleet "UPDATE jobs SET state = 'running', lease_owner = 'engine-gone', lease_expires_at = 1"
out=$("$P" doctor --store "$url" 2>&1) || fail "warnings made doctor fail: $out"
echo "$out" | grep -q "^warn  engines: 1 of 1 lost: engine-gone (elsewhere pid 99" || fail "no lost engine: $out"
echo "$out" | grep -q "^warn  leases: 1 job held under an expired lease (engine-gone)" || fail "no lease: $out"

psql_as_pilothouse postgres "CREATE DATABASE empty"
out=$("$P" doctor --store "postgres://pilothouse@127.0.0.1:$port/empty" 2>&1) || fail "doctor failed on an empty database: $out"
echo "$out" | grep -q "^warn  database: .* is reachable and empty" || fail "empty: $out"
[ "$(psql_as_pilothouse empty "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" -eq 0 ] \
    || fail "doctor created tables in an empty database"
psql_as_pilothouse empty "CREATE TABLE invoices (id INT)"
if out=$("$P" doctor --store "postgres://pilothouse@127.0.0.1:$port/empty" 2>&1); then fail "foreign database passed: $out"; fi
echo "$out" | grep -q "^fail  database: .* holds tables of something else (invoices)" || fail "foreign: $out"
psql_as_pilothouse fleet "INSERT INTO pilothouse_migrations VALUES ('v99_future', 0)"
if out=$("$P" doctor --store "$url" 2>&1); then fail "a newer schema passed: $out"; fi
echo "$out" | grep -q "^fail  database: .*newer Pilothouse (schema v99_future)" || fail "newer: $out"
if out=$("$P" doctor --store "postgres://pilothouse:hunter2@127.0.0.1:1/fleet" 2>&1); then fail "closed port passed"; fi
echo "$out" | grep -q "^fail  database: .*start the server" || fail "closed port: $out"
if out=$("$P" doctor --store "postgres://pilothouse:hunter2@127.0.0.1:$port/nowhere" 2>&1); then fail "missing db passed"; fi
echo "$out" | grep -q "^fail  database: .*createdb" || fail "missing database: $out"
if out=$("$P" doctor --store "postgres://stranger:hunter2@127.0.0.1:$port/fleet" 2>&1); then fail "unknown user passed"; fi
echo "$out" | grep -q "^fail  database: .*check the user, password" || fail "unknown user: $out"
if echo "$out" | grep -q hunter2; then fail "doctor printed a password: $out"; fi
echo "ok: doctor --store checks reachability, login, database, schema, chain, engines and leases"
