import MCP
import PilothouseCore

/// The arguments of one tool call, read with the types its schema promises.
///
/// A client may send anything: an unknown argument, a number where a string belongs, a list
/// of objects. Each is refused with the tool's and the argument's name, so the model calling
/// the tool can correct itself; nothing is coerced or silently ignored. JSON `null` counts as
/// left out.
struct ToolArguments {
    let tool: String
    private let values: [String: Value]

    /// Refuses arguments the tool does not take (`accepted`: the names its schema lists).
    init(tool: String, values: [String: Value]?, accepted: [String]) throws(ToolFailure) {
        self.tool = tool
        self.values = (values ?? [:]).filter { !$0.value.isNull }
        if let unknown = self.values.keys.sorted().first(where: { !accepted.contains($0) }) {
            let known = accepted.isEmpty ? "no arguments" : accepted.sorted().joined(separator: ", ")
            throw ToolFailure("\(tool): unknown argument '\(unknown)'; it takes \(known)")
        }
    }

    func string(_ key: String) throws(ToolFailure) -> String? {
        guard let value = values[key] else { return nil }
        guard case .string(let text) = value else { throw mistyped(key, "a string") }
        return text
    }

    func requiredString(_ key: String) throws(ToolFailure) -> String {
        guard let text = try string(key) else { throw ToolFailure("\(tool): '\(key)' is required") }
        return text
    }

    /// An integer within `range`; a whole number sent as a float (`3.0`) counts.
    func int(_ key: String, in range: ClosedRange<Int>) throws(ToolFailure) -> Int? {
        guard let value = values[key] else { return nil }
        let number: Int
        switch value {
        case .int(let int): number = int
        case .double(let double) where double.rounded() == double && abs(double) < 1e15: number = Int(double)
        default: throw mistyped(key, "an integer")
        }
        guard range.contains(number) else {
            throw ToolFailure(
                "\(tool): '\(key)' is \(number); use \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    func strings(_ key: String) throws(ToolFailure) -> [String]? {
        guard let value = values[key] else { return nil }
        guard case .array(let items) = value else { throw mistyped(key, "a list of strings") }
        return try items.map { (item: Value) throws(ToolFailure) -> String in
            guard case .string(let text) = item else { throw mistyped(key, "a list of strings") }
            return text
        }
    }

    func ints(_ key: String, in range: ClosedRange<Int>) throws(ToolFailure) -> [Int]? {
        guard let value = values[key] else { return nil }
        guard case .array(let items) = value else { throw mistyped(key, "a list of integers") }
        return try items.map { (item: Value) throws(ToolFailure) -> Int in
            guard case .int(let number) = item, range.contains(number) else {
                throw mistyped(key, "a list of integers in \(range.lowerBound)…\(range.upperBound)")
            }
            return number
        }
    }

    /// A label such as a priority or a state, read by `parse`; an unknown one is refused with
    /// the labels that work (`expected`), calling the argument `noun` (default: its name).
    func label<T>(_ key: String, noun: String? = nil, _ parse: (String) -> T?, expected: String)
        throws(ToolFailure) -> T?
    {
        guard let text = try string(key) else { return nil }
        guard let value = parse(text) else {
            throw ToolFailure("\(tool): unknown \(noun ?? key) '\(text)'; use \(expected)")
        }
        return value
    }

    func priority() throws(ToolFailure) -> Priority? {
        try label("priority", Priority.init(label:), expected: "P0, P1, P2 or P3")
    }

    func category() throws(ToolFailure) -> JobCategory? {
        try label(
            "category", JobCategory.init(label:),
            expected: "one of \(JobCategory.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    private func mistyped(_ key: String, _ expected: String) -> ToolFailure {
        ToolFailure("\(tool): '\(key)' must be \(expected)")
    }
}
