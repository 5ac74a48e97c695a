/// The numbers a patch summary shows (and `Patch` stores), counted from the parsed hunks so they
/// agree with what the diff viewer displays.
public struct DiffStats: Hashable, Sendable, Codable {
    public var filesChanged: Int
    public var linesAdded: Int
    public var linesRemoved: Int

    public init(filesChanged: Int = 0, linesAdded: Int = 0, linesRemoved: Int = 0) {
        self.filesChanged = filesChanged
        self.linesAdded = linesAdded
        self.linesRemoved = linesRemoved
    }
}
