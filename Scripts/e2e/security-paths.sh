#!/usr/bin/env bash
# Issue #10, points 1, 3, 21 and 22 against the real binary: files shown to a model never come
# from outside the repository; an author's email does not block a patch but a credential does;
# oversized inputs are refused quickly, naming the limit; a NUL in the config is refused with
# file:line.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d /tmp/pilothouse-e2e-security-paths.XXXXXX)"
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Something only a leak could bring into .pilothouse/ (and a real /etc/passwd line too).
secret_line="root:x:0:0:E2E-OUTSIDE-SECRET-7f3a:/root:/bin/bash"
mkdir -p "$work/outside"
printf '%s\n' "$secret_line" >"$work/outside/passwd"

fast='[simulated]
latency_ms_p50 = 0
latency_ms_p99 = 0

[test]
command = ["true"]'

# A fresh repository with the given configuration; leaves the shell in it.
setup() {
    repo="$work/$1"
    git init -q -b main "$repo"
    echo "hello" >"$repo/README.md"
    ln -s /etc/passwd "$repo/pw"
    ln -s "$work/outside" "$repo/conf"
    git -C "$repo" add -A
    git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
    "$P" init "$repo" >/dev/null
    printf '%s\n%s\n' "$fast" "${2:-}" >"$repo/.pilothouse/pilothouse.toml"
    cd "$repo"
}

# No byte of the outside files anywhere under .pilothouse/ (database, WAL, transcripts…).
no_leak() {
    local passwd_root
    passwd_root="$(head -n 1 /etc/passwd)"
    if grep -r -a -F -q -e "$secret_line" -e "$passwd_root" .pilothouse/; then
        fail "$1: content from outside the repository reached .pilothouse/: $(grep -r -a -l -F -e "$secret_line" -e "$passwd_root" .pilothouse/)"
    fi
}

quarantined_as() {
    sqlite3 .pilothouse/pilothouse.db "SELECT reason FROM quarantine WHERE job_id = '$1'"
}

run_idle() {
    local code=0
    "$P" run --until-idle --json --auto-approve >"$work/$1.log" 2>"$work/$1.err" || code=$?
    [ "$code" -eq "$2" ] || fail "$1: run exited $code, expected $2: $(tail -n 3 "$work/$1.err" "$work/$1.log")"
}

# 1. A committed symlink to /etc/passwd named with --files.
setup links
job="$("$P" enqueue "fix" --files pw --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
run_idle links 1
[ "$(quarantined_as "$job")" = "path_escape" ] || fail "pw: job not quarantined path_escape: $(quarantined_as "$job")"
no_leak "--files pw"
echo "ok: --files pw (-> /etc/passwd) quarantined path_escape, nothing of /etc/passwd stored"

# 1b. A plan's File: line through a symlinked folder.
cat >plan.md <<'EOF'
# Improvements

## 1. Tidy the configuration (P1)
File: conf/passwd
Make the configuration easier to read.
EOF
"$P" import plan.md >/dev/null
plan_job="$(sqlite3 .pilothouse/pilothouse.db "SELECT id FROM jobs WHERE files_hint LIKE '%passwd%' AND goal LIKE 'File: conf%'")"
[ -n "$plan_job" ] || fail "the plan item was not imported with its File: line"
run_idle plan 1
[ "$(quarantined_as "$plan_job")" = "path_escape" ] || fail "File: conf/passwd not quarantined path_escape"
no_leak "File: conf/passwd"
echo "ok: a plan File: through a symlinked folder quarantined path_escape, nothing leaked"

# 3. An upstream-style patch naming its author is not blocked; an AWS key is.
setup policy
cat >authors.diff <<'EOF'
--- /dev/null
+++ b/MAINTAINERS
@@ -0,0 +1 @@
+Jane Doe <jane.doe@gmail.com>
EOF
author_job="$("$P" enqueue --patch authors.diff --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
cat >aws.diff <<'EOF'
--- /dev/null
+++ b/settings.py
@@ -0,0 +1 @@
+AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
EOF
code=0
"$P" enqueue --patch aws.diff >"$work/aws.out" 2>&1 || code=$?
[ "$code" -ne 0 ] || fail "a patch adding an AWS key was queued"
grep -q "aws_access_key" "$work/aws.out" || fail "the refusal does not name the secret's kind: $(cat "$work/aws.out")"
run_idle policy 0
state="$(sqlite3 .pilothouse/pilothouse.db "SELECT state FROM jobs WHERE id = '$author_job'")"
[ "$state" = "merged" ] || fail "the authors patch ended $state, expected merged: $(quarantined_as "$author_job")"
git show pilothouse/integration:MAINTAINERS | grep -q "jane.doe@gmail.com" || fail "the merged file lost its author"
echo "ok: an author's email merges; an AWS key is refused at enqueue, naming aws_access_key"

# 21. An oversized patch is refused at once with the limit's name; raising it lets it through
# to the next check.
python3 - <<'EOF'
with open("huge.diff", "w") as f:
    f.write("--- /dev/null\n+++ b/huge.txt\n@@ -0,0 +1,200000 @@\n")
    for i in range(200000):
        f.write("+line %06d of a very large generated file, padded to be long enough\n" % i)
EOF
start=$(date +%s%N)
code=0
"$P" enqueue --patch huge.diff >"$work/huge.out" 2>&1 || code=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$code" -ne 0 ] || fail "a $(stat -c %s huge.diff)-byte patch was queued"
grep -q "\[limits\] patch_bytes" "$work/huge.out" || fail "the refusal does not name [limits] patch_bytes: $(cat "$work/huge.out")"
[ "$elapsed_ms" -lt 5000 ] || fail "refusing the oversized patch took ${elapsed_ms} ms"
[ "$(sqlite3 .pilothouse/pilothouse.db "SELECT COUNT(*) FROM jobs WHERE goal LIKE '%huge.diff%'")" -eq 0 ] ||
    fail "the refused patch left a job"
echo "ok: a $(stat -c %s huge.diff)-byte patch refused in ${elapsed_ms} ms naming [limits] patch_bytes"

printf '%s\n[limits]\nplan_items = 2\n' "$fast" >.pilothouse/pilothouse.toml
printf '# Plan\n\n- [ ] P1 one thing to do\n- [ ] P1 another thing\n- [ ] P2 a third thing\n' >three.md
code=0
"$P" import three.md >"$work/items.out" 2>&1 || code=$?
[ "$code" -ne 0 ] || fail "a plan with more items than [limits] plan_items was imported"
grep -q "\[limits\] plan_items" "$work/items.out" || fail "no plan_items message: $(cat "$work/items.out")"
echo "ok: a plan over [limits] plan_items is refused, naming the limit"

# 22. A NUL in the config is refused with file:line, not silently cut.
printf '[jobs]\nmax_attempts = 3\n\0\n[bogus]\n' >.pilothouse/pilothouse.toml
code=0
"$P" run --until-idle >"$work/nul.out" 2>&1 || code=$?
[ "$code" -eq 2 ] || fail "a config with a NUL gave exit $code, expected 2: $(cat "$work/nul.out")"
grep -q "pilothouse.toml:3:1: .*NUL" "$work/nul.out" || fail "the NUL is not reported with file:line: $(cat "$work/nul.out")"
echo "ok: a NUL in the config is refused with file:line (exit 2)"

echo "security-paths: all checks passed"
