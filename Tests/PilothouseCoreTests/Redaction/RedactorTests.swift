import PilothouseCore
import Testing

@Suite struct RedactorTests {
    static let positives: [(String, String, String)] = [
        ("aws_access_key", "key = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        (
            "aws_secret_key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ),
        (
            "github_token", "token: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        ),
        (
            "github_token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
        ),
        ("gitlab_token", "GITLAB=glpat-xY12abCD34efGH56ijKL", "glpat-xY12abCD34efGH56ijKL"),
        ("slack_token", "slack xoxb-123456789012-abcdefghijkl", "xoxb-123456789012-abcdefghijkl"),
        (
            "openai_key", "OPENAI_API_KEY=sk-proj-abc123DEF456ghi789JKL012mno345PQR678",
            "sk-proj-abc123DEF456ghi789JKL012mno345PQR678"
        ),
        (
            "anthropic_key", "key sk-ant-api03-abcdefghij0123456789ABCDEFGHIJ",
            "sk-ant-api03-abcdefghij0123456789ABCDEFGHIJ"
        ),
        (
            "private_key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
            "MIIEpAIBAAKCAQEA"
        ),
        (
            "jwt",
            "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        ),
        ("bearer_token", "Authorization: Bearer abcdefghijklmnop1234567890", "abcdefghijklmnop1234567890"),
        ("url_password", "DATABASE_URL=postgres://admin:s3cr3tpw@db.internal:5432/app", "s3cr3tpw"),
        ("email", "contact jane.doe@acme-corp.io for access", "jane.doe@acme-corp.io"),
        ("high_entropy_assignment", "db_password = \"Zx9!qR2#vL7mK4pW\"", "Zx9!qR2#vL7mK4pW"),
    ]

    @Test(arguments: positives)
    func redactsEachKind(kind: String, text: String, secret: String) {
        let redacted = Redactor.standard.redact(text)
        #expect(!redacted.contains(secret), "\(kind) leaked: \(redacted)")
        #expect(redacted.contains("[REDACTED:\(kind)]"), "\(redacted)")
        #expect(Redactor.standard.findings(in: text).map(\.kind).contains(kind))
    }

    @Test func keepsContextAroundTheSecret() {
        #expect(
            Redactor.standard.redact("postgres://admin:s3cr3tpw@db:5432/app")
                == "postgres://admin:[REDACTED:url_password]@db:5432/app")
    }

    @Test(arguments: [
        "password = \"changeme\"",
        "token = None",
        "max_tokens = 4096",
        "api_key = os.environ[\"OPENAI_API_KEY\"]",
        "secret_name = \"production_database_settings\"",
        "TOKEN_LIMIT=128000",
        "git clone git@github.com:org/repo.git",
        "author: test@example.com",
        "icon@2x.png",
        "https://example.com:8080/path?q=1",
        "https://user@host.example.org/repo",
        "let hash = sha256(data)",
        "sk-short",
        "the basic idea is simple",
        "See AKIA docs",
        "Bearer token",
    ])
    func leavesShortAndCommonValuesAlone(text: String) {
        #expect(Redactor.standard.redact(text) == text)
    }

    @Test func configPatternsExtendTheRedactor() throws {
        let redactor = Redactor.standard.adding([
            try SecretPattern(kind: "internal", regex: "itk_[a-z0-9]{12}")
        ])
        #expect(redactor.redact("x itk_abcdef123456 y") == "x [REDACTED:internal] y")
        #expect(throws: RedactionError.self) { try SecretPattern(kind: "bad", regex: "(") }
        #expect(throws: RedactionError.self) { try SecretPattern(kind: "empty", regex: "a*") }
        #expect(throws: RedactionError.self) { try SecretPattern(kind: "no spaces", regex: "x") }
    }

    @Test func findingsReportLines() {
        let text = "a\nb AKIAIOSFODNN7EXAMPLE\nc"
        #expect(Redactor.standard.findings(in: text).map(\.line) == [2])
    }
}

/// Inputs that make naive patterns backtrack without end must still be redacted: the time
/// limit turns a hang into a failure (speed itself is measured by benchmarks, not here).
@Suite(.timeLimit(.minutes(1))) struct RedactorPathologicalInputTests {
    @Test func largeUnbrokenTokensAreRedactedWithoutBacktrackingForever() {
        var generator = SeededGenerator(seed: 0x5EC2E7)  // seeded: a failure replays
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let blob = String((0..<200_000).map { _ in alphabet.randomElement(using: &generator)! })
        let text =
            "data = \(blob)\n-----BEGIN RSA PRIVATE KEY-----\n"
            + String(repeating: "identifier_token_", count: 5000)
        let redacted = Redactor.standard.redact(text)
        #expect(redacted.contains("[REDACTED:"))
        #expect(!redacted.contains("BEGIN RSA PRIVATE KEY-----\nidentifier_token_identifier"))
    }
}
