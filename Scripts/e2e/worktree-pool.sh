#!/usr/bin/env bash
# Worktree pool under kill -9: merged jobs' worktrees are reused by the next jobs while the
# engine is killed at random moments; no job's tests ever see a file another job left (its
# edit, or the untracked and ignored files its tests wrote), and everything still merges.
#
# POOL_SEED=N reproduces the kill schedule of an earlier run.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
child=""
cleanup() {
    if [ -n "$child" ]; then kill -9 "$child" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
seed="${POOL_SEED:-$$}"
RANDOM=$seed
started=$SECONDS
repo="$work/repo"
git init -q -b main "$repo"
for i in $(seq -w 1 16); do echo "value = old$i" >"$repo/file$i.txt"; done
echo "/build/" >"$repo/.gitignore"
# The test runs in the job's worktree (named after the job): it fails if anything of another
# job is there, then leaves litter of its own for the next job to (not) find.
cat >"$repo/test.sh" <<'TEST'
#!/bin/sh
me="$(basename "$(pwd)")"
for f in litter-* build/litter-*; do
    [ -e "$f" ] || continue
    case "$f" in *"$me") ;; *) echo "LEAK: $f of another job in $me"; exit 1 ;; esac
done
changed="$(git status --porcelain --untracked-files=no | wc -l)"
[ "$changed" -le 1 ] || { echo "LEAK: $changed changed files in $me"; git status --porcelain; exit 1; }
echo "$me" >"litter-$me"
mkdir -p build && echo "$me" >"build/litter-$me"
echo "isolated"
TEST
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[jobs]
max_attempts = 20

[engine]
swarm_size = 3
poll_ms = 50

[approval]
min_score = 1

[test]
command = ["sh", "test.sh"]

[simulated]
latency_ms_p50 = 150
latency_ms_p99 = 300
TOML
cd "$repo"
db_query() { sqlite3 "$repo/.pilothouse/pilothouse.db" "$1"; }
for i in $(seq -w 1 16); do
    "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
done
kills=0
for round in $(seq 1 40); do
    "$P" run --until-idle --json --auto-approve --lease-seconds 2 >"$work/run-$round.log" 2>&1 &
    child=$!
    if [ $kills -lt 8 ]; then
        sleep "$(printf '0.%03d' $((200 + RANDOM % 800)))"
        if kill -0 "$child" 2>/dev/null; then
            kill -9 "$child"
            kills=$((kills + 1))
        fi
    fi
    wait "$child" 2>/dev/null || true
    child=""
    [ "$(db_query "SELECT COUNT(*) FROM jobs WHERE state NOT IN ('merged')")" -eq 0 ] && break
done
if grep -h "LEAK" "$work"/run-*.log | head -3 | grep .; then fail "a job saw another job's files (seed $seed)"; fi
states="$(db_query "SELECT state || ' ' || COUNT(*) FROM jobs GROUP BY state" | paste -sd, -)"
[ "$states" = "merged 16" ] || fail "not every job merged after $kills kills: $states (seed $seed)"
[ "$(ls .pilothouse/worktrees/.pool | wc -l)" -ge 1 ] || fail "no worktree was pooled"
"$P" beads verify | grep -q "^OK: " || fail "the bead chain does not verify"
echo "ok: 16 jobs merged through a pool of reused worktrees after $kills kills; no job saw another's files"
echo "worktree-pool e2e: OK ($((SECONDS - started)) s)"
