#!/usr/bin/env bash
# Merge queue end to end, against the real binary:
#  1. 20 jobs whose patches all touch the same file, auto-approved: every one merges without an
#     operator's touch, `git log pilothouse/integration` shows each job's merge commit, and the
#     repository's test passes at every one of them (each checked out and run).
#  2. Two patches that each pass their tests alone but fail together (one renames a function,
#     the other adds a call to the old name): the second is never merged onto the first, it goes
#     back with the test output as feedback, and the branch stays green.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
cleanup() { if [ -z "${QUEUE_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi; }
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
started=$SECONDS
commit_all() { git -C "$1" add -A && git -C "$1" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m "$2"; }
db() { sqlite3 .pilothouse/pilothouse.db "$1"; }

# Checks out every merge commit of pilothouse/integration in a scratch worktree and runs the
# repository's test there; fails naming the first commit where it does not pass.
tests_pass_at_every_merge() {
    local scratch="$work/check-$1" n=0
    for commit in $(git rev-list --merges pilothouse/integration); do
        git worktree add -q --detach "$scratch" "$commit"
        (cd "$scratch" && sh test.sh >/dev/null 2>&1) || fail "the test fails at merge commit $commit: $(cd "$scratch" && sh test.sh 2>&1 | tail -2)"
        git worktree remove --force "$scratch"
        n=$((n + 1))
    done
    echo "$n"
}

# ---------------------------------------------------------------------------------------------
# Case 1: 20 jobs, one file.
repo="$work/same-file"
git init -q -b main "$repo"
for i in $(seq -w 1 20); do
    printf 'value%s = old\n# section %s keeps values apart, so\n# git merges edits of neighbours\n# without a conflict\n' "$i" "$i"
done >"$repo/values.txt"
cat >"$repo/test.sh" <<'TEST'
#!/bin/sh
# Every value line is still there, exactly once, and holds old or new.
for i in $(seq -w 1 20); do
    [ "$(grep -c "^value$i = \(old\|new\)$" values.txt)" -eq 1 ] || { echo "FAIL value$i"; exit 1; }
done
echo "20 values ok"
TEST
commit_all "$repo" initial
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[jobs]
max_attempts = 6

[engine]
swarm_size = 4
poll_ms = 50

[approval]
min_score = 1

[test]
command = ["sh", "test.sh"]

[merge_queue]
batch_size = 4

[simulated]
latency_ms_p50 = 20
latency_ms_p99 = 60
TOML
cd "$repo"
for i in $(seq -w 1 20); do
    "$P" enqueue "Fix: replace \`value$i = old\` with \`value$i = new\` in values.txt" --files values.txt >/dev/null
done
code=0
timeout 300 "$P" run --until-idle --auto-approve --json >"$work/same-file.log" 2>&1 || code=$?
[ "$code" -eq 0 ] || fail "run exited $code: $(tail -3 "$work/same-file.log")"
states="$(db "SELECT state || ' ' || COUNT(*) FROM jobs GROUP BY state" | paste -sd, -)"
[ "$(db "SELECT COUNT(*) FROM jobs WHERE state = 'merged'")" -eq 20 ] || fail "not every job merged: $states"
git log --merges --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration | sed '/^$/d' | sort >"$work/git-merged"
db "SELECT id FROM jobs ORDER BY id" | sort >"$work/db-merged"
diff -u "$work/db-merged" "$work/git-merged" >/dev/null || fail "merge commits and jobs differ: $(diff "$work/db-merged" "$work/git-merged" | head -4)"
[ "$(db "SELECT COUNT(*) FROM merge_records")" -eq 20 ] || fail "expected 20 merge records"
[ "$(git show pilothouse/integration:values.txt | grep -c ' = new$')" -eq 20 ] || fail "not every value changed on the branch"
checked="$(tests_pass_at_every_merge same)"
[ "$checked" -eq 20 ] || fail "checked $checked merge commits, expected 20"
[ "$(db "SELECT COUNT(*) FROM beads WHERE kind = 'queue_entered'")" -ge 20 ] || fail "queue entries are not in the beads"
tested="$(db "SELECT COUNT(*) FROM beads WHERE kind = 'queue_testing'")"
"$P" beads verify | grep -q "^OK: " || fail "bead chain does not verify"
[ "$(git rev-parse HEAD)" = "$(git rev-parse main)" ] || fail "the operator's checkout moved"
sent="$(db "SELECT COUNT(*) FROM beads WHERE kind = 'queue_sent_back'")"
echo "ok: 20 jobs on one file all merged ($states); the test passes at each of the 20 merge commits; $tested candidate test beads, $sent sent back"

# ---------------------------------------------------------------------------------------------
# Case 2: each passes alone, together they fail.
repo="$work/together"
git init -q -b main "$repo"
printf 'greet() { echo hi; }\n' >"$repo/lib.sh"
printf '# no calls yet\n' >"$repo/calls.sh"
printf '#!/bin/sh\nset -e\n. ./lib.sh\n. ./calls.sh\necho "lib and calls agree"\n' >"$repo/test.sh"
commit_all "$repo" initial
"$P" init "$repo" >/dev/null
cat >"$repo/.pilothouse/pilothouse.toml" <<'TOML'
[jobs]
max_attempts = 2

[engine]
swarm_size = 2
poll_ms = 50

[approval]
min_score = 1

[test]
command = ["sh", "test.sh"]

[simulated]
latency_ms_p50 = 20
latency_ms_p99 = 40
TOML
cd "$repo"
rename="$("$P" enqueue "Fix: replace \`greet()\` with \`hello()\` in lib.sh" --files lib.sh --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
call="$("$P" enqueue "Fix: replace \`# no calls yet\` with \`greet\` in calls.sh" --files calls.sh --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
# Each alone passes: applied by hand on main in scratch checkouts.
alone() {
    git worktree add -q --detach "$work/alone" main
    sed -i "$1" "$work/alone/$2"
    (cd "$work/alone" && sh test.sh >/dev/null 2>&1) || fail "'$1' on $2 alone should pass"
    git worktree remove --force "$work/alone"
}
alone 's/greet()/hello()/' lib.sh
alone 's/# no calls yet/greet/' calls.sh
code=0
timeout 300 "$P" run --until-idle --auto-approve --json >"$work/together.log" 2>&1 || code=$?
merged="$(db "SELECT id FROM jobs WHERE state = 'merged'")"
[ "$(echo "$merged" | sed '/^$/d' | wc -l)" -eq 1 ] || fail "expected exactly one of the two merged: $(db "SELECT id || ' ' || state FROM jobs")"
other="$rename"
[ "$merged" = "$rename" ] && other="$call"
[ "$(db "SELECT state FROM jobs WHERE id = '$other'")" != merged ] || fail "both merged"
[ "$(git log --merges --format=%H pilothouse/integration | wc -l)" -eq 1 ] || fail "more than one merge on the branch"
git log --format='%(trailers:key=Pilothouse-Job,valueonly)' pilothouse/integration | grep -q "$other" \
    && fail "the second patch is on the branch"
back="$(db "SELECT message FROM beads WHERE job_id = '$other' AND kind = 'queue_sent_back' AND json_extract(metadata, '$.reason') = 'tests_failed'")"
[ -n "$back" ] || fail "the second job was not sent back for failing tests: $(db "SELECT kind || ': ' || message FROM beads WHERE job_id = '$other'" | tail -5)"
db "SELECT message FROM beads WHERE job_id = '$other' AND kind = 'state_changed'" | grep -q "merge queue: the tests failed" \
    || fail "the send-back is not in the job's history"
attempts="$(db "SELECT attempts FROM jobs WHERE id = '$other'")"
[ "$attempts" -ge 2 ] || fail "the send-back did not start a new attempt ($attempts)"
# The feedback the next implement saw holds the failing test output.
db "SELECT feedback FROM jobs WHERE id = '$other'" | grep -q "not found" || fail "the feedback lacks the test output"
checked="$(tests_pass_at_every_merge together)"
(cd "$work" && git -C "$repo" worktree add -q --detach "$work/tip" pilothouse/integration && cd "$work/tip" && sh test.sh >/dev/null) \
    || fail "the integration branch is red"
"$P" beads verify | grep -q "^OK: " || fail "bead chain does not verify"
echo "ok: of two patches that pass alone but fail together, $merged merged and $other went back ($back); the branch is green"

echo "merge-queue e2e: OK ($((SECONDS - started)) s)"
