#!/usr/bin/env bash
# Budgets that can be spent (issue 11): two engines share one repository, 40 jobs and a
# 30 USD day budget on a simulated model priced so that the 40 jobs need more than that. Spending reaches at least 90% of the budget
# before any job is held, the ledger never exceeds the budget, and a run stops with exit 3
# only when what is left cannot pay for the cheapest call it holds.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

repo="$work/repo"
git init -q -b main "$repo"
for i in $(seq -w 1 40); do echo "value = old$i" >"$repo/file$i.txt"; done
printf '#!/bin/sh\nfor f in file*.txt; do grep -q "^value = " "$f" || exit 1; done\n' >"$repo/test.sh"
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[test]
command = ["sh", "test.sh"]

[approval]
min_score = 6

[simulated]
latency_ms_p50 = 20
latency_ms_p99 = 60

[engine]
swarm_size = 8

[budget]
day_usd = 30

[pricing."simulated:sim-1"]
input_per_mtok = 600
output_per_mtok = 3000
TOML
cd "$repo"
for i in $(seq -w 1 40); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
db() { sqlite3 .pilothouse/pilothouse.db "$1"; }

start=$SECONDS
codes=()
for engine in a b; do
    "$P" run --until-idle --json --auto-approve >"$work/$engine.log" 2>"$work/$engine.err" &
    pids+=($!)
done
for pid in "${pids[@]}"; do
    code=0
    wait "$pid" || code=$?
    codes+=("$code")
done
pids=()
for code in "${codes[@]}"; do
    case "$code" in 0 | 1 | 3) ;; *) fail "a run exited $code: $(tail -n 3 "$work"/*.err)" ;; esac
done

spent=$(db "SELECT COALESCE(SUM(cost_micros), 0) FROM llm_calls")
[ "$spent" -le 30000000 ] || fail "spent $spent micro-USD of a 30 USD budget"
holds=$(db "SELECT COUNT(*) FROM beads WHERE message LIKE '%left; this call needs at least%'")
if [ "$holds" -gt 0 ]; then
    # "$2.41 left; this call needs at least $0.52 (…)": the first hold came after ≥ 90% spent.
    first=$(db "SELECT message FROM beads WHERE message LIKE '%left; this call needs at least%' ORDER BY seq LIMIT 1")
    left=$(sed -E 's/.*\$([0-9.]+) left;.*/\1/' <<<"$first")
    python3 -c "import sys; sys.exit(0 if float('$left') <= 3.0 else 1)" \
        || fail "a job was held with \$$left of \$30 left (less than 90% spent): $first"
    # No run stopped while what was left could pay for the cheapest held call.
    needs=$(db "SELECT message FROM beads WHERE message LIKE '%left; this call needs at least%'" \
        | sed -E 's/.*needs at least \$([0-9.]+).*/\1/' | sort -g | head -1)
    python3 -c "import sys; sys.exit(0 if 30 - $spent / 1e6 < float('$needs') else 1)" \
        || fail "runs stopped with \$$(python3 -c "print(round(30 - $spent / 1e6, 2))") left, enough for a \$$needs call"
else
    [ "${codes[0]}" -ne 3 ] && [ "${codes[1]}" -ne 3 ] || fail "a run exited 3 but no job was held"
fi
merged=$(db "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")
echo "ok: two engines, 40 jobs, \$30 day budget: spent \$$(python3 -c "print(f'{$spent / 1e6:.2f}')"), first hold at \$${left:-none} left, $merged merged, exits ${codes[*]}, $((SECONDS - start)) s"
"$P" beads verify >/dev/null || fail "beads verify failed"
