/// A width and height in cells.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Written with `×` because that is how the operator sees sizes in messages ("80×24").
    public var description: String { "\(width)×\(height)" }
}
