#!/usr/bin/env bash
# Issue #10, points 2, 4 and 7, against the real binary:
# * one secret of each built-in pattern in every input (enqueue goal, --title, a plan item,
#   test output, a CLI agent's output) is found nowhere: not in `.pilothouse/` (database,
#   WAL, worktrees, transcripts), not in `run --json`, not in any listing;
# * escape sequences in a plan item (`ESC ] 0 ; … BEL`, `ESC c`, C1 CSI, bidi override) never
#   reach the terminal raw from `jobs ls`, `jobs show`, `beads ls`, `import --dry-run` or an
#   error message;
# * a NUL in a plan item or in test output leaves a chain that verifies and a title not cut.
set -euo pipefail
P="${PILOTHOUSE:?set PILOTHOUSE to the pilothouse binary}"
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# kind|text|the part that must vanish (the same samples as Tests/…/StoredTextTests.swift).
samples=(
    'aws_access_key|key = AKIAIOSFODNN7EXAMPLE|AKIAIOSFODNN7EXAMPLE'
    'aws_secret_key|aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY|wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    'github_token|token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789|ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'
    'github_token|pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz|github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'
    'gitlab_token|GITLAB=glpat-xY12abCD34efGH56ijKL|glpat-xY12abCD34efGH56ijKL'
    'slack_token|slack xoxb-123456789012-abcdefghijkl|xoxb-123456789012-abcdefghijkl'
    'slack_webhook|hook https://hooks.slack.com/services/T0AAAA000/B0BBBB000/cccccccccccccccccccccccc|T0AAAA000/B0BBBB000/cccccccccccccccccccccccc'
    'anthropic_key|key sk-ant-api03-abcdefghij0123456789ABCDEFGHIJ|sk-ant-api03-abcdefghij0123456789ABCDEFGHIJ'
    'openai_key|OPENAI_API_KEY=sk-proj-abc123DEF456ghi789JKL012mno345PQR678|sk-proj-abc123DEF456ghi789JKL012mno345PQR678'
    'jwt|t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U|dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
    'bearer_token|Authorization: Bearer abcdefghijklmnop1234567890|abcdefghijklmnop1234567890'
    'basic_auth|Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==|dXNlcjpwYXNzd29yZDEyMw'
    'url_password|DATABASE_URL=postgres://admin:s3cr3tpw@db.internal:5432/app|s3cr3tpw'
    'email|contact jane.doe@acme-corp.io for access|jane.doe@acme-corp.io'
    'high_entropy_assignment|db_password = "Zx9!qR2#vL7mK4pW"|Zx9!qR2#vL7mK4pW'
)
private_key=$'-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7Qz\n-----END RSA PRIVATE KEY-----'
secrets=("MIIEpAIBAAKCAQEA7Qz")
texts=()
for sample in "${samples[@]}"; do
    IFS='|' read -r _ text secret <<<"$sample"
    texts+=("$text")
    secrets+=("$secret")
done
{
    printf '%s\n' "${texts[@]}"
    printf '%s\n' "$private_key"
} >"$work/secrets.txt"

repo="$work/repo"
git init -q -b main "$repo"
echo "value = 1" >"$repo/a.txt"
git -C "$repo" add -A
git -C "$repo" -c user.email=e2e@pilothouse.invalid -c user.name=e2e commit -q -m initial
"$P" init "$repo" >/dev/null
cd "$repo"

# A CLI agent and a test command that print every secret (and a NUL, and escapes).
cat >"$work/leaky-agent.sh" <<AGENT
cat '$work/secrets.txt'
printf 'agent nul \\000 esc \\033]0;agent\\007\\n'
echo "value = 2" > a.txt
AGENT
cat >".pilothouse/pilothouse.toml" <<TOML
[jobs]
max_attempts = 1

[test]
command = ["sh", "-c", "cat '$work/secrets.txt'; printf 'test nul \\\\000 byte\\\\n'; echo '1 failed'; exit 1"]

[agents.leaky]
kind = "custom"
command = ["sh", "$work/leaky-agent.sh"]
args = ["{prompt}", "{tools}"]
allowed_tools = { implementer = ["Read", "Write"] }

[[pipeline.stages]]
name = "implement"
model = "agent:leaky"
role = "implementer"

[[pipeline.stages]]
name = "check"
depends_on = ["implement"]

[[pipeline.stages]]
name = "test"
depends_on = ["check"]
TOML

# Inputs: an enqueue goal with every secret, a --title with every one-line secret, a plan
# with one item per secret (title and body).
title="leak"
for text in "${texts[@]}"; do title="$title $text"; done
"$P" enqueue "goal with $(cat "$work/secrets.txt")" --title "$title" >"$work/enqueue.out"
{
    printf '# Plan\n\n## P1\n\n'
    n=1
    for text in "${texts[@]}"; do
        printf '### %d. Rotate %s\n%s\n\n' "$n" "$text" "$text"
        n=$((n + 1))
    done
    printf '### %d. Rotate the deploy key\n%s\n' "$n" "$private_key"
} >"$work/secrets-plan.md"
"$P" import --dry-run "$work/secrets-plan.md" >"$work/dry-run.out"
"$P" import "$work/secrets-plan.md" >"$work/import.out"

# Escapes and NUL in a plan item (point 4 and point 7).
printf '## P1\n- evil \033]0;pwned\007 title \033c end \302\233 c1 \342\200\256 bidi\n- second \000 item\n' >"$work/m.md"
"$P" import "$work/m.md" >"$work/import-m.out"
"$P" import --dry-run "$work/m.md" >"$work/dry-run-m.out"

code=0
timeout 300 "$P" run --until-idle --json >"$work/run.jsonl" 2>"$work/run.err" || code=$?
[ "$code" -le 1 ] || fail "run exited $code: $(tail -n 5 "$work/run.err")"
python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$work/run.jsonl" || fail "run --json is not JSON lines"
# The inputs really went through: the agent ran and the tests printed their secrets and failed.
grep -q '"kind":"agent_ran"' "$work/run.jsonl" || fail "the CLI agent never ran: $(tail -n 3 "$work/run.err")"
grep -q '"kind":"tests_failed"' "$work/run.jsonl" || fail "the test command never ran"
grep -q 'REDACTED:aws_access_key' "$work/run.jsonl" || fail "run --json shows no redacted test output"

"$P" jobs ls >"$work/jobs.out"
"$P" jobs ls --json >"$work/jobs.json"
"$P" beads ls >"$work/beads.out"
"$P" beads export --jsonl >"$work/beads.jsonl"
"$P" quarantine ls >"$work/quarantine.out" 2>&1 || true
: >"$work/show.out"
for id in $("$P" jobs ls --json | python3 -c 'import json,sys; print(" ".join(j["id"] for j in json.load(sys.stdin)))'); do
    "$P" jobs show "$id" >>"$work/show.out"
done
"$P" jobs show $'\033c\033]0;err\007' >"$work/error.out" 2>&1 && fail "an unknown job id was accepted"

# Point 2: no secret anywhere.
outputs=("$work"/*.out "$work/run.jsonl" "$work/jobs.json" "$work/beads.jsonl")
grep -q "REDACTED" "$work/enqueue.out" || fail "enqueue did not echo the redacted title: $(cat "$work/enqueue.out")"
for secret in "${secrets[@]}"; do
    if grep -rlaF -- "$secret" .pilothouse >"$work/hits" 2>/dev/null; then
        fail "secret '$secret' stored in the clear in: $(tr '\n' ' ' <"$work/hits")"
    fi
    for file in "${outputs[@]}"; do
        grep -qaF -- "$secret" "$file" && fail "secret '$secret' shown in $(basename "$file")"
    done
    git log --all --format=%B | grep -qaF -- "$secret" && fail "secret '$secret' in a commit message"
done
grep -q '\[REDACTED:' "$work/beads.out" || fail "beads ls shows no redaction marker"

# Point 4: no byte a terminal obeys in human-readable output (tab and newline aside): C0, ESC,
# DEL, C1 (UTF-8 C2 80..9F) and bidi controls (E2 80 AA..AE, E2 81 A6..A9).
for file in "$work"/*.out; do
    if LC_ALL=C grep -qaP '[\x00-\x08\x0B-\x1F\x7F]|\xC2[\x80-\x9F]|\xE2\x80[\xAA-\xAE]|\xE2\x81[\xA6-\xA9]' "$file"; then
        fail "$(basename "$file") holds raw control characters: $(LC_ALL=C grep -naP '[\x00-\x08\x0B-\x1F\x7F]|\xC2[\x80-\x9F]|\xE2\x80[\xAA-\xAE]' "$file" | head -3 | od -c | head -5)"
    fi
done
grep -q "evil" "$work/jobs.out" || fail "jobs ls lost the escaped item"
python3 - "$work/jobs.json" <<'PY' || fail "jobs ls --json does not carry the escaped title exactly"
import json, sys
titles = [j["title"] for j in json.load(open(sys.argv[1]))]
assert any("\x1b]0;pwned\x07" in t and "\u202e" in t for t in titles), titles
PY

# Point 7: the NUL item is whole and the chain verifies.
grep -q "second � item" "$work/jobs.out" || fail "the NUL item's title was cut: $(grep second "$work/jobs.out")"
"$P" beads verify >"$work/verify.txt" 2>&1 || fail "beads verify: $(cat "$work/verify.txt")"
grep -q '^OK: ' "$work/verify.txt" || fail "beads verify said: $(cat "$work/verify.txt")"
echo "security-redaction: OK"
