# Helpers for the console's tmux end-to-end checks (sourced, not run; .ci/run runs only
# Scripts/e2e/*.sh). The sourcing script defines `T` (tmux with its own -L socket), `session`
# (the pane to read) and `work` (its temporary directory, which may hold console.err).

screen() { T capture-pane -p -t "$session"; }

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
