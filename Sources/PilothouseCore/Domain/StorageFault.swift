/// Recognises a full or failing disk in what a tool printed (git, a test command, the OS).
///
/// A stage that fails because the disk is full did nothing wrong: the job must neither be
/// quarantined (git's "unable to write loose object file" once looked like a patch that does
/// not apply) nor spend an attempt. The engine waits for space instead.
public enum StorageFault {
    /// What git, coreutils and the C library print for ENOSPC and EDQUOT.
    static let signatures = ["No space left on device", "Disk quota exceeded", "ENOSPC", "EDQUOT"]

    /// Whether `text` reports a full disk or quota.
    public static func matches(_ text: String) -> Bool {
        signatures.contains { text.contains($0) }
    }
}
