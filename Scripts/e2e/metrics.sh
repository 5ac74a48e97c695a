#!/usr/bin/env bash
# `--metrics` end to end: a demo run serves /metrics; scrapes during and after the run parse
# with prometheus_client's text parser, carry every documented metric, and agree with
# `status --json` (jobs per state, beads, quarantine) and `cost --json` (spend, calls). Then
# a priced run with a budget reports what is left of it; a bare port and a port in use are
# refused with the address named.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
here="$(cd "$(dirname "$0")" && pwd)"
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
python3 -c 'import prometheus_client.parser' 2>/dev/null \
    || fail "prometheus_client is not installed (pip install prometheus-client==0.21.1; .ci/run does)"

# wait_for_url SECONDS FILE: prints the metrics URL once FILE (stderr of a run) names it.
wait_for_url() {
    local deadline=$((SECONDS + $1))
    until grep -qo 'metrics at http://[^ ]*' "$2" 2>/dev/null; do
        [ $SECONDS -lt "$deadline" ] || fail "no 'metrics at' line after $1 s: $(cat "$2")"
        [ -z "$child" ] || kill -0 "$child" 2>/dev/null || fail "the run ended early: $(cat "$2")"
        sleep 0.1
    done
    grep -o 'http://[^ ]*' "$2" | head -n 1
}
scrape() { python3 "$here/lib/metrics-scrape.py" "$1" "$2" || fail "scrape $1 failed"; }
# busy REPO: prints how many jobs are queued, running or merging.
busy() {
    "$P" status --json --repo "$1" | python3 -c '
import json, sys
jobs = json.load(sys.stdin)["jobs"]
print(sum(jobs.get(s, 0) for s in ("queued", "running", "merging")))'
}

# 1. A bare port is refused before anything starts, naming the addresses meant.
git init -q -b main "$work/empty"
code=0
"$P" run --until-idle --metrics 9464 --repo "$work/empty" >/dev/null 2>"$work/bare.err" || code=$?
[ "$code" -ne 0 ] || fail "--metrics 9464 was accepted"
grep -q "127.0.0.1:9464" "$work/bare.err" || fail "bare port refusal does not name an address: $(cat "$work/bare.err")"
echo "ok: a bare port is refused (exit $code)"

# 2. The demo with metrics on a free port; scrapes while it works.
demo="$work/demo"
"$P" demo "$demo" --headless --auto-approve --seed 4 --metrics 127.0.0.1:0 >"$work/demo.jsonl" 2>"$work/demo.err" &
child=$!
url="$(wait_for_url 60 "$work/demo.err")"
during=0
deadline=$((SECONDS + 240))
n=0
while :; do
    n=$((n + 1))
    scrape "$url" "$work/during-$n.json"
    if python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
jobs = {l["state"]: v for l, v in s["pilothouse_jobs"]}
sys.exit(0 if jobs["running"] + jobs["queued"] + jobs["merging"] > 0 else 1)' "$work/during-$n.json"; then
        during=$((during + 1))
    elif [ "$(busy "$demo")" -eq 0 ]; then
        break
    fi
    [ $SECONDS -lt "$deadline" ] || fail "the demo did not settle in 240 s"
    sleep 0.5
done
[ "$during" -gt 0 ] || fail "no scrape saw a job queued or running"
echo "ok: $n scrapes parsed, $during of them during the run"

# 3. After the run: every metric present, and the same numbers as status and cost. Beads can
#    still be appended (heartbeats, gauges do not add any, but be sure): take status, scrape,
#    status again, and compare only when the two statuses agree.
for try in 1 2 3 4 5; do
    "$P" status --json --repo "$demo" >"$work/status1.json"
    "$P" cost --json --repo "$demo" >"$work/cost.json"
    scrape "$url" "$work/after.json"
    "$P" status --json --repo "$demo" >"$work/status2.json"
    cmp -s "$work/status1.json" "$work/status2.json" && break
    sleep 1
done
python3 - "$work" <<'PY' || fail "metrics after the run disagree with status/cost"
import json, os, sys
work = sys.argv[1]
s = json.load(open(os.path.join(work, "after.json")))
status = json.load(open(os.path.join(work, "status1.json")))
cost = json.load(open(os.path.join(work, "cost.json")))
need = [
    "pilothouse_jobs", "pilothouse_jobs_finished_total", "pilothouse_stage_duration_seconds_bucket",
    "pilothouse_stage_duration_seconds_sum", "pilothouse_stage_duration_seconds_count",
    "pilothouse_llm_requests_total", "pilothouse_llm_tokens_total", "pilothouse_llm_spend_usd_total",
    "pilothouse_rate_limit_wait_seconds_total", "pilothouse_circuit_open", "pilothouse_queue_depth",
    "pilothouse_approvals_waiting", "pilothouse_approval_wait_seconds_bucket",
    "pilothouse_approval_wait_seconds_count", "pilothouse_quarantine_records", "pilothouse_beads_total",
]
missing = [n for n in need if n not in s]
if missing:
    sys.exit("missing: %s" % missing)
def by(name, label):
    return {l[label]: v for l, v in s[name]}
def one(name):
    return s[name][0][1]
problems = []
jobs = by("pilothouse_jobs", "state")
for state, count in jobs.items():
    if count != status["jobs"].get(state, 0):
        problems.append("jobs{%s} %s != status %s" % (state, count, status["jobs"].get(state, 0)))
if sum(jobs.values()) != status["total_jobs"]:
    problems.append("jobs total %s != %s" % (sum(jobs.values()), status["total_jobs"]))
if one("pilothouse_queue_depth") != status["jobs"].get("queued", 0):
    problems.append("queue_depth")
if one("pilothouse_approvals_waiting") != status["jobs"].get("awaiting_approval", 0):
    problems.append("approvals_waiting")
if one("pilothouse_beads_total") != status["beads"]:
    problems.append("beads %s != %s" % (one("pilothouse_beads_total"), status["beads"]))
if sum(by("pilothouse_quarantine_records", "reason").values()) != status["quarantined"]:
    problems.append("quarantine records")
spend = sum(v for _, v in s["pilothouse_llm_spend_usd_total"])
if abs(spend - float(cost["total_usd"])) > 1e-6:
    problems.append("spend %s != cost %s" % (spend, cost["total_usd"]))
calls = sum(v for _, v in s["pilothouse_llm_requests_total"])
if calls != cost["calls"] or calls == 0:
    problems.append("requests %s != cost calls %s" % (calls, cost["calls"]))
tokens = by_kind = {}
for labels, v in s["pilothouse_llm_tokens_total"]:
    by_kind[labels["kind"]] = by_kind.get(labels["kind"], 0) + v
if (by_kind.get("input"), by_kind.get("output"), by_kind.get("cached_input")) != (
        cost["tokens_in"], cost["tokens_out"], cost["tokens_cached"]):
    problems.append("tokens %s != cost" % by_kind)
finished = by("pilothouse_jobs_finished_total", "outcome")
for outcome in ("merged", "quarantined", "failed"):
    if finished.get(outcome, 0) != status["jobs"].get(outcome, 0):
        problems.append("finished{%s} %s != status %s" % (outcome, finished.get(outcome), status["jobs"].get(outcome, 0)))
stages = {l["stage"] for l, _ in s["pilothouse_stage_duration_seconds_count"]}
if not {"implement", "test"} <= stages:
    problems.append("stage durations only for %s" % sorted(stages))
if any(v < 0 for _, v in s["pilothouse_stage_duration_seconds_sum"]):
    problems.append("negative stage duration")
if any(v not in (0, 1) for _, v in s["pilothouse_circuit_open"]):
    problems.append("circuit_open not 0/1")
if problems:
    sys.exit("; ".join(problems))
print("ok: after the run, %d jobs, %d calls, $%s, %d beads agree with status and cost" % (
    status["total_jobs"], calls, cost["total_usd"], status["beads"]))
PY

# 4. Anything but /metrics is a 404.
python3 - "${url%/metrics}" <<'PY' || fail "a path other than /metrics was not a 404"
import sys, urllib.error, urllib.request
for path in ("/", "/metrics/x", "/favicon.ico"):
    try:
        urllib.request.urlopen(sys.argv[1] + path, timeout=10)
        sys.exit("%s answered 200" % path)
    except urllib.error.HTTPError as error:
        if error.code != 404:
            sys.exit("%s answered %d" % (path, error.code))
PY
echo "ok: other paths are 404"

# 5. A second engine asked for the same address stops at once with exit 2, naming it.
address="${url#http://}"
address="${address%/metrics}"
code=0
timeout 60 "$P" engine --json --metrics "$address" --repo "$demo" >/dev/null 2>"$work/inuse.err" || code=$?
[ "$code" -eq 2 ] || fail "an engine on a used address exited $code: $(cat "$work/inuse.err")"
grep -qF "$address" "$work/inuse.err" && grep -q "in use" "$work/inuse.err" \
    || fail "the port-in-use error does not name $address: $(cat "$work/inuse.err")"
echo "ok: a port in use is exit 2 naming $address"

kill -INT "$child"
code=0
wait "$child" || code=$?
child=""
[ "$code" -eq 130 ] || fail "the demo run interrupted exited $code"

# 6. A priced model and a run budget: spend is non-zero and the run's remaining budget is the
#    budget less what this run spent.
printf '\n[pricing."simulated:sim-1"]\ninput_per_mtok = 1000.0\noutput_per_mtok = 3000.0\n' \
    >>"$demo/.pilothouse/pilothouse.toml"
before="$("$P" cost --json --repo "$demo" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_micros"])')"
for i in 1 2; do "$P" enqueue "Priced job $i: note it in README.md" --files README.md --repo "$demo" >/dev/null; done
"$P" engine --json --auto-approve --budget 50.00 --metrics 127.0.0.1:0 --repo "$demo" >"$work/priced.jsonl" \
    2>"$work/priced.err" &
child=$!
url="$(wait_for_url 60 "$work/priced.err")"
deadline=$((SECONDS + 180))
until [ "$(busy "$demo")" -eq 0 ]; do
    [ $SECONDS -lt "$deadline" ] || fail "the priced jobs did not settle in 180 s"
    sleep 0.5
done
sleep 1.5 # the engine publishes its gauges (and so the budget) once a second
"$P" cost --json --repo "$demo" >"$work/cost2.json"
scrape "$url" "$work/priced.json"
python3 - "$work" "$before" <<'PY' || fail "priced run metrics are wrong"
import json, os, sys
work, before = sys.argv[1], int(sys.argv[2])
s = json.load(open(os.path.join(work, "priced.json")))
cost = json.load(open(os.path.join(work, "cost2.json")))
spend = sum(v for _, v in s["pilothouse_llm_spend_usd_total"])
if spend <= 0 or abs(spend - float(cost["total_usd"])) > 1e-6:
    sys.exit("spend %s, cost says %s" % (spend, cost["total_usd"]))
budget = {l["scope"]: v for l, v in s.get("pilothouse_budget_remaining_usd", [])}
if "run" not in budget:
    sys.exit("no budget_remaining_usd{scope=run}: %s" % budget)
spent = (cost["total_micros"] - before) / 1e6
if spent <= 0 or abs(budget["run"] - (50 - spent)) > 1e-6:
    sys.exit("run budget remaining %s, expected 50 - %s" % (budget["run"], spent))
print("ok: priced run spent $%.6f; budget_remaining_usd{scope=run} = %s" % (spent, budget["run"]))
PY
kill -TERM "$child"
code=0
wait "$child" || code=$?
child=""
[ "$code" -eq 0 ] || fail "the engine stopped by SIGTERM exited $code"
echo "ok: metrics e2e"
