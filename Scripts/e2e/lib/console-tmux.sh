# Helpers for the console's tmux end-to-end checks (sourced, not run; .ci/run runs only
# Scripts/e2e/*.sh). The sourcing script calls `console_e2e_setup`, or defines `socket` (tmux's
# -L socket), `session` (the pane to read) and `work` (its temporary directory, which may hold
# console.err) itself.

T() { tmux -L "$socket" "$@"; }
screen() { T capture-pane -p -t "$session"; }

# The common start of a console e2e (`console_e2e_setup NAME SESSION`): the binary as an
# absolute path, tmux present, a work directory and a tmux server of the script's own, both
# removed on exit. Sets P, work, socket, session, demo and started.
console_e2e_setup() {
    P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
    command -v tmux >/dev/null || { echo "FAIL: tmux is not installed" >&2; exit 1; }
    P="$(cd "$(dirname "$P")" && pwd)/$(basename "$P")"
    work="$(mktemp -d)"
    socket="pilothouse-e2e-$1-$$"
    session="$2"
    demo="$work/demo"
    started=$SECONDS
    trap console_e2e_cleanup EXIT
}
console_e2e_cleanup() {
    T kill-server >/dev/null 2>&1 || true
    rm -rf "$work"
}

fail() {
    echo "FAIL: $*" >&2
    echo "--- last screen ---" >&2
    screen >&2 2>/dev/null || true
    echo "-------------------" >&2
    [ -f "$work/console.err" ] && { echo "--- console stderr ---" >&2; cat "$work/console.err" >&2; }
    exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds, and
# fails the check when SECONDS have passed.
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
