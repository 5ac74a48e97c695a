import Foundation

/// A Prometheus text exposition read back into samples, so tests compare values, not bytes
/// (families come out in the registry's order, which is a dictionary's).
struct Exposition {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
    }

    var samples: [Sample: Double] = [:]
    var types: [String: String] = [:]

    init(_ bytes: [UInt8]) {
        self.init(String(decoding: bytes, as: UTF8.self))
    }

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else {
                continue
            }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                samples[Sample(name: String(series), labels: [:])] = value
                continue
            }
            samples[
                Sample(
                    name: String(series[..<brace]), labels: Self.labels(series[series.index(after: brace)...])
                )] =
                value
        }
    }

    /// `a="x",b="y\"z"}` → [a: x, b: y"z], undoing the format's escapes.
    private static func labels(_ text: Substring) -> [String: String] {
        var labels: [String: String] = [:]
        var rest = text[...]
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ","))
            var value = ""
            var index = rest.index(equals, offsetBy: 2)
            while rest[index] != "\"" {
                if rest[index] == "\\" {
                    index = rest.index(after: index)
                    value.append(rest[index] == "n" ? "\n" : rest[index])
                } else {
                    value.append(rest[index])
                }
                index = rest.index(after: index)
            }
            labels[name] = value
            rest = rest[rest.index(after: index)...]
        }
        return labels
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples[Sample(name: name, labels: labels)]
    }

    /// Every sample of one metric name, by its labels.
    func series(_ name: String) -> [[String: String]: Double] {
        var result: [[String: String]: Double] = [:]
        for (sample, value) in samples where sample.name == name { result[sample.labels] = value }
        return result
    }
}
