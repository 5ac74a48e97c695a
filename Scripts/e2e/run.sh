#!/usr/bin/env bash
# `pilothouse run` end to end: every exit code of the table, for real, and the JSON-lines
# output. 0 all done, 1 some job failed or was quarantined, 2 usage or configuration error,
# 3 stopped by budget, 130 interrupted (and a restart then completes the work).
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
# wait_for_line SECONDS TEXT FILE: waits until FILE holds TEXT; fails when the time is up.
wait_for_line() {
    local deadline=$((SECONDS + $1))
    until grep -qF -- "$2" "$3" 2>/dev/null; do
        [ $SECONDS -lt "$deadline" ] || fail "timed out after $1 s waiting for $2 in $3"
        sleep 0.05
    done
}

# A fresh repository with `files` files, a real test command, the given configuration and
# one job per file; leaves the shell in it.
setup() {
    local name="$1" files="$2" config="$3"
    repo="$work/$name"
    git init -q -b main "$repo"
    for i in $(seq -w 1 "$files"); do echo "value = old$i" >"$repo/file$i.txt"; done
    printf '#!/bin/sh\nfor f in file*.txt; do grep -q "^value = " "$f" || exit 1; done\necho ok\n' >"$repo/test.sh"
    git -C "$repo" add -A
    git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
    "$P" init "$repo" >/dev/null
    printf '[test]\ncommand = ["sh", "test.sh"]\n\n%s\n' "$config" >"$repo/.pilothouse/pilothouse.toml"
    cd "$repo"
    for i in $(seq -w 1 "$files"); do
        "$P" enqueue "Fix: replace \`old$i\` with \`new$i\` in file$i.txt" --files "file$i.txt" >/dev/null
    done
}

# Runs `pilothouse run --until-idle --json ARGS…`, checks the exit code and that the output
# is JSON lines ending in run_finished with that code.
expect_run() {
    local want="$1" log="$2"
    shift 2
    local code=0
    "$P" run --until-idle --json "$@" >"$log" 2>"$log.err" || code=$?
    [ "$code" -eq "$want" ] || fail "run $* exited $code, expected $want: $(tail -n 3 "$log.err" "$log")"
    check_json "$log" "$want"
}

check_json() {
    local log="$1" want="$2"
    python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$log" || fail "$log is not JSON lines"
    python3 - "$log" "$want" <<'PY' || fail "$log does not end with run_finished exit_code $want"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
last = lines[-1]
assert lines[0]["event"] == "snapshot", lines[0]
assert last["event"] == "run_finished" and last["exit_code"] == int(sys.argv[2]), last
assert sum(1 for l in lines if l["event"] == "run_finished") == 1
PY
}

count() { sqlite3 .pilothouse/pilothouse.db "SELECT COUNT(*) FROM jobs WHERE state = '$1'"; }

# The simulated reviewer scores 6–9 (random per prompt); 6 lets every patch through.
fast='[approval]
min_score = 6

[simulated]
latency_ms_p50 = 0
latency_ms_p99 = 0'

# 0: everything merged.
setup ok 3 "$fast"
expect_run 0 "$work/ok.log" --auto-approve
[ "$(count merged)" -eq 3 ] || fail "exit 0 but only $(count merged) of 3 merged"
echo "ok: exit 0, 3 of 3 merged"

# 1: a policy violation quarantines a job.
setup policy 2 "$fast
[policy]
forbidden_globs = [\"file1.txt\"]"
expect_run 1 "$work/policy.log" --auto-approve
[ "$(count quarantined)" -eq 1 ] || fail "forbidden glob did not quarantine exactly one job"
[ "$(count merged)" -eq 1 ] || fail "the other job did not merge"
grep -q '"event":"quarantine_added"' "$work/policy.log" || fail "no quarantine_added event"
echo "ok: exit 1, forbidden glob quarantined 1 job, the other merged"

# 1: a model that only ever answers garbage: the job fails or is quarantined.
setup malformed 1 "$fast
rate_malformed = 1.0"
expect_run 1 "$work/malformed.log" --auto-approve
[ "$(count merged)" -eq 0 ] || fail "a job merged on malformed model output"
echo "ok: exit 1 with malformed model output ($(count failed) failed, $(count quarantined) quarantined)"

# 2: configuration errors name file and line; bad flags are usage errors.
setup config 1 "$fast"
printf '[test]\ncommand = ["sh", "test.sh"]\n\n[jobs]\nmax_attempts = 0\n' >.pilothouse/pilothouse.toml
code=0
"$P" run --until-idle --json >"$work/config.log" 2>&1 || code=$?
[ "$code" -eq 2 ] || fail "bad config exited $code"
grep -q "pilothouse.toml:5:" "$work/config.log" || fail "config error does not name file:line: $(cat "$work/config.log")"
[ "$(count queued)" -eq 1 ] || fail "a bad configuration touched a job"
printf '[[pipeline.stages]]\nname = "a"\ndepends_on = ["b"]\n[[pipeline.stages]]\nname = "b"\ndepends_on = ["a"]\n' \
    >.pilothouse/pilothouse.toml
code=0
"$P" run --until-idle >"$work/cycle.log" 2>&1 || code=$?
[ "$code" -eq 2 ] || fail "cyclic pipeline exited $code"
grep -q "pilothouse.toml:[0-9]*:" "$work/cycle.log" || fail "cycle error has no file:line: $(cat "$work/cycle.log")"
: >.pilothouse/pilothouse.toml
for flags in "--swarm 0" "--budget lots" "--inject-failures 2" "--lease-seconds 1" "--no-such-flag"; do
    code=0
    # shellcheck disable=SC2086
    "$P" run --until-idle $flags >"$work/flag.log" 2>&1 || code=$?
    [ "$code" -eq 2 ] || fail "run $flags exited $code, expected 2"
done
echo "ok: exit 2 for a bad config ($(head -1 "$work/config.log" | sed "s|$work/||")), a cycle and bad flags"

# 3: a priced model and a tiny run budget.
setup budget 2 "$fast
[pricing.\"simulated:sim-1\"]
input_per_mtok = 1000
output_per_mtok = 1000"
expect_run 3 "$work/budget.log" --auto-approve --budget 0.000001
[ "$(count merged)" -eq 0 ] || fail "a job merged past the budget"
[ "$(count budget_hold)" -ge 1 ] || fail "no job on budget hold"
echo "ok: exit 3, budget stop ($(count budget_hold) jobs on budget hold)"

# 130: SIGINT mid-run stops claiming, lets running stages finish, persists; a restart finishes.
setup interrupt 6 '[engine]
swarm_size = 2

[approval]
min_score = 6

[simulated]
latency_ms_p50 = 700
latency_ms_p99 = 900'
"$P" run --until-idle --json --auto-approve >"$work/int.log" 2>"$work/int.err" &
child=$!
# Interrupt while stages run: wait (with a limit that fails) for a stage to start.
wait_for_line 30 '"status":"started"' "$work/int.log"
kill -INT "$child"
stopped_at=$SECONDS
code=0
wait "$child" || code=$?
child=""
[ "$code" -eq 130 ] || fail "SIGINT exited $code: $(tail -n 3 "$work/int.err")"
# Running stages take under a second; the rest of the pipelines must not run.
[ $((SECONDS - stopped_at)) -le 4 ] || fail "SIGINT took $((SECONDS - stopped_at)) s to stop"
check_json "$work/int.log" 130
[ "$(count running)" -eq 0 ] || fail "jobs left running after an interrupt"
[ "$(count merged)" -eq 0 ] || fail "jobs went on to merge after SIGINT instead of stopping after their stage"
[ "$(count queued)" -eq 6 ] || fail "interrupted jobs were not queued again"
echo "ok: exit 130 on SIGINT after $((SECONDS - stopped_at)) s; $(count merged) merged, $(count queued) queued again"
expect_run 0 "$work/resume.log" --auto-approve
[ "$(count merged)" -eq 6 ] || fail "restart after interrupt merged $(count merged) of 6"
"$P" beads verify | grep -q "^OK: " || fail "chain does not verify after interrupt and restart"
echo "ok: restart after the interrupt merged all 6"

# A second signal exits at once.
setup twice 2 '[simulated]
latency_ms_p50 = 5000
latency_ms_p99 = 6000'
"$P" run --until-idle --json >"$work/twice.log" 2>&1 &
child=$!
wait_for_line 30 '"status":"started"' "$work/twice.log"
kill -INT "$child"
sleep 0.2 # the first signal has been handled; stages of 5-6 s are still running
kill -INT "$child"
second_at=$SECONDS
code=0
wait "$child" || code=$?
child=""
[ "$code" -eq 130 ] || fail "a second SIGINT exited $code"
# At once: well before the running 5-6 s stages could have finished.
[ $((SECONDS - second_at)) -le 3 ] || fail "a second SIGINT took $((SECONDS - second_at)) s to exit"
grep -q '"status":"started"' "$work/twice.log" || fail "no stage had started"
[ "$(count merged)" -eq 0 ] || fail "jobs merged although the run was interrupted twice"
echo "ok: a second SIGINT exits 130 at once"

echo "run e2e: OK"
