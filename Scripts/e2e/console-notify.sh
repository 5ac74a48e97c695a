#!/usr/bin/env bash
# End to end: notifications (issue #13, point 1) and the job view (point 4). The real console in tmux on the demo repository,
# its raw output captured with pipe-pane: when a patch starts waiting for approval, the console
# rings the bell (tmux raises the window's bell flag), sends OSC 9 and OSC 777 wrapped in tmux's
# passthrough, and runs notify_command with the notification's JSON on stdin.
set -euo pipefail
# shellcheck source=lib/console-tmux.sh
source "$(dirname "$0")/lib/console-tmux.sh"
console_e2e_setup notify e2e:0

# The demo repository and its configuration, without starting the console (a dumb terminal is
# refused after the repository is prepared and the plan imported), then [notify] added to it.
TERM=dumb "$P" demo "$demo" >/dev/null 2>&1 && fail "the demo started on a dumb terminal"
[ -f "$demo/.pilothouse/pilothouse.toml" ] || fail "the demo did not write its configuration"
cat >"$work/notify.sh" <<SH
#!/bin/sh
cat >>"$work/notified.jsonl"
echo >>"$work/notified.jsonl"
SH
chmod +x "$work/notify.sh"
cat >>"$demo/.pilothouse/pilothouse.toml" <<TOML

[notify]
approval_waiting = ["bell", "desktop", "command"]
notify_command = ["$work/notify.sh"]
digest_seconds = 2
TOML

cat >"$work/pane.sh" <<SH
while [ ! -f "$work/go" ]; do sleep 0.1; done
"$P" console --repo "$demo" --seed 4 2>"$work/console.err"
echo \$? >"$work/exit-code"
exec sleep 3600
SH
T new-session -d -s e2e -x 120 -y 40 "env LANG=C.UTF-8 TERM=tmux-256color sh $work/pane.sh"
T set-option -t e2e -g monitor-bell on >/dev/null
T set-option -t e2e -g bell-action any >/dev/null
T pipe-pane -o -t e2e:0 "cat >>'$work/raw.out'"
# A second window in front: tmux flags the bell of a window that is not the current one.
# (No `window-size manual` here: with it, tmux 3.3a dies creating the second window.)
T new-window -d -t e2e: "sleep 3600"
T select-window -t e2e:1
touch "$work/go"

wait_for 60 "the console to draw" screen_has "Jobs"
# Focus the jobs pane (the default), so the approvals pane is not what the operator looks at.
raw_has() { [ -f "$work/raw.out" ] && grep -q -a -F "$1" "$work/raw.out"; }
wait_for 120 "the OSC 9 notification of a waiting patch" raw_has $'\e\e]9;Pilothouse: '
raw_has $'\e\e]777;notify;Pilothouse' || fail "no OSC 777 in the raw output"
raw_has $'\ePtmux;' || fail "the OSC was not wrapped in tmux passthrough"
raw_has $'\a' || fail "no BEL in the raw output"
echo "ok: BEL, OSC 9 and OSC 777 (tmux passthrough) emitted ($((SECONDS - started)) s)"
bell_flag() { [ "$(T display-message -p -t e2e:0 '#{window_bell_flag}')" = 1 ]; }
wait_for 10 "tmux to flag the console window's bell" bell_flag
echo "ok: tmux raised the bell flag of the console window"

notified() { [ -s "$work/notified.jsonl" ]; }
wait_for 30 "notify_command to run" notified
python3 - "$work/notified.jsonl" <<'PY' || fail "notify_command's stdin was not the documented JSON"
import json, sys
lines = [l for l in open(sys.argv[1]).read().split("\n") if l.strip()]
first = json.loads(lines[0])
assert first["kind"] in ("approval_waiting", "digest"), first
assert all(item["kind"] == "approval_waiting" for item in first["items"]), first
assert all(len(item["job_id"]) == 26 for item in first["items"]), first
assert first["title"].startswith("Pilothouse"), first
PY
echo "ok: notify_command got the notification as JSON on stdin"

# The job view (point 4): approve a patch, filter the jobs pane to the merged job, enter.
T select-window -t e2e:0
jobs_json() { "$P" jobs ls --json --repo "$demo" 2>/dev/null; }
merged() { jobs_json | python3 -c 'import json,sys; sys.exit(0 if any(j["state"]=="merged" for j in json.load(sys.stdin)) else 1)'; }
T send-keys -t e2e:0 5
sleep 0.5
T send-keys -t e2e:0 a
wait_for 90 "the approved job to merge" merged
T send-keys -t e2e:0 1 /
T send-keys -t e2e:0 -l "state:merged"
T send-keys -t e2e:0 Enter
sleep 0.5
T send-keys -t e2e:0 g Enter
wait_for 10 "the job view" screen_has "model calls"
for stage in analyze plan implement check review test approve merge; do
    screen | grep -q "^.\{0,3\}$stage " || fail "the job view does not show the $stage stage"
done
echo "ok: the job view of the merged job shows all eight stages"
T send-keys -t e2e:0 Escape

T send-keys -t e2e:0 q
sleep 0.5
if screen_has "quit? y/n"; then T send-keys -t e2e:0 y; fi
wait_for 30 "the console to exit" test -f "$work/exit-code"
[ "$(cat "$work/exit-code")" -eq 0 ] || fail "the console exited $(cat "$work/exit-code")"
echo "console notify e2e passed in $((SECONDS - started)) s"
