import Foundation

/// What a response-cache read found.
public enum CacheLookup: Sendable, Equatable {
    case hit(Data)
    case miss
    /// The entry's bytes no longer match its SHA-256; it has been deleted.
    case corrupt
}
