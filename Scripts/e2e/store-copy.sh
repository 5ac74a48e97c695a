#!/usr/bin/env bash
# `pilothouse store copy`: a store run on SQLite moves to PostgreSQL and back with its chain
# intact (`beads verify` on the copy reaches the same head, `jobs ls` lists the same jobs), a
# non-empty target and a live engine are refused with nothing written, `--json` keeps its
# keys, and the password of the URL is never printed.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
P="$(cd "$(dirname "$P")" && pwd)/$(basename "$P")"
. "$(dirname "$0")/lib/postgres-server.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
work="$(mktemp -d)"
engine_pid=""
stop() {
    [ -n "$engine_pid" ] && kill -9 "$engine_pid" 2>/dev/null || true
    postgres_stop
    rm -rf "$work"
}
trap stop EXIT
postgres_start "$work"
port=$postgres_port
for db in fleet other big; do postgres_sql postgres -c "CREATE DATABASE $db"; done
secret="copy-e2e-secret-$$"
url="postgres://pilothouse:$secret@127.0.0.1:$port/fleet"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
no_secret() { if grep -q "$secret" "$@"; then fail "the password was printed: $(grep -h "$secret" "$@" | head -3)"; fi; }

# A small swarm run on the embedded SQLite store: jobs merged, patches, ledger, cache, beads.
repo="$work/repo"
git init -q -b main "$repo"
for i in 1 2 3 4; do echo "value = old$i" >"$repo/file$i.txt"; done
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -qm initial
"$P" init "$repo" >/dev/null
cd "$repo"
for i in 1 2 3 4; do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
"$P" enqueue $'odd \e[31mtitle\e[0m "quoted" \\ 漢字 🚀' >/dev/null
"$P" run --until-idle --auto-approve --swarm 2 >"$work/run.log" 2>&1 || fail "run failed: $(tail -5 "$work/run.log")"
"$P" beads verify >"$work/verify-sqlite.txt" || fail "the SQLite chain does not verify"
head=$("$P" beads checkpoint --json | json 'd["checkpoint"]')
"$P" jobs ls --json >"$work/jobs-sqlite.json"
echo "ok: a swarm ran on SQLite ($(cat "$work/verify-sqlite.txt"))"

# A live engine on the source: refused, nothing written.
"$P" engine >"$work/engine.log" 2>&1 &
engine_pid=$!
deadline=$((SECONDS + 60))
until [ "$("$P" engines --json | json 'len(d)')" -gt 0 ]; do
    [ $SECONDS -lt $deadline ] || fail "the engine did not register within 60 s: $(tail -3 "$work/engine.log")"
    sleep 0.2
done
if "$P" store copy --to "$url" >"$work/live.out" 2>"$work/live.err"; then fail "a copy ran beside a live engine"; fi
grep -q "Stop every engine" "$work/live.err" || fail "the refusal does not say what to do: $(cat "$work/live.err")"
kill -INT "$engine_pid"
wait "$engine_pid" || fail "the engine did not stop cleanly: $(tail -3 "$work/engine.log")"
engine_pid=""
"$P" beads verify --store "$url" | grep -q "OK: 0 beads" || fail "the refused copy wrote beads"
[ "$("$P" jobs ls --store "$url" --json | json 'len(d)')" -eq 0 ] || fail "the refused copy wrote jobs"
echo "ok: a copy beside a live engine is refused and writes nothing"
# The engine's start and stop are beads too: the head moved.
head=$("$P" beads checkpoint --json | json 'd["checkpoint"]')
"$P" jobs ls --json >"$work/jobs-sqlite.json"

# SQLite -> PostgreSQL: progress per table on stderr, the same chain head and jobs.
"$P" store copy --to "$url" >"$work/to-pg.out" 2>"$work/to-pg.err" || fail "copy to PostgreSQL failed: $(cat "$work/to-pg.err")"
grep -q "  beads: " "$work/to-pg.err" || fail "no progress per table on stderr: $(cat "$work/to-pg.err")"
grep -q "copied .* rows" "$work/to-pg.out" || fail "no summary: $(cat "$work/to-pg.out")"
"$P" beads verify --store "$url" | grep -q "^OK" || fail "the chain of the PostgreSQL copy does not verify"
[ "$("$P" beads checkpoint --store "$url" --json | json 'd["checkpoint"]')" = "$head" ] \
    || fail "the PostgreSQL copy's head is not the source's $head"
"$P" beads verify --store "$url" --checkpoint "$head" | grep -q "extends checkpoint" || fail "the copy does not extend $head"
"$P" jobs ls --store "$url" --json >"$work/jobs-pg.json"
cmp -s "$work/jobs-sqlite.json" "$work/jobs-pg.json" || fail "jobs ls differs on the copy: $(diff "$work/jobs-sqlite.json" "$work/jobs-pg.json" | head -5)"
no_secret "$work/to-pg.out" "$work/to-pg.err" "$work/live.out" "$work/live.err"
echo "ok: copied to PostgreSQL; beads verify reaches the same head $head"

# Again into the same database: refused (exit 2), nothing written.
if "$P" store copy --to "$url" >"$work/again.out" 2>"$work/again.err"; then fail "a copy into a non-empty database ran"; fi
grep -q "already holds data" "$work/again.err" || fail "the refusal does not say why: $(cat "$work/again.err")"
no_secret "$work/again.out" "$work/again.err"
[ "$("$P" beads checkpoint --store "$url" --json | json 'd["checkpoint"]')" = "$head" ] || fail "the refused copy changed the target"
echo "ok: a copy into a database that holds data is refused"

# PostgreSQL -> a new SQLite file, --json; then -> the empty store of a freshly initialised repository.
"$P" store copy --from "$url" --to "sqlite:$work/back.db" --json >"$work/back.json" 2>"$work/back.err" \
    || fail "copy back failed: $(cat "$work/back.err")"
keys=$(json '",".join(sorted(d.keys()))' <"$work/back.json")
[ "$keys" = "beads,elapsed_ms,from,head_hash,rows,tables,to" ] || fail "unexpected --json keys: $keys"
[ "$(json 'd["beads"]' <"$work/back.json"):$(json 'd["head_hash"]' <"$work/back.json")" = "$head" ] \
    || fail "the --json head is not $head: $(cat "$work/back.json")"
[ "$(json '",".join(sorted(d["tables"][0].keys()))' <"$work/back.json")" = "name,rows" ] || fail "unexpected table keys"
no_secret "$work/back.json" "$work/back.err"
repo2="$work/repo2"
git init -q -b main "$repo2"
"$P" init "$repo2" >/dev/null
"$P" store copy --from "$work/back.db" --to "$repo2/.pilothouse/pilothouse.db" >/dev/null 2>&1 \
    || fail "copy into the empty store of a new repository failed"
cd "$repo2"
"$P" beads verify | grep -q "^OK" || fail "the chain of the SQLite copy does not verify"
[ "$("$P" beads checkpoint --json | json 'd["checkpoint"]')" = "$head" ] || fail "the SQLite copy's head is not $head"
"$P" jobs ls --json >"$work/jobs-back.json"
cmp -s "$work/jobs-sqlite.json" "$work/jobs-back.json" || fail "jobs ls differs after the round trip"
echo "ok: back to SQLite through PostgreSQL; same head, same jobs"

# A source whose chain was edited behind Pilothouse's back: refused, and the new file the copy
# would have written is not left behind.
other="postgres://pilothouse@127.0.0.1:$port/other"
"$P" store copy --from "$url" --to "$other" >/dev/null 2>&1 || fail "copy into a second database failed"
postgres_sql other -c "UPDATE beads SET message = 'rewritten' WHERE seq = 2"
if "$P" store copy --from "$other" --to "$work/never.db" >/dev/null 2>"$work/never.err"; then
    fail "a tampered chain was copied"
fi
grep -q "does not verify: bead 2: edited" "$work/never.err" || fail "the refusal does not name the bead: $(cat "$work/never.err")"
[ ! -e "$work/never.db" ] || fail "the refused copy left $work/never.db behind"
# Two copies racing for one new file: exactly one wins, the other is refused, and the file
# holds one whole copy.
"$P" store copy --from "$url" --to "$work/race.db" >/dev/null 2>"$work/race1.err" &
first=$!
"$P" store copy --from "$url" --to "$work/race.db" >/dev/null 2>"$work/race2.err" &
second=$!
ok=0
wait $first && ok=$((ok + 1)) || true
wait $second && ok=$((ok + 1)) || true
[ "$ok" -eq 1 ] || fail "$ok of two racing copies into one new file succeeded: $(cat "$work/race1.err" "$work/race2.err")"
grep -hq "appeared while copying\|already holds data" "$work/race1.err" "$work/race2.err" \
    || fail "the losing copy does not say why: $(cat "$work/race1.err" "$work/race2.err")"
[ "$("$P" store copy --from "$work/race.db" --to "$work/race-check.db" --json 2>/dev/null | json 'str(d["beads"]) + ":" + d["head_hash"]')" = "$head" ] \
    || fail "the file two copies raced for does not hold the chain $head"
if ls "$work"/race.db.partial-* >/dev/null 2>&1; then fail "a racing copy left its partial file"; fi
if "$P" store copy --from "$repo/.pilothouse/pilothouse.db" --to "$repo/.pilothouse/pilothouse.db" 2>"$work/same.err"; then
    fail "a store was copied into itself"
fi
grep -q "both the source and the target" "$work/same.err" || fail "copying a store into itself: $(cat "$work/same.err")"
if "$P" store copy --from "$url" --to "mysql://x@y/z" 2>"$work/scheme.err"; then fail "an unknown scheme was accepted"; fi
grep -q "postgres:// URL or the path of a SQLite file" "$work/scheme.err" || fail "unknown scheme: $(cat "$work/scheme.err")"
echo "ok: refusals are named and leave nothing behind"
# kill -9 in the middle of a large copy: the target holds nothing (PostgreSQL rolls the open
# transaction back when the client dies; a new SQLite file appears at its path only once complete).
big="$work/big.db"
sqlite3 "$repo/.pilothouse/pilothouse.db" ".backup $big"
sqlite3 "$big" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
    INSERT INTO llm_calls (provider, model, outcome, tokens_in, created_at) SELECT 'sim', 'bulk', 'ok', i, i FROM n"
for target in "postgres://pilothouse@127.0.0.1:$port/big" "$work/big-copy.db"; do
    "$P" store copy --from "$big" --to "$target" >/dev/null 2>"$work/big.err" &
    copy_pid=$!
    deadline=$((SECONDS + 120))
    until grep -q "llm_calls: .* of 300" "$work/big.err"; do
        kill -0 "$copy_pid" 2>/dev/null || fail "the large copy ended before it could be killed: $(cat "$work/big.err")"
        [ $SECONDS -lt $deadline ] || fail "no progress on the large copy within 120 s: $(cat "$work/big.err")"
        sleep 0.1
    done
    kill -9 "$copy_pid"
    wait "$copy_pid" 2>/dev/null || true
    if [ "${target#postgres://}" != "$target" ]; then
        sleep 1 # the server notices the dead client and rolls back
        counts=$(postgres_sql big -t -A -c "SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM beads) + (SELECT count(*) FROM llm_calls)")
        [ "$counts" = "0" ] || fail "a copy killed midway left $counts rows in $target"
    else
        # A new file appears only once complete: the killed copy left none at the path.
        [ ! -e "$target" ] || fail "a copy killed midway left $target behind"
        rm -f "$target".partial-*
    fi
    # And the emptied target takes a whole copy afterwards.
    "$P" store copy --from "$repo/.pilothouse/pilothouse.db" --to "$target" >/dev/null 2>"$work/after-kill.err" \
        || fail "the target refused a copy after a killed one: $(cat "$work/after-kill.err")"
done
no_secret "$work/big.err"
echo "ok: kill -9 in the middle of a copy leaves the target empty (PostgreSQL and SQLite)"
echo "store-copy: all ok"
