#!/usr/bin/env bash
# `pilothouse bench` runs its pipeline measurement to the end: every job merged, the chain
# verified, one line per measurement. (Its figures are not checked: they belong in
# Docs/PERFORMANCE.md, measured on a quiet machine.)
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$P" bench --beads 20 --jobs 6 --swarm 2 >"$work/out.txt" 2>&1 || fail "bench exited $?: $(tail -20 "$work/out.txt")"
grep -q "bead appends: 20 in" "$work/out.txt" || fail "no bead measurement: $(cat "$work/out.txt")"
grep -q "pipeline: 6 merged" "$work/out.txt" || fail "not every job merged: $(cat "$work/out.txt")"
grep -q "pipeline: beads verify OK .*; 6 merges on the integration branch" "$work/out.txt" || fail "the chain or the merges were not checked: $(cat "$work/out.txt")"
echo "bench-smoke: ok"
