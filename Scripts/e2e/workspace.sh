#!/usr/bin/env bash
# End to end: an operator's patch through the pipeline, secrets refused before they are
# stored, and `doctor`.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

repo="$work/repo"
git init -q "$repo"
printf 'def add(a, b):\n    return a - b\n' > "$repo/calc.py"
git -C "$repo" add . && git -C "$repo" commit -qm init
"$P" init "$repo" >/dev/null
cd "$repo"

# An operator's ready patch skips implement and still goes through check, review, test.
sed -i 's/a - b/a + b/' calc.py && git diff > "$work/fix.diff" && git checkout -q calc.py
"$P" enqueue --patch "$work/fix.diff" --title "operator fix" >/dev/null
"$P" run --until-idle --auto-approve --json > "$work/run.jsonl" || fail "run exited $?"
git show pilothouse/integration:calc.py | grep -q "return a + b" || fail "operator patch not merged"
"$P" beads ls | grep -q "operator_patch_applied" || fail "no bead for the operator patch"
[ -z "$(git status --porcelain --untracked-files=no)" ] || fail "the operator's checkout changed"
echo "ok: operator patch merged into pilothouse/integration; checkout untouched"

# A patch carrying a secret is refused before anything is stored.
key="AKIAIOSFODNN7EXAMPLE"
printf 'diff --git a/k.py b/k.py\nnew file mode 100644\n--- /dev/null\n+++ b/k.py\n@@ -0,0 +1 @@\n+key = "%s"\n' "$key" > "$work/secret.diff"
if out=$("$P" enqueue --patch "$work/secret.diff" 2>&1); then fail "secret patch accepted"; fi
echo "$out" | grep -q "looks like a secret" || fail "unclear refusal: $out"
echo "$out" | grep -q "$key" && fail "the refusal printed the secret"
if grep -rqa "$key" .pilothouse; then fail "the secret reached .pilothouse/"; fi
echo "ok: secret patch refused, nothing under .pilothouse/ holds it"

# Malformed and escaping patches are refused with the reason.
echo "not a diff" > "$work/bad.diff"
code=0
out=$("$P" enqueue --patch "$work/bad.diff" 2>&1) || code=$?
[ "$code" -eq 2 ] || fail "malformed patch: enqueue exited $code, expected 2: $out"
echo "$out" | grep -q "not a unified diff: line 1" || fail "malformed patch not explained: $out"
printf -- '--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n' > "$work/escape.diff"
code=0
out=$("$P" enqueue --patch "$work/escape.diff" 2>&1) || code=$?
[ "$code" -eq 2 ] || fail "escaping patch: enqueue exited $code, expected 2: $out"
echo "$out" | grep -q "'..'" || fail "escaping patch not refused: $out"
[ "$("$P" jobs ls --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 1 ] \
    || fail "a refused patch was enqueued anyway"
echo "ok: malformed and escaping patches refused"

# The optional generate_tests and update_docs stages run when turned on, edit the same
# worktree after implement, and the stored patch holds their edits too.
printf '\n[pipeline]\ngenerate_tests = true\nupdate_docs = true\n' >> .pilothouse/pilothouse.toml
"$P" enqueue "Tidy add" --files calc.py >/dev/null
"$P" run --until-idle --auto-approve --json > "$work/run2.jsonl" || fail "run with follow-up stages exited $?"
for stage in generate_tests update_docs; do
    grep -q "\"stage\":\"$stage\",\"status\":\"finished\"" "$work/run2.jsonl" || fail "$stage did not run"
done
echo "ok: generate_tests and update_docs ran"

# With push_remote set, each merge publishes the integration branch (a local bare remote).
git init -q --bare "$work/remote.git"
git remote add origin "$work/remote.git"
printf '\n[workspace]\npush_remote = "origin"\n' >> .pilothouse/pilothouse.toml
"$P" enqueue "Tidy add again" --files calc.py >/dev/null
"$P" run --until-idle --auto-approve --json > "$work/run3.jsonl" || fail "run with push exited $?"
[ "$(git -C "$work/remote.git" rev-parse pilothouse/integration)" = "$(git rev-parse pilothouse/integration)" ] \
    || fail "the integration branch was not pushed"
"$P" beads ls | grep -q "published.*pushed pilothouse/integration to origin" || fail "no bead for the push"
echo "ok: the integration branch was pushed after the merge"

"$P" doctor > "$work/doctor.txt" || fail "doctor failed: $(cat "$work/doctor.txt")"
grep -q "^ok    database: integrity ok" "$work/doctor.txt" || fail "doctor did not check the database"
echo "workspace e2e: OK"
