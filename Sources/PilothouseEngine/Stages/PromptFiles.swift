import Foundation
import PilothouseCore

/// The files a prompt shows the model, in the `=== FILE: path ===` format every model
/// stage (and the simulated provider) understands.
///
/// Paths come from plans, so they are checked before reading: nothing outside the
/// repository, nothing under `.git`, and a bounded number of bytes in total.
public enum PromptFiles {
    public static func render(root: String, paths: [String], maxBytes: Int = 48_000) -> String {
        var output = ""
        var budget = maxBytes
        for path in paths {
            guard budget > 0, let clean = try? PathRules.validate(relativePath: path) else { continue }
            let full = (root as NSString).appendingPathComponent(clean)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
                !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: full)
            else { continue }
            let text = String(decoding: data.prefix(budget), as: UTF8.self)
            budget -= data.count
            output += "=== FILE: \(clean) ===\n\(text)\(text.hasSuffix("\n") ? "" : "\n")=== END FILE ===\n"
        }
        return output
    }
}
