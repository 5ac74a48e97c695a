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
    tmux -L "pilothouse-e2e-$$" kill-server >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS
demo="$work/demo"

session=e2e
# shellcheck source=lib/console-tmux.sh
source "$(dirname "$0")/lib/console-tmux.sh"
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

# --- Terminals the console cannot use, lost input, resize while idle (issue #10, 18 and 19) ---
# A tmux server of their own (T follows $socket): independent of the demo session's server.
T kill-server >/dev/null 2>&1 || true
socket="pilothouse-e2e-robust-$$"
plain="$work/plain"
git init -q "$plain"
echo a >"$plain/a"
git -C "$plain" add . && git -C "$plain" -c user.email=e2e@x -c user.name=e2e commit -qm init
"$P" init "$plain" >/dev/null
# console_in NAME TERM-VALUE COMMAND-PREFIX: runs the console on $plain in a new tmux session,
# recording its exit code in $work/NAME.code and its stderr in $work/NAME.err.
console_in() {
    local name=$1 term=$2 prefix=$3
    T new-session -d -s "$name" -x 120 -y 40 \
        "env LANG=C.UTF-8 TERM=$term $prefix '$P' console --repo '$plain' 2>'$work/$name.err'; echo \$? >'$work/$name.code'; exec sleep 3600"
}
exited_with_message() {
    local name=$1 message=$2
    wait_for 20 "$name to exit" test -s "$work/$name.code"
    local code
    code=$(cat "$work/$name.code")
    [ "$code" -eq 2 ] || fail "$name: exit $code, expected 2 ($(cat "$work/$name.err"))"
    grep -q "$message" "$work/$name.err" || fail "$name: stderr lacks '$message': $(cat "$work/$name.err")"
}

# TERM=dumb cannot address the cursor: refused before ncurses starts, with what to do instead.
console_in dumb dumb ""
exited_with_message dumb "TERM=dumb cannot move the cursor"
echo "ok: TERM=dumb is refused: $(cat "$work/dumb.err")"

# Started in a background process group (what `timeout` does): refused at once, not a spinning
# console that ignores every key.
console_in background tmux-256color "timeout 60"
exited_with_message background "not in the terminal's foreground process group"
echo "ok: a console under timeout (background process group) is refused"

# Moved to the background while running, with SIGTTIN ignored as `timeout` leaves it: every read
# fails with EIO while the typed bytes stay queued. The console must restore the terminal and
# exit, not spin at 100% CPU.
cat >"$work/demote.py" <<'PY'
import os, signal, sys, time
binary, repo, ready, out = sys.argv[1:5]
signal.signal(signal.SIGTTIN, signal.SIG_IGN)
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
child = os.fork()
if child == 0:
    os.execv(binary, [binary, "console", "--repo", repo])
deadline = time.monotonic() + 30
while not os.path.exists(ready):
    if time.monotonic() > deadline:
        sys.exit("demote: nobody said the console is drawn")
    time.sleep(0.05)
os.setpgid(0, 0)                  # a process group of our own, without the console
os.tcsetpgrp(0, os.getpgrp())     # ... which becomes the terminal's foreground
open(ready + ".done", "w").close()
_, status = os.waitpid(child, 0)
with open(out, "w") as f:
    f.write(str(os.waitstatus_to_exitcode(status)))
PY
T new-session -d -s demoted -x 120 -y 40 \
    "env LANG=C.UTF-8 TERM=tmux-256color python3 '$work/demote.py' '$P' '$plain' '$work/ready' '$work/demoted.code' 2>'$work/demoted.err'; exec sleep 3600"
demoted_drawn() { local text; text=$(T capture-pane -p -t demoted 2>/dev/null) || return 1; [[ "$text" == *"Jobs"* ]]; }
wait_for 30 "the console to draw before it is demoted" demoted_drawn
touch "$work/ready"
wait_for 10 "the console to be moved to the background" test -f "$work/ready.done"
T send-keys -t demoted x
wait_for 10 "the demoted console to exit" test -s "$work/demoted.code"
code=$(cat "$work/demoted.code")
[ "$code" -eq 2 ] || fail "demoted console exited $code, expected 2 ($(cat "$work/demoted.err"))"
grep -q "lost the keyboard" "$work/demoted.err" || fail "no 'lost the keyboard' message: $(cat "$work/demoted.err")"
echo "ok: a console that loses its keyboard exits 2 ($(grep -o 'lost the keyboard ([^)]*)' "$work/demoted.err"))"

# Resize while idle (no events, no keys): the new size is drawn at once, not at the next
# clock tick 15 s later. The panes' borders span the whole width: the widest line is the width drawn.
console_in idle tmux-256color ""
idle_drawn() { local text; text=$(T capture-pane -p -t idle 2>/dev/null) || return 1; [[ "$text" == *"Jobs"* ]]; }
wait_for 30 "the idle console to draw" idle_drawn
T set-option -t idle window-size manual >/dev/null
for size in "100 30" "60 15" "120 40"; do
    set -- $size
    sleep 1 # idle: the last frame is long past, so the frame limiter does not delay this one
    milliseconds=$(python3 - "$socket" "$1" "$2" <<'PY'
import subprocess, sys, time
socket, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tmux = ["tmux", "-L", socket]
start = time.monotonic()
subprocess.run(tmux + ["resize-window", "-t", "idle", "-x", str(width), "-y", str(height)], check=True)
while time.monotonic() - start < 10:
    screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", "idle"], capture_output=True,
                            check=True).stdout.decode()
    widest = max(len(line) for line in screen.split("\n"))
    drawn = ("terminal too small" in screen) if width < 80 else (
        widest == width and "terminal too small" not in screen)
    if drawn:
        print(int((time.monotonic() - start) * 1000))
        sys.exit(0)
    time.sleep(0.005)
print("never")
PY
)
    [ "$milliseconds" != never ] || fail "resize to ${1}x$2 was not drawn within 10 s"
    [ "$milliseconds" -le 1000 ] || fail "resize to ${1}x$2 took $milliseconds ms to draw (the poll timeout?)"
    echo "ok: idle console drew the resize to ${1}x$2 after $milliseconds ms"
done
T send-keys -t idle q
wait_for 10 "the idle console to quit" test -s "$work/idle.code"
[ "$(cat "$work/idle.code")" -eq 0 ] || fail "idle console exited $(cat "$work/idle.code")"
echo "console e2e (terminal robustness) passed"
