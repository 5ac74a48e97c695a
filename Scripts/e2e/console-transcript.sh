#!/usr/bin/env bash
# End to end: the job view's transcript (issue #13, point 4). The real console in tmux on the
# demo repository (which records transcripts): a job merges, its job view is opened, the
# transcript arrives from the engine, and a `/` search for a word of the analyze prompt
# highlights it (the selection colour, read from the pane with its escape sequences).
set -euo pipefail
# shellcheck source=lib/console-tmux.sh
source "$(dirname "$0")/lib/console-tmux.sh"
console_e2e_setup transcript e2e:0

TERM=dumb "$P" demo "$demo" >/dev/null 2>&1 && fail "the demo started on a dumb terminal"
grep -q '^transcripts = true' "$demo/.pilothouse/pilothouse.toml" || fail "the demo does not record transcripts"

cat >"$work/pane.sh" <<SH
"$P" console --repo "$demo" --seed 4 --auto-approve 2>"$work/console.err"
echo \$? >"$work/exit-code"
exec sleep 3600
SH
T new-session -d -s e2e -x 160 -y 48 "env LANG=C.UTF-8 TERM=tmux-256color sh $work/pane.sh"
wait_for 60 "the console to draw" screen_has "Jobs"

# "match K of K": N from the first match wrapped to the last.
screen_has_last_match() { screen | grep -q -E "match ([0-9]+) of \1 for"; }
jobs_json() { "$P" jobs ls --json --repo "$demo" 2>/dev/null; }
merged() { jobs_json | python3 -c 'import json,sys; sys.exit(0 if any(j["state"]=="merged" for j in json.load(sys.stdin)) else 1)'; }
wait_for 120 "a job to merge" merged
T send-keys -t "$session" 1 /
T send-keys -t "$session" -l "state:merged"
T send-keys -t "$session" Enter
sleep 0.5
T send-keys -t "$session" g Enter
wait_for 10 "the job view" screen_has "model calls"
# The transcript comes from the engine on request: a heading with the number of entries.
has_transcript() { screen | grep -q "transcript [1-9][0-9]* · redacted"; }
wait_for 10 "the transcript to arrive" has_transcript
echo "ok: the job view of a merged job shows its transcript"

T send-keys -t "$session" /
wait_for 5 "the search prompt" screen_has "search the transcript:"
T send-keys -t "$session" -l "RISKS"
T send-keys -t "$session" Enter
wait_for 5 "the search to find the word" screen_has "for 'RISKS'; n/N"
# The current match's row is marked ▶ and the word on it is drawn in the dark theme's
# selection colour (background 24), unlike the text around it.
marked=$(T capture-pane -p -e -t "$session" | grep -a "▶" | head -1)
[ -n "$marked" ] || fail "no row is marked as the current match"
printf '%s' "$marked" | grep -a -q -E $'48;5;24m(\e\\[[0-9;]*m)*risks' \
    || fail "the match is not highlighted: $(printf '%q' "$marked")"
plain=$(printf '%s' "$marked" | sed -E $'s/\e\\[[0-9;]*m//g')
[[ "$plain" == *"the risks, and how to verify"* ]] || fail "the marked row is not the prompt's line: $plain"
echo "ok: '/RISKS' found the analyze prompt's word and highlighted it"

T send-keys -t "$session" /
T send-keys -t "$session" -l "goal"
T send-keys -t "$session" Enter
wait_for 5 "the search for 'goal'" screen_has "for 'goal'; n/N"
counter=$(screen | grep -o -E "match [0-9]+ of [0-9]+ for 'goal'")
k=$(echo "$counter" | awk '{print $2}')
total=$(echo "$counter" | awk '{print $4}')
[ "$total" -ge 2 ] || fail "'goal' should occur more than once in the transcript ($counter)"
T send-keys -t "$session" n
wait_for 5 "n to move to the next match" screen_has "match $((k % total + 1)) of $total for 'goal'"
T send-keys -t "$session" g /
T send-keys -t "$session" -l "goal"
T send-keys -t "$session" Enter
wait_for 5 "a search from the top to start at the first match" screen_has "match 1 of $total for 'goal'"
T send-keys -t "$session" N
wait_for 5 "N to wrap to the last match" screen_has_last_match
echo "ok: n and N move between matches, wrapping around"
T send-keys -t "$session" Escape

T send-keys -t "$session" q
sleep 0.5
if screen_has "quit? y/n"; then T send-keys -t "$session" y; fi
wait_for 30 "the console to exit" test -f "$work/exit-code"
[ "$(cat "$work/exit-code")" -eq 0 ] || fail "the console exited $(cat "$work/exit-code")"
echo "console transcript e2e passed in $((SECONDS - started)) s"
