#!/usr/bin/env bash
# End to end: the real console in tmux on the demo repository — approve (merges), reject with a
# reason, drop a quarantine record, resize below the minimum and back, quit; the terminal's
# settings are the same afterwards and the process exits 0.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed" >&2; exit 1; }
P="$(cd "$(dirname "$P")" && pwd)/$(basename "$P")"
work="$(mktemp -d)"
socket="pilothouse-e2e-$$"
T() { tmux -L "$socket" "$@"; }
cleanup() {
    T kill-server >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS
demo="$work/demo"

screen() { T capture-pane -p -t e2e; }
fail() {
    echo "FAIL: $*" >&2
    echo "--- last screen ---" >&2
    screen >&2 2>/dev/null || true
    echo "-------------------" >&2
    [ -f "$work/console.err" ] && { echo "--- console stderr ---" >&2; cat "$work/console.err" >&2; }
    exit 1
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@"; do
        [ $SECONDS -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
        sleep 0.2
    done
}
screen_has() { local text; text=$(screen 2>/dev/null) || return 1; [[ "$text" == *"$1"* ]]; }
jobs_json() { "$P" jobs ls --json --repo "$demo" 2>/dev/null; }
count_state() {
    jobs_json | python3 -c 'import json,sys; print(sum(j["state"] == sys.argv[1] for j in json.load(sys.stdin)))' "$1"
}
at_least() { [ "$(count_state "$1")" -ge "$2" ]; }
quarantined_records() { "$P" quarantine ls --json --repo "$demo" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
stty_of() { stty -a <"$tty" | sed -E 's/rows [0-9]+; columns [0-9]+;//'; }

# The pane runs a shell that waits for a go file, runs the console, and records its exit code;
# so the pane's tty can be read before the console starts and after it ends.
cat >"$work/pane.sh" <<SH
while [ ! -f "$work/go" ]; do sleep 0.1; done
"$P" demo "$demo" --seed 4 2>"$work/console.err"
echo \$? >"$work/exit-code"
exec sleep 3600
SH
T new-session -d -s e2e -x 120 -y 40 "env LANG=C.UTF-8 TERM=tmux-256color sh $work/pane.sh"
T set-option -t e2e -g window-size manual >/dev/null 2>&1 || true
tty=$(T display-message -p -t e2e '#{pane_tty}')
[ -n "$tty" ] || fail "no pane tty"
stty_of >"$work/stty.before"
touch "$work/go"

# Jobs move; patches wait for approval; the CI-workflow item lands in quarantine.
wait_for 60 "the console to draw" screen_has "Jobs"
wait_for 120 "two patches awaiting approval" at_least awaiting_approval 2
has_records() { [ "$(quarantined_records)" -ge "$1" ]; }
wait_for 60 "a quarantine record" has_records 1
echo "ok: console up; patches waiting, a record in quarantine ($((SECONDS - started)) s)"
screen_has "simulated provider" || fail "the status line does not say how to configure a real provider"
echo "ok: status line explains the simulated provider"
screen >"$work/screen-120x40.txt"

# 5 then a: the first waiting patch is approved and merged into pilothouse/integration.
T send-keys -t e2e 5
sleep 0.5
T send-keys -t e2e a
wait_for 60 "the approved job to merge" at_least merged 1
merged_id=$(jobs_json | python3 -c 'import json,sys; print([j["id"] for j in json.load(sys.stdin) if j["state"]=="merged"][0])')
log=$(git -C "$demo" log --format=%B pilothouse/integration)
[[ "$log" == *"Pilothouse-Job: $merged_id"* ]] || fail "merged job $merged_id is not on pilothouse/integration"
echo "ok: a pressed, job ${merged_id:0:8} merged into pilothouse/integration"

# r, a reason, Enter: the next waiting patch is rejected and goes back for another attempt.
waiting_before=$(count_state awaiting_approval)
T send-keys -t e2e r
wait_for 10 "the reject prompt" screen_has "reason"
T send-keys -t e2e -l "please keep the public name"
T send-keys -t e2e Enter
rejected_gone() { [ "$(count_state awaiting_approval)" -lt "$waiting_before" ]; }
wait_for 30 "the rejected job to leave the approvals" rejected_gone
rejected_bead() {
    for id in $(jobs_json | python3 -c 'import json,sys; [print(j["id"]) for j in json.load(sys.stdin)]'); do
        local shown
        shown=$("$P" jobs show "$id" --json --repo "$demo" 2>/dev/null) || continue
        [[ "$shown" == *"please keep the public name"* ]] && return 0
    done
    return 1
}
wait_for 30 "a bead holding the rejection reason" rejected_bead
echo "ok: r with a reason rejected a patch (requeued with the feedback)"

# 4, d, y: a quarantine record is dropped.
records_before=$(quarantined_records)
T send-keys -t e2e 4
sleep 0.5
T send-keys -t e2e d
wait_for 10 "the drop confirmation" screen_has "drop quarantined record"
T send-keys -t e2e y
dropped() { [ "$(quarantined_records)" -lt "$records_before" ]; }
wait_for 30 "the record to be dropped" dropped
echo "ok: 4 d y dropped a quarantine record"

# Below the minimum size the console says so; back at 120×40 it draws the panes again.
T resize-window -t e2e -x 60 -y 15
wait_for 10 "'terminal too small' at 60x15" screen_has "terminal too small"
T resize-window -t e2e -x 120 -y 40
back() { screen_has "Jobs" && ! screen_has "terminal too small"; }
wait_for 10 "the panes after resizing back" back
echo "ok: resize to 60x15 shows 'terminal too small'; back to 120x40 redraws"

# q (and y when jobs are still running): the console ends, exit 0, terminal unchanged.
T send-keys -t e2e q
sleep 0.5
if screen_has "quit? y/n"; then T send-keys -t e2e y; fi
wait_for 30 "the console to exit" test -f "$work/exit-code"
code=$(cat "$work/exit-code")
[ "$code" -eq 0 ] || fail "the console exited $code"
stty_of >"$work/stty.after"
diff "$work/stty.before" "$work/stty.after" >&2 || fail "stty -a changed after the console ended"
echo "ok: q quit with exit 0; stty -a unchanged"
echo "console e2e passed in $((SECONDS - started)) s"
