import Foundation
import PilothouseCore
import Synchronization

/// What a running engine does beside its jobs to keep `.pilothouse/` in check: measures the
/// disk used under it for the gauges pane, and, under `[retention] gc_older_than`, collects
/// garbage as `pilothouse gc` would, every `gc_interval` (the first time at start).
///
/// Both walk or change the file system and may take a while on a large repository, so they run
/// on a dispatch queue, never on the engine's actor or the cooperative pool; the engine reads
/// the last measurement.
public final class WorkspaceMaintenance: Sendable {
    public let homeDirectory: String
    public let collector: GarbageCollector
    public let settings: RetentionSettings
    /// How often the disk is measured.
    public let measureInterval: Duration
    private let measured = Mutex<Int64?>(nil)

    public init(
        homeDirectory: String, collector: GarbageCollector, settings: RetentionSettings,
        measureInterval: Duration = .seconds(30)
    ) {
        self.homeDirectory = homeDirectory
        self.collector = collector
        self.settings = settings
        self.measureInterval = measureInterval
    }

    /// Bytes under `.pilothouse/` at the last measurement; nil before the first.
    public var diskUsedBytes: Int64? { measured.withLock { $0 } }

    /// Measures and collects until cancelled. `notify` is where a collection's outcome goes:
    /// a line when it removed something, and any failure with what to do about it.
    public func run(notify: @escaping @Sendable (String) async -> Void) async {
        var lastCollection: ContinuousClock.Instant?
        while !Task.isCancelled {
            let home = homeDirectory
            let bytes = await Self.offload { DiskUsage.bytes(under: home) }
            measured.withLock { $0 = bytes }
            if let age = settings.gcOlderThan,
                lastCollection.map({ ContinuousClock.now - $0 >= .seconds(settings.gcInterval) }) ?? true
            {
                lastCollection = .now
                if let line = await Self.offload({ self.collect(olderThan: age) }) { await notify(line) }
            }
            try? await Task.sleep(for: measureInterval)
        }
    }

    /// Runs file-system work on a dispatch queue: blocking a thread of the cooperative pool
    /// (two on a 2-core machine) would stall the engine's stages meanwhile.
    private static func offload<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: body()) }
        }
    }

    /// One collection; the line to show, or nil when there was nothing to say.
    func collect(olderThan age: TimeInterval) -> String? {
        do {
            let report = try collector.collect(olderThan: age, dryRun: false)
            guard !report.jobs.isEmpty || report.transcriptsDeleted > 0 || report.cacheEntriesDeleted > 0
            else {
                return nil
            }
            return
                "retention: removed the worktrees and branches of \(report.jobs.count) job(s) finished over "
                + "\(Int(age / 3600))h ago (\(report.bytesFreed / 1_048_576) MiB), \(report.transcriptsDeleted) "
                + "transcript(s), \(report.cacheEntriesDeleted) cache entries"
        } catch {
            return
                "retention: automatic gc failed (\(error)); run `pilothouse gc --dry-run` to see what it would remove"
        }
    }
}
