import Foundation
import PilothouseCore

/// The line comments an operator has written on one waiting patch and not yet sent.
///
/// Kept per job in the model, not in the diff viewer, so closing and reopening the diff keeps
/// them; tied to the patch's bytes, so comments on an old attempt never attach to a new one.
public struct ReviewDraft: Hashable, Sendable {
    public var diff: Data
    /// By the diff viewer's row the comment shows under (the last row of its range).
    public var comments: [Int: LineComment] = [:]

    public init(diff: Data) { self.diff = diff }

    /// In patch order, as the model reads them.
    public var ordered: [LineComment] { comments.keys.sorted().compactMap { comments[$0] } }
}
