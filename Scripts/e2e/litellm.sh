#!/usr/bin/env bash
# End to end against a real OpenAI-compatible server written by others: the LiteLLM proxy
# in mock mode serves a full pipeline run, once through /v1/chat/completions and once
# through /v1/messages. Needs `litellm` (pip install 'litellm[proxy]==1.106.2'); .ci/run
# installs it, and this script fails (never skips) when it is missing or does not start.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
here="$(cd "$(dirname "$0")" && pwd)"
# A missing peer is a failure, never a skip: a green run must mean the check ran.
if ! command -v litellm >/dev/null 2>&1; then
    echo "FAIL: litellm is not installed; install it with: python3 -m pip install 'litellm[proxy]==1.106.2' -c .ci/litellm-constraints.txt (.ci/run does)" >&2
    exit 1
fi
work="$(mktemp -d)"
proxy=""
trap 'rc=$?; [ -n "$proxy" ] && kill -- -$proxy 2>/dev/null; rm -rf "$work"; exit $rc' EXIT
port=$((20000 + RANDOM % 20000))
export LITELLM_MASTER_KEY="sk-pilothouse-e2e"
# Detached in a session of its own: on shutdown the proxy signals its process group and its
# parent, neither of which may be this script (or CI).
( setsid sh -c 'echo $$ > "$0"; exec litellm --config "$1" --host 127.0.0.1 --port "$2"' \
    "$work/litellm.pid" "$here/litellm/config.yaml" "$port" > "$work/litellm.log" 2>&1 & )
for _ in $(seq 1 50); do [ -s "$work/litellm.pid" ] && break; sleep 0.1; done
[ -s "$work/litellm.pid" ] || { echo "FAIL: litellm did not start (no pid after 5 s)" >&2; cat "$work/litellm.log" >&2; exit 1; }
proxy=$(cat "$work/litellm.pid")
fail() { echo "FAIL: $*" >&2; tail -20 "$work/litellm.log" >&2; exit 1; }
for _ in $(seq 1 90); do
    curl -sf "127.0.0.1:$port/health/liveliness" >/dev/null 2>&1 && break
    kill -0 $proxy 2>/dev/null || fail "litellm exited"
    sleep 1
done
curl -sf "127.0.0.1:$port/health/liveliness" >/dev/null || fail "litellm did not come up on port $port"

# A sample repository whose configuration points both provider types at the proxy.
new_repo() {
    local repo="$work/$1"
    git init -q "$repo"
    printf 'def add(a, b):\n    return a - b\n' > "$repo/calc.py"
    git -C "$repo" add . && git -C "$repo" commit -qm init
    "$P" init "$repo" >/dev/null
    cat >> "$repo/.pilothouse/pilothouse.toml" <<TOML

[providers.litellm]
type = "openai"
base_url = "http://127.0.0.1:$port/v1"
api_key_env = "LITELLM_MASTER_KEY"

[providers.litellm-messages]
type = "anthropic"
base_url = "http://127.0.0.1:$port"
api_key_env = "LITELLM_MASTER_KEY"
TOML
}

# One repository per endpoint; the pipeline's model stages all go to the proxy.
run_case() {
    local name="$1" analyze="$2" plan="$3" implement="$4" review="$5"
    local repo="$work/$name"
    new_repo "$name"
    cat >> "$repo/.pilothouse/pilothouse.toml" <<TOML

[[pipeline.stages]]
name = "analyze"
model = "$analyze"

[[pipeline.stages]]
name = "plan"
depends_on = ["analyze"]
model = "$plan"

[[pipeline.stages]]
name = "implement"
depends_on = ["plan"]
model = "$implement"

[[pipeline.stages]]
name = "check"
depends_on = ["implement"]

[[pipeline.stages]]
name = "review"
depends_on = ["check"]
model = "$review"

[[pipeline.stages]]
name = "test"
depends_on = ["check"]

[[pipeline.stages]]
name = "approve"
depends_on = ["review", "test"]

[[pipeline.stages]]
name = "merge"
depends_on = ["approve"]
TOML
    "$P" enqueue "Make add add" --files calc.py --repo "$repo" >/dev/null
    "$P" run --until-idle --auto-approve --json --repo "$repo" > "$work/$name.jsonl" || fail "$name: run exited $?"
    python3 - "$work/$name.jsonl" <<'PY' || fail "$name: bad JSON lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[-1]["event"] == "run_finished" and lines[-1]["merged"] == 1, lines[-1]
PY
    git -C "$repo" show pilothouse/integration:calc.py | grep -q "return a + b" || fail "$name: fix not merged"
    local served
    served=$(sqlite3 "$repo/.pilothouse/pilothouse.db" "SELECT provider || ':' || model FROM llm_calls WHERE outcome = 'ok' ORDER BY id" | sort -u | tr '\n' ' ')
    echo "ok: $name merged through LiteLLM; served by: $served"
    echo "$served" | grep -q "$6" || fail "$name: ledger does not show $6 serving"
    "$P" beads verify --repo "$repo" >/dev/null || fail "$name: chain broken"
}
run_case chat "litellm:mock-text" "litellm:mock-text" "litellm:mock-edit" "litellm:mock-review" "litellm"
run_case messages "litellm-messages:claude-mock" "litellm-messages:claude-mock" "litellm:mock-edit" "litellm-messages:claude-review" "litellm-messages"
# A model that writes a secret into its edit: the job is quarantined as secret_detected and
# the secret appears nowhere under .pilothouse/ (database, WAL, worktrees, transcripts).
leak="wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKEDKEY1"
repo="$work/leak"
new_repo leak
cat >> "$repo/.pilothouse/pilothouse.toml" <<TOML

[gateway]
default_model = "litellm:mock-leak"
transcripts = true
TOML
"$P" enqueue "Make add add" --files calc.py --repo "$repo" >/dev/null
"$P" run --until-idle --json --repo "$repo" > "$work/leak.jsonl" && fail "a leaking patch did not fail the run"
grep -q '"reason":"secret_detected"' "$work/leak.jsonl" || fail "the leaking patch was not quarantined as secret_detected"
if grep -rqa "$leak" "$repo/.pilothouse"; then fail "the secret reached .pilothouse/"; fi
echo "ok: a model's secret was quarantined and appears nowhere under .pilothouse/"
echo "litellm e2e: OK"

# --- Real providers: rate limits, errors, context windows (issue 11) ---
# Appends the analyze/plan-only pipeline (plus the rest of the default template on the mock
# models) with analyze and plan on $2; $3 is extra TOML.
limits_repo() {
    local name="$1" model="$2" extra="$3"
    local repo="$work/$name"
    new_repo "$name"
    cat >> "$repo/.pilothouse/pilothouse.toml" <<TOML

[engine]
swarm_size = 8

$extra

[[pipeline.stages]]
name = "analyze"
model = "$model"

[[pipeline.stages]]
name = "plan"
depends_on = ["analyze"]
model = "$model"

[[pipeline.stages]]
name = "implement"
depends_on = ["plan"]
model = "litellm:mock-edit"

[[pipeline.stages]]
name = "check"
depends_on = ["implement"]

[[pipeline.stages]]
name = "approve"
depends_on = ["check"]

[[pipeline.stages]]
name = "merge"
depends_on = ["approve"]
TOML
}
db() { sqlite3 "$work/$1/.pilothouse/pilothouse.db" "$2"; }

# 8 jobs × (analyze + plan) = 16 calls against a proxy that allows 10 a minute, and nothing
# configured in Pilothouse: the proxy's 429s are waits, never failures.
limits_repo ratelimit "litellm:limited" ""
for i in $(seq 1 8); do "$P" enqueue "Job $i" --files calc.py --repo "$work/ratelimit" >/dev/null; done
start=$(date +%s)
"$P" run --until-idle --json --repo "$work/ratelimit" > "$work/ratelimit.jsonl" || fail "ratelimit: run exited $?"
took=$(( $(date +%s) - start ))
[ "$(db ratelimit "SELECT COUNT(*) FROM jobs WHERE state IN ('failed','quarantined')")" -eq 0 ] \
    || fail "ratelimit: jobs failed: $(db ratelimit "SELECT state, title FROM jobs")"
past=$(db ratelimit "SELECT COUNT(DISTINCT job_id) FROM beads WHERE kind = 'stage_finished' AND stage = 'plan'")
[ "$past" -eq 8 ] || fail "ratelimit: only $past of 8 jobs got past plan"
refused=$(db ratelimit "SELECT COUNT(*) FROM llm_calls WHERE outcome = 'rateLimited'")
waits=$(db ratelimit "SELECT COUNT(*) FROM beads WHERE kind = 'model_waiting' AND metadata LIKE '%resumes_at%'")
[ "$refused" -gt 0 ] || fail "ratelimit: the proxy never refused (is its rpm limit active?)"
[ "$waits" -ge "$refused" ] || fail "ratelimit: $refused refusals but only $waits model_waiting beads"
grep -q '"activity":"waiting"' "$work/ratelimit.jsonl" || fail "ratelimit: run --json emitted no waiting activity"
[ "$took" -ge 55 ] && [ "$took" -le 200 ] || fail "ratelimit: took ${took}s, expected about one limit window (60 s)"
echo "ok: 8 jobs past analyze and plan under a 10 rpm proxy limit: $refused refusals waited out, ${took}s"

# The same with the limit configured in Pilothouse: the proxy refuses nothing.
limits_repo ratelimit-known "litellm:limited-known" '[models."litellm:limited-known"]
rpm = 9'
for i in $(seq 1 8); do "$P" enqueue "Job $i" --files calc.py --repo "$work/ratelimit-known" >/dev/null; done
"$P" run --until-idle --json --repo "$work/ratelimit-known" > "$work/ratelimit-known.jsonl" || fail "ratelimit-known: run exited $?"
refused=$(db ratelimit-known "SELECT COUNT(*) FROM llm_calls WHERE outcome = 'rateLimited'")
past=$(db ratelimit-known "SELECT COUNT(DISTINCT job_id) FROM beads WHERE kind = 'stage_finished' AND stage = 'plan'")
[ "$refused" -eq 0 ] && [ "$past" -eq 8 ] || fail "ratelimit-known: $refused refusals, $past of 8 past plan"
echo "ok: with rpm configured in Pilothouse the proxy refused nothing"

# A prompt too long for the window: one retry with less context, then quarantine.
limits_repo toolong "litellm:toolong" ""
"$P" enqueue "Too long" --files calc.py --repo "$work/toolong" >/dev/null
"$P" run --until-idle --json --repo "$work/toolong" > "$work/toolong.jsonl" && fail "toolong: run succeeded"
grep -q '"reason":"context_too_large"' "$work/toolong.jsonl" || fail "toolong: not quarantined as context_too_large"
[ "$(db toolong "SELECT COUNT(*) FROM beads WHERE kind = 'context_reduced'")" -eq 1 ] || fail "toolong: no retry with less context"
[ "$(db toolong "SELECT COUNT(*) FROM llm_calls WHERE outcome = 'contextLengthExceeded'")" -eq 2 ] || fail "toolong: expected exactly two calls"
echo "ok: context window exceeded: one retry with less context, then quarantined as context_too_large"

# A model answering 500: retried with backoff, then the job fails with the server's words.
limits_repo broken "litellm:broken" '[gateway]
max_attempts = 2
backoff_base_ms = 10
breaker_failures = 100'
sed -i 's/^max_attempts = 3$/max_attempts = 1/' "$work/broken/.pilothouse/pilothouse.toml"
"$P" enqueue "Broken" --files calc.py --repo "$work/broken" >/dev/null
"$P" run --until-idle --json --repo "$work/broken" > "$work/broken.jsonl" && fail "broken: run succeeded"
[ "$(db broken "SELECT state FROM jobs")" = "failed" ] || fail "broken: job is $(db broken "SELECT state FROM jobs")"
[ "$(db broken "SELECT COUNT(*) FROM llm_calls WHERE outcome = 'serverError'")" -ge 2 ] || fail "broken: 500 was not retried"
db broken "SELECT message FROM beads WHERE kind = 'state_changed' ORDER BY seq DESC LIMIT 1" | grep -q "InternalServerError" \
    || fail "broken: the failure does not carry the server's message"
echo "ok: 500s retried with backoff, then the job failed with the server's message"
# A key the proxy refuses (401, LiteLLM's own auth error): no retry, the model's circuit opens
# at once, and the job fails with the proxy's words and the variable to check.
export LITELLM_WRONG_KEY="sk-not-the-master-key"
limits_repo badkey "litellm-badkey:mock-text" '[providers.litellm-badkey]
type = "openai"
base_url = "http://127.0.0.1:'"$port"'/v1"
api_key_env = "LITELLM_WRONG_KEY"'
sed -i 's/^max_attempts = 3$/max_attempts = 1/' "$work/badkey/.pilothouse/pilothouse.toml"
"$P" enqueue "Bad key" --files calc.py --repo "$work/badkey" >/dev/null
code=0
timeout 120 "$P" run --until-idle --json --repo "$work/badkey" > "$work/badkey.jsonl" || code=$?
[ "$code" -eq 1 ] || fail "badkey: run exited $code, expected 1"
[ "$(db badkey "SELECT state FROM jobs")" = "failed" ] || fail "badkey: job is $(db badkey "SELECT state FROM jobs")"
calls=$(db badkey "SELECT COUNT(*) FROM llm_calls WHERE outcome = 'authentication'")
[ "$calls" -eq 1 ] || fail "badkey: $calls refused calls recorded, expected exactly 1 (no retry): $(db badkey "SELECT outcome FROM llm_calls")"
message=$(db badkey "SELECT message FROM beads WHERE kind = 'state_changed' ORDER BY seq DESC LIMIT 1")
grep -q "Invalid proxy server token" <<<"$message" || fail "badkey: the failure does not carry the proxy's words: $message"
grep -q 'LITELLM_WRONG_KEY' <<<"$message" || fail "badkey: the failure does not name the key variable: $message"
grep -q "circuit" <<<"$message" || fail "badkey: the failure does not say the circuit is open: $message"
echo "ok: a refused key (401) is not retried, opens the circuit and names \$LITELLM_WRONG_KEY"

# Streaming through the proxy: a slow model (mock_delay) streams over /v1/chat/completions
# and `run --json` shows live token counts; /v1/messages (answered as JSON by LiteLLM's mock)
# is read as a plain answer.
limits_repo streaming "litellm:slow" ""
"$P" enqueue "Stream" --files calc.py --repo "$work/streaming" >/dev/null
"$P" run --until-idle --json --repo "$work/streaming" > "$work/streaming.jsonl" || fail "streaming: run exited $?"
grep -q '"activity":"streaming"' "$work/streaming.jsonl" || fail "streaming: no live token counts in run --json"
[ "$(db streaming "SELECT COUNT(*) FROM llm_calls WHERE model = 'slow' AND outcome = 'ok' AND tokens_out > 0")" -eq 2 ] \
    || fail "streaming: the final usage did not settle the ledger"
echo "ok: streamed answers with live token counts; usage from the final event settled the ledger"
echo "litellm real-provider checks: OK"
