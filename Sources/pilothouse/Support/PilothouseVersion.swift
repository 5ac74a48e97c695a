/// The version printed by `--version` and recorded in every run header.
enum PilothouseVersion {
    static let current = "0.1.0"
}
