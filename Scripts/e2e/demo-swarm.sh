#!/usr/bin/env bash
# End to end: `pilothouse demo --swarm` (issue #13, point 7). The generated repository has 300
# more defects, each shown by exactly one failing test; headless for a minute with auto-approve,
# the swarm merges fixes whose tests then pass on pilothouse/integration, and quarantines the
# CI-workflow items by policy.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
P="$(cd "$(dirname "$P")" && pwd)/$(basename "$P")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
demo="$work/swarm"
started=$SECONDS

# Prepared and imported without the console (a dumb terminal is refused after that).
TERM=dumb "$P" demo "$demo" --swarm >/dev/null 2>&1 && fail "the demo started on a dumb terminal"
queued=$("$P" jobs ls --json --repo "$demo" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$queued" -eq 305 ] || fail "expected 305 jobs (5 + 300), got $queued"
failures=$(cd "$demo" && python3 -B -m unittest 2>&1 | sed -n 's/^FAILED (failures=\([0-9]*\)).*/\1/p' || true)
[ "$failures" = 297 ] || fail "expected 297 failing tests (4 + 293 units), got '$failures'"
grep -q 'swarm_size = 24' "$demo/.pilothouse/pilothouse.toml" || fail "the swarm configuration is missing"
echo "ok: 305 jobs, 297 failing tests, swarm configuration ($((SECONDS - started)) s)"

# A minute of headless swarm: fixes merge, CI items are quarantined by policy.
timeout 75 "$P" run --repo "$demo" --auto-approve --json >"$work/run.jsonl" 2>"$work/run.err" || true
merged=$("$P" jobs ls --json --repo "$demo" | python3 -c 'import json,sys; print(sum(j["state"]=="merged" for j in json.load(sys.stdin)))')
[ "$merged" -ge 3 ] || fail "only $merged jobs merged in a minute"
"$P" quarantine ls --json --repo "$demo" | python3 -c '
import json, sys
records = json.load(sys.stdin)
assert any(r["reason"] == "policy_violation" for r in records), [r["reason"] for r in records]
' || fail "no CI-workflow item was quarantined by policy"
git -C "$demo" worktree add -q "$work/integration" pilothouse/integration
after=$(cd "$work/integration" && python3 -B -m unittest 2>&1 | sed -n 's/^FAILED (failures=\([0-9]*\)).*/\1/p' || true)
[ -n "$after" ] && [ "$after" -le $((297 - merged)) ] || fail "merging $merged fixes left $after failing tests"
echo "ok: $merged fixes merged in a minute ($after tests still failing on pilothouse/integration); policy quarantined a CI item"
echo "demo --swarm e2e passed in $((SECONDS - started)) s"
