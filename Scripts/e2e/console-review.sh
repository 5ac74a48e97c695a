#!/usr/bin/env bash
# End to end (issue #13, points 3 and 6): the real console in tmux on the demo repository.
# - `c` writes a comment on a diff line, it shows under the line, and `r` with a reason sends
#   it: the next attempt's implement prompt (stored transcript) holds the comment verbatim,
#   and the comment is a bead.
# - `e` with EDITOR set to a script that edits the patch: the edit is a bead and the job runs
#   check and test again before it waits for approval again.
set -euo pipefail
# shellcheck source=lib/console-tmux.sh
source "$(dirname "$0")/lib/console-tmux.sh"
console_e2e_setup review review
db="$demo/.pilothouse/pilothouse.db"
# sql QUERY [ARGS...]: one value per line, read-only, from the demo's store.
sql() {
    python3 - "$db" "$@" <<'PY'
import sqlite3, sys
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=10)
for row in con.execute(sys.argv[2], sys.argv[3:]):
    print(row[0])
PY
}
waiting() { [ "$(sql "SELECT COUNT(*) FROM jobs WHERE state = 'awaiting_approval'")" -ge "$1" ]; }

# A demo run without the console fills the approvals; then transcripts are switched on if the
# demo did not (to read the next attempt's prompt) and the simulated model made quicker.
# (It exits 1: seed 4 quarantines a record on purpose.)
"$P" demo "$demo" --seed 4 --headless --until-idle >"$work/headless.out" 2>&1 || true
waiting 2 || fail "the demo left fewer than two patches waiting for approval: $(tail -5 "$work/headless.out")"
python3 - "$demo/.pilothouse/pilothouse.toml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
if "\ntranscripts = true\n" not in text:  # the demo records transcripts already
    text = text.replace("[gateway]\n", "[gateway]\ntranscripts = true\n", 1)
text = text.replace("latency_ms_p50 = 700", "latency_ms_p50 = 20").replace("latency_ms_p99 = 2000", "latency_ms_p99 = 40")
text = text.replace("rate_malformed = 0.1", "rate_malformed = 0")
open(path, "w").write(text)
PY
echo "ok: demo repository with patches waiting ($((SECONDS - started)) s)"

# The editor: appends a marker to the first added line of the patch (line counts unchanged, so
# the patch still applies) and records that it ran.
cat >"$work/edit.sh" <<'SH'
#!/bin/sh
python3 - "$1" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().split("\n")
for i, line in enumerate(lines):
    if line.startswith("+") and not line.startswith("+++") and len(line) > 1:
        lines[i] = line + "  # operator-edit"
        break
open(path, "w").write("\n".join(lines))
PY
touch "$(dirname "$0")/editor-ran"
SH
chmod +x "$work/edit.sh"

cat >"$work/pane.sh" <<SH
"$P" demo "$demo" --seed 4 2>"$work/console.err"
echo \$? >"$work/exit-code"
exec sleep 3600
SH
T new-session -d -s review -x 160 -y 45 "env LANG=C.UTF-8 TERM=tmux-256color EDITOR=$work/edit.sh VISUAL= sh $work/pane.sh"
wait_for 60 "the console to draw" screen_has "Jobs"

# --- Point 3: c writes a comment, r sends it with the reason ---
comment='keep the old name; callers outside import it — "verbatim" check'
T send-keys -t review 5
sleep 0.3
T send-keys -t review Enter
wait_for 10 "the diff viewer" screen_has "c comment"
T send-keys -t review j
T send-keys -t review c
wait_for 10 "the comment prompt" screen_has "comment:"
T send-keys -t review -l "$comment"
T send-keys -t review Enter
wait_for 10 "the comment under its line" screen_has "✎ keep the old name"
echo "ok: c wrote a comment and it shows under its line"
T send-keys -t review r
wait_for 10 "the reject prompt" screen_has "reason"
T send-keys -t review -l "not like this"
T send-keys -t review Enter
comment_bead() { [ -n "$(sql "SELECT job_id FROM beads WHERE kind = 'comment' LIMIT 1")" ]; }
wait_for 30 "a comment bead" comment_bead
job=$(sql "SELECT job_id FROM beads WHERE kind = 'comment' LIMIT 1")
[ "$(sql "SELECT message FROM beads WHERE kind = 'comment'")" = "$comment" ] || fail "the comment bead does not hold the comment as written"
echo "ok: r sent the comment; it is a bead of job ${job:0:8}"
prompt_has_comment() {
    sql "SELECT COUNT(*) FROM transcripts WHERE job_id = ? AND stage = 'implement' AND instr(prompt, ?) > 0 AND instr(prompt, 'not like this') > 0" \
        "$job" "Comment: $comment" | grep -qx '[1-9][0-9]*'
}
wait_for 90 "the next attempt's implement prompt to hold the comment" prompt_has_comment
line_text=$(sql "SELECT json_extract(metadata, '$.text') FROM beads WHERE kind = 'comment'")
file=$(sql "SELECT json_extract(metadata, '$.file') FROM beads WHERE kind = 'comment'")
quoted() {
    sql "SELECT COUNT(*) FROM transcripts WHERE job_id = ? AND stage = 'implement' AND instr(prompt, ?) > 0 AND instr(prompt, ?) > 0" \
        "$job" "    $line_text" "$file:" | grep -qx '[1-9][0-9]*'
}
quoted || fail "the prompt does not quote the commented line ($file: $line_text)"
echo "ok: the next attempt's prompt holds the comment verbatim, with $file and the line's text"

# --- Point 6: e edits the waiting patch in \$EDITOR; check and test run again ---
T send-keys -t review Escape
T send-keys -t review 5
sleep 0.3
T send-keys -t review e
wait_for 30 "the editor to run" test -f "$work/editor-ran"
edit_bead() { [ -n "$(sql "SELECT job_id FROM beads WHERE kind = 'patch_edited' LIMIT 1")" ]; }
wait_for 30 "a patch_edited bead" edit_bead
edited=$(sql "SELECT job_id FROM beads WHERE kind = 'patch_edited' LIMIT 1")
edit_seq=$(sql "SELECT seq FROM beads WHERE kind = 'patch_edited' LIMIT 1")
rechecked() {
    local stages
    stages=$(sql "SELECT stage FROM beads WHERE job_id = ? AND seq > ? AND kind = 'stage_finished'" "$edited" "$edit_seq")
    grep -qx check <<<"$stages" && grep -qx test <<<"$stages"
}
wait_for 120 "check and test to run again on the edited patch" rechecked
edited_patch() {
    sql "SELECT COUNT(*) FROM patches WHERE job_id = ? AND instr(CAST(diff AS TEXT), 'operator-edit') > 0" "$edited" \
        | grep -qx '[1-9][0-9]*'
}
wait_for 30 "the edited patch to be the job's patch" edited_patch
echo "ok: e ran \$EDITOR; the edit is a bead and job ${edited:0:8} passed check and test again"
screen_has "Jobs" || fail "the console did not come back after the editor"

T send-keys -t review q
sleep 0.5
if screen_has "quit? y/n"; then T send-keys -t review y; fi
wait_for 30 "the console to exit" test -f "$work/exit-code"
[ "$(cat "$work/exit-code")" -eq 0 ] || fail "the console exited $(cat "$work/exit-code")"
echo "console review e2e passed in $((SECONDS - started)) s"
