import Crypto
import Foundation

/// How a webhook body is signed: HMAC-SHA256 of the exact body bytes with the shared secret,
/// as lower-case hex after `sha256=` — GitHub's `X-Hub-Signature-256` scheme, so receivers
/// can reuse their verification code.
public enum WebhookSignature {
    public static let header = "X-Pilothouse-Signature-256"

    public static func sign(_ body: Data, secret: Data) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + code.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
