/// The `[notify]` config section: which kinds of notification go to which channels.
///
/// A value in Core so that the configuration loader (engine) fills it and the console reads it
/// without either depending on the other.
public struct NotifySettings: Sendable, Hashable {
    /// Channels per kind; a kind that is absent or empty is not announced at all.
    public var channels: [NotificationKind: Set<NotificationChannel>]
    /// Program and arguments run for the `command` channel (never through a shell); the
    /// notification arrives as one JSON object on its stdin.
    public var command: [String]
    /// How long a lane must stay rate limited before `rate_limited` is announced, in seconds.
    public var rateLimitedAfterSeconds: Int
    /// Notifications closer together than this are gathered into one digest, in seconds.
    public var digestSeconds: Int

    /// Bell and desktop for everything the operator has to act on; a finished run and a long
    /// rate limit get the desktop notification only. No command unless configured.
    public static let defaultChannels: [NotificationKind: Set<NotificationChannel>] = [
        .approvalWaiting: [.bell, .desktop], .quarantined: [.bell, .desktop], .budgetHold: [.bell, .desktop],
        .rateLimited: [.desktop], .runFinished: [.desktop],
    ]

    public init(
        channels: [NotificationKind: Set<NotificationChannel>] = NotifySettings.defaultChannels,
        command: [String] = [], rateLimitedAfterSeconds: Int = 120, digestSeconds: Int = 5
    ) {
        self.channels = channels
        self.command = command
        self.rateLimitedAfterSeconds = rateLimitedAfterSeconds
        self.digestSeconds = digestSeconds
    }

    /// Nothing at all, e.g. for `[notify] enabled = false`.
    public static let off = NotifySettings(channels: [:])

    public func channels(for kind: NotificationKind) -> Set<NotificationChannel> {
        var result = channels[kind] ?? []
        // A command channel without a command has nothing to run.
        if command.isEmpty { result.remove(.command) }
        return result
    }
}
