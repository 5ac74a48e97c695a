/// A run of cells on one row that differ between two frames; the backend redraws only these.
///
/// Spans never start on the continuation of a wide character or end in the middle of one, because a
/// terminal cannot draw half a character.
public struct CanvasSpan: Hashable, Sendable {
    public var y: Int
    public var x: Int
    public var width: Int

    public init(y: Int, x: Int, width: Int) {
        self.y = y
        self.x = x
        self.width = width
    }

    public var maxX: Int { x + width }
}
