/// A cell position; coordinates may be negative so text can start left of a clip and scroll in.
public struct Point: Hashable, Sendable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}
