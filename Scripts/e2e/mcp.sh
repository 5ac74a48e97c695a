#!/usr/bin/env bash
# `pilothouse mcp` end to end with a client written by others: the official Python MCP SDK
# (PyPI `mcp`, pinned in .ci/run) spawns the server over stdio, lists its tools, enqueues a
# job and reads it back, fetches its diff after a `pilothouse run` in another process, is
# refused `approve` while [mcp] allow_decisions is off, and sends hostile input (NUL bytes, a
# 20 MB goal, a 30 MB request, `../` paths, a patch adding a secret) that is refused with a
# tool error while the session goes on. Then, with allow_decisions on, `approve` works.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
PY="${MCP_PYTHON:-${HOME}/.cache/pilothouse-ci/mcp-1.9.4/bin/python}"
"$PY" -c 'import mcp' 2>/dev/null ||
    { echo "FAIL: no Python with the mcp package at $PY (.ci/run installs mcp==1.9.4 there; or set MCP_PYTHON)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

repo="$work/repo"
git init -q -b main "$repo"
echo "value = old1" >"$repo/file1.txt"
printf '#!/bin/sh\ngrep -q "^value = " file1.txt && echo ok\n' >"$repo/test.sh"
cat >"$repo/PLAN.md" <<'PLAN'
# Plan

## P1 — High

### 1. Document the values file
Explain what file1.txt holds.
PLAN
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
"$P" init "$repo" >/dev/null
printf '[test]\ncommand = ["sh", "test.sh"]\n' >"$repo/.pilothouse/pilothouse.toml"

cat >"$work/client.py" <<'PY'
import asyncio, json, os, subprocess, sys, time
from mcp import ClientSession, StdioServerParameters
from mcp.shared.exceptions import McpError
from mcp.client.stdio import stdio_client

P, REPO, PHASE = sys.argv[1], sys.argv[2], sys.argv[3]

def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)

async def call(session, name, arguments=None, error=False):
    result = await asyncio.wait_for(session.call_tool(name, arguments or {}), 60)
    text = result.content[0].text if result.content else ""
    if bool(result.isError) != error:
        fail(f"{name}: expected {'a refusal' if error else 'an answer'}, got {text[:300]!r}")
    return text if error else json.loads(text)

async def main():
    server = StdioServerParameters(command=P, args=["mcp", "--repo", REPO])
    with open(os.path.join(REPO, "..", f"mcp-{PHASE}.stderr"), "w") as errlog:
        async with stdio_client(server, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                info = await asyncio.wait_for(session.initialize(), 30)
                if info.serverInfo.name != "pilothouse":
                    fail(f"server says it is {info.serverInfo.name}")
                await (decisions(session) if PHASE == "decisions" else everyday(session))

async def everyday(session):
    names = sorted(tool.name for tool in (await session.list_tools()).tools)
    expected = sorted(["enqueue", "submit_patch", "import_plan", "list_jobs", "get_job", "get_diff", "status",
                       "cost", "list_quarantine", "events_since", "verify_chain"])
    if names != expected:
        fail(f"tools/list gave {names}")

    job = await call(session, "enqueue", {"goal": "Fix: replace `old1` with `new1` in file1.txt",
                                          "files": ["file1.txt"], "priority": "P1"})
    read = await call(session, "get_job", {"id": job["id"][-8:]})
    if read["job"]["id"] != job["id"] or read["job"]["state"] != "queued" or not read["beads"]:
        fail(f"get_job read back {read}")
    if read["beads"][0]["kind"] != "job_created":
        fail(f"first bead is {read['beads'][0]}")
    listed = await call(session, "list_jobs", {"state": "queued", "limit": 1})
    if listed["total"] != 1 or listed["jobs"][0]["id"] != job["id"]:
        fail(f"list_jobs gave {listed}")
    refused = await call(session, "get_diff", {"id": job["id"]}, error=True)
    if "has no patch yet" not in refused:
        fail(f"get_diff before a run said {refused!r}")
    plan = await call(session, "import_plan", {"path": "PLAN.md"})
    if len(plan["added"]) != 1:
        fail(f"import_plan gave {plan}")
    resources = await session.list_resources()
    if [str(r.uri) for r in resources.resources] != ["pilothouse-plan:///PLAN.md"]:
        fail(f"resources/list gave {resources}")

    # Hostile input: refused with a tool error that says what to do; the session goes on.
    nul = await call(session, "enqueue", {"goal": "NUL\u0000inside", "title": "nul\u0000\u001b[2J"})
    if "\u0000" in nul["goal"] or "\u0000" in nul["title"]:
        fail(f"a NUL byte was stored: {nul!r}")
    started = time.monotonic()
    huge = await call(session, "enqueue", {"goal": "x" * (20 << 20)}, error=True)
    if "[limits] goal_bytes" not in huge:
        fail(f"a 20 MB goal got {huge[:200]!r}")
    print(f"mcp.sh: a 20 MB goal was refused in {time.monotonic() - started:.2f} s", file=sys.stderr)
    try:
        await asyncio.wait_for(session.call_tool("enqueue", {"goal": "y" * (30 << 20)}), 60)
        fail("a 30 MB request was answered as if read")
    except McpError as error:
        if "more than" not in str(error):
            fail(f"a 30 MB request got {error}")
    escape = await call(session, "enqueue", {"goal": "g", "files": ["../../etc/passwd"]}, error=True)
    if "'..'" not in escape:
        fail(f"a ../ file got {escape!r}")
    secret = ("diff --git a/file1.txt b/file1.txt\n--- a/file1.txt\n+++ b/file1.txt\n"
              "@@ -1 +1 @@\n-value = old1\n+value = AKIAIOSFODNN7EXAMPLE\n")
    leaked = await call(session, "submit_patch", {"diff": secret}, error=True)
    if "looks like a secret" not in leaked or "AKIAIOSFODNN7EXAMPLE" in leaked:
        fail(f"a patch adding a secret got {leaked!r}")
    outside = await call(session, "import_plan", {"path": "/etc/passwd"}, error=True)
    if "outside the repository" not in outside:
        fail(f"import_plan of /etc/passwd got {outside!r}")
    refused = await call(session, "approve", {"id": job["id"]}, error=True)
    if "allow_decisions is off" not in refused:
        fail(f"approve while decisions are off got {refused!r}")

    # The engine runs in another process while this session stays open.
    cursor = (await call(session, "events_since", {}))["next_cursor"]
    run = subprocess.run([P, "run", "--until-idle", "--repo", REPO], capture_output=True, text=True, timeout=300)
    if run.returncode not in (0, 1):
        fail(f"pilothouse run exited {run.returncode}: {run.stderr[-500:]}")
    events = await call(session, "events_since", {"cursor": cursor, "limit": 1000})
    if not events["beads"] or events["beads"][0]["seq"] != cursor + 1:
        fail(f"events_since after the run gave {str(events)[:300]}")
    state = (await call(session, "get_job", {"id": job["id"]}))["job"]["state"]
    if state != "awaiting_approval":
        fail(f"after the run the job is {state}")
    diff = await call(session, "get_diff", {"id": job["id"]})
    if "+value = new1" not in diff["diff"]:
        fail(f"get_diff gave {diff}")
    refused = await call(session, "approve", {"id": job["id"]}, error=True)
    if "allow_decisions is off" not in refused:
        fail(f"approve after the run got {refused!r}")
    if (await call(session, "get_job", {"id": job["id"]}))["job"]["state"] != "awaiting_approval":
        fail("a refused approve changed the job")
    chain = await call(session, "verify_chain")
    if not chain["ok"]:
        fail(f"verify_chain: {chain}")
    print(job["id"])

async def decisions(session):
    names = {tool.name for tool in (await session.list_tools()).tools}
    if not {"approve", "reject", "drop_quarantine"} <= names:
        fail(f"with allow_decisions on, tools/list gave {sorted(names)}")
    job = os.environ["JOB"]
    approved = await call(session, "approve", {"id": job})
    if approved["state"] != "merging":
        fail(f"approve gave {approved}")

asyncio.run(main())
PY

job="$("$PY" "$work/client.py" "$P" "$repo" everyday)" || { cat "$work"/mcp-*.stderr >&2 || true; exit 1; }
# Standard output carried JSON-RPC only, so the client read every answer; the server's
# standard error is empty on a clean session.
[ ! -s "$work/mcp-everyday.stderr" ] || { echo "FAIL: pilothouse mcp wrote to stderr:" >&2; cat "$work/mcp-everyday.stderr" >&2; exit 1; }

printf '[test]\ncommand = ["sh", "test.sh"]\n\n[mcp]\nallow_decisions = true\n' >"$repo/.pilothouse/pilothouse.toml"
JOB="$job" "$PY" "$work/client.py" "$P" "$repo" decisions || { cat "$work"/mcp-*.stderr >&2 || true; exit 1; }
state="$("$P" jobs show "$job" --repo "$repo" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"]["state"])')"
[ "$state" = merging ] || { echo "FAIL: after approve over MCP the job is $state" >&2; exit 1; }
echo "mcp.sh: OK"
