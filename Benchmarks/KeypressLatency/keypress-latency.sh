#!/usr/bin/env bash
# Keypress -> screen latency of the console with 10,000 jobs, measured through tmux (issue #13,
# point 9). Not a test: it prints numbers (Docs/PERFORMANCE.md) and asserts nothing.
#
# Usage: PILOTHOUSE=path/to/pilothouse Benchmarks/KeypressLatency/keypress-latency.sh [JOBS] [KEYS]
# Builds a repository with JOBS queued jobs (default 10,000), attaches the console to it
# read-only (so the jobs stay queued and every frame lists 10,000 of them) in a 200x60 tmux
# pane, and times COUNT keypresses (j/k) with keypress-latency.py.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
P="$(cd "$(dirname "$P")" && pwd)/$(basename "$P")"
jobs="${1:-10000}"
keys="${2:-200}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
socket="pilothouse-latency-$$"
cleanup() {
    tmux -L "$socket" kill-server >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

repo="$work/repo"
git init -q -b main "$repo"
echo "sample" >"$repo/README.md"
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@invalid commit -q -m init
"$P" init --repo "$repo" >/dev/null
printf '\n[limits]\nplan_items = %d\n' "$jobs" >>"$repo/.pilothouse/pilothouse.toml" 2>/dev/null || true
python3 -c "
import sys
print('# Plan\n')
for i in range(int(sys.argv[1])): print(f'- [ ] Improve the error handling of module {i}')
" "$jobs" >"$repo/PLAN.md"
if ! "$P" import "$repo/PLAN.md" --repo "$repo" >"$work/import.log" 2>&1; then
    # A binary without [limits] rejects the section: import without it.
    sed -i '/^\[limits\]/,$d' "$repo/.pilothouse/pilothouse.toml"
    "$P" import "$repo/PLAN.md" --repo "$repo" >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
fi
echo "$(tail -1 "$work/import.log")"

tmux -L "$socket" new-session -d -s bench -x 200 -y 60 \
    "env LANG=C.UTF-8 TERM=tmux-256color '$P' console --read-only --repo '$repo' 2>'$work/console.err'"
deadline=$((SECONDS + 60))
until tmux -L "$socket" capture-pane -p -t bench | grep -q "Jobs"; do
    [ $SECONDS -lt $deadline ] || { echo "the console did not draw within 60 s" >&2; cat "$work/console.err" >&2; exit 1; }
    sleep 0.2
done
sleep 2
python3 "$here/keypress-latency.py" "$socket" bench "$keys"
