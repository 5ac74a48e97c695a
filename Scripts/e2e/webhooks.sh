#!/usr/bin/env bash
# Webhooks end to end: events go out through the store's outbox, signed. The receiver is down
# for the first deliveries and the engine is SIGKILLed with deliveries pending; after a
# restart, with the receiver up, every event is delivered at least once and the receiver (a
# separate Python program checking HMAC-SHA256 with hmac.compare_digest) saw no bad signature.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
child=""
receiver=""
cleanup() {
    if [ -n "$child" ]; then kill -9 "$child" 2>/dev/null || true; fi
    if [ -n "$receiver" ]; then kill "$receiver" 2>/dev/null || true; fi
    if [ -z "${WEBHOOKS_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
export PH_HOOK_SECRET="e2e-secret-$$-$RANDOM"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
received="$work/received.jsonl"
: >"$received"

repo="$work/repo"
git init -q -b main "$repo"
for i in 1 2 3 4 5 6; do echo "value = old$i" >"$repo/file$i.txt"; done
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m "initial"
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<TOML
[engine]
swarm_size = 2
poll_ms = 50

[simulated]
seed = 3
latency_ms_p50 = 2500
latency_ms_p99 = 4000

[[webhooks]]
url = "http://127.0.0.1:$port/hook"
events = ["approval_waiting", "quarantined", "budget_hold", "run_finished", "merged"]
secret_env = "PH_HOOK_SECRET"
TOML
cd "$repo"
db_query() { sqlite3 "$repo/.pilothouse/pilothouse.db" "$1"; }
for i in 1 2 3 4 5 6; do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done

# A missing secret variable stops the start, naming the config line.
if env -u PH_HOOK_SECRET "$P" run --until-idle >"$work/nosecret.log" 2>&1; then
    fail "a run without the secret variable started"
fi
grep -q "pilothouse.toml:1[0-9]" "$work/nosecret.log" && grep -q "PH_HOOK_SECRET" "$work/nosecret.log" \
    || fail "the missing secret was not named with its line: $(cat "$work/nosecret.log")"

# Receiver down: the engine runs until deliveries failed and some are still pending, then dies.
"$P" run --until-idle --json --auto-approve --lease-seconds 2 >"$work/run-1.log" 2>&1 &
child=$!
deadline=$((SECONDS + 60))
# (A refused connection fails at the request's deadline: the HTTP client retries connecting.)
until [ "$(db_query "SELECT COUNT(*) FROM outbox WHERE attempts > 0 AND delivered_at IS NULL")" -ge 1 ] \
    && [ "$(db_query "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")" -ge 2 ]; do
    [ $SECONDS -lt $deadline ] || fail "no failed delivery within 60 s: $(tail -5 "$work/run-1.log")"
    kill -0 "$child" 2>/dev/null || fail "the run ended before a delivery failed: $(tail -5 "$work/run-1.log")"
    sleep 0.1
done
# The failure shows in the gauges (the console's gauges pane; `webhooks_failing` here).
until grep -q '"webhooks_failing":[1-9]' "$work/run-1.log"; do
    [ $SECONDS -lt $deadline ] || fail "no webhooks_failing gauge: $(tail -5 "$work/run-1.log")"
    sleep 0.1
done
kill -9 "$child"
wait "$child" 2>/dev/null || true
child=""
pending="$(db_query "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")"
[ "$pending" -ge 2 ] || fail "expected deliveries pending at the kill, found $pending"
[ "$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'webhook_failed'")" -ge 1 ] \
    || fail "no webhook_failed bead for the failed deliveries"
[ -s "$received" ] && fail "the receiver was down, yet something was received"
echo "ok: SIGKILLed with $pending deliveries pending, receiver down"

# Receiver up, engine restarted: it finishes the work and delivers everything.
python3 "$here/lib/webhook-receiver.py" "$port" "$received" &
receiver=$!
for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
    sleep 0.1
done
# A forged request is refused: the receiver really checks.
code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-Pilothouse-Signature-256: sha256=00' \
    --data '{"event":"merged"}' "http://127.0.0.1:$port/hook")"
[ "$code" = 401 ] || fail "the receiver took a forged signature (HTTP $code)"
: >"$received"
sleep 2.2 # the dead run's leases lapse
timeout 120 "$P" run --until-idle --json --auto-approve --lease-seconds 2 >"$work/run-2.log" 2>&1 \
    || fail "the restarted run failed: $(tail -5 "$work/run-2.log")"

undelivered="$(db_query "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")"
[ "$undelivered" -eq 0 ] || fail "$undelivered deliveries still pending after the restart"
bad="$(grep -c '"good": false' "$received" || true)"
[ "$bad" -eq 0 ] || fail "$bad requests with a bad signature"
# Every event bead has its outbox row (written in the bead's transaction, kill or not)...
events="$(db_query "SELECT COUNT(*) FROM beads WHERE kind IN ('merged', 'quarantined', 'run_finished')
    OR (kind = 'state_changed' AND json_extract(metadata, '$.to') IN ('awaiting_approval', 'budget_hold'))")"
rows="$(db_query "SELECT COUNT(*) FROM outbox")"
[ "$events" -eq "$rows" ] || fail "$events event beads but $rows outbox rows"
[ "$(db_query "SELECT COUNT(*) FROM beads WHERE kind = 'merged'")" -ge 1 ] || fail "nothing merged"
# ...and every row reached the receiver, signed, with the id it keeps across retries.
for id in $(db_query "SELECT delivery_id FROM outbox"); do
    grep -q "\"delivery_id\": \"$id\"" "$received" || fail "delivery $id never reached the receiver"
done
python3 - "$received" <<'PY' || fail "a delivery's header and body disagree"
import json, sys
for line in open(sys.argv[1]):
    entry = json.loads(line)
    assert entry["delivery"] == entry["delivery_id"] and entry["header_event"] == entry["event"], entry
PY
"$P" beads verify >/dev/null || fail "the audit chain does not verify"
echo "ok: $rows events delivered at least once after the restart, $(wc -l <"$received") requests, no bad signature"
