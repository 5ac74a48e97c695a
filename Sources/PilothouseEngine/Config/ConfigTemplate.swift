/// The commented `pilothouse.toml` that `pilothouse init` writes.
public enum ConfigTemplate {
    public static let text = """
        # Pilothouse configuration for this repository.
        # Every setting is optional; the values shown are the defaults.
        # Reference: Docs/CONFIGURATION.md

        [jobs]
        # Tries per job, counted across crashes, before it is quarantined (max_attempts).
        max_attempts = 3
        # Priority for `pilothouse enqueue` without --priority: P0 (first) … P3.
        default_priority = "P2"
        # Category for jobs that do not name one:
        # features, security, compliance, integration, quality, performance, docs.
        default_category = "quality"

        """
}
