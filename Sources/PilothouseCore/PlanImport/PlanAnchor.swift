import Foundation

/// Builds anchors: the identity an item keeps across re-imports of an edited plan.
enum PlanAnchor {
    private static let componentLimit = 64

    /// Lowercase letters and digits joined by single dashes, cut at a word boundary. Unicode letters
    /// stay, so plans written in other languages still get readable, distinct anchors.
    static func slug(_ text: String) -> String {
        var output = ""
        var pendingDash = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingDash && !output.isEmpty { output.append("-") }
                pendingDash = false
                output.append(character)
                if output.count >= componentLimit + 16 { break }
            } else {
                pendingDash = true
            }
        }
        guard output.count > componentLimit else { return output }
        let cut = output.prefix(componentLimit)
        if let dash = cut.lastIndex(of: "-"),
            cut.distance(from: cut.startIndex, to: dash) >= componentLimit / 2
        {
            return String(cut[..<dash])
        }
        return String(cut)
    }

    /// "section/item"; the section is the item's enclosing heading without its parenthetical note,
    /// which plans reword more often than the heading itself. Both are slugged after redaction:
    /// a slug turns `Bearer abc…` into `bearer-abc…`, which no pattern recognises any more, so
    /// a secret in a heading would otherwise be stored in the clear inside the anchor.
    static func base(section: String?, item: String) -> String {
        let itemSlug = slug(Redactor.standard.redact(item))
        let leaf = itemSlug.isEmpty ? "item" : itemSlug
        guard let section else { return leaf }
        let sectionSlug = slug(Redactor.standard.redact(withoutParentheticals(section)))
        return sectionSlug.isEmpty ? leaf : sectionSlug + "/" + leaf
    }

    private static func withoutParentheticals(_ text: String) -> String {
        var output = ""
        var depth = 0
        for character in text {
            if character == "(" {
                depth += 1
            } else if character == ")" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                output.append(character)
            }
        }
        return output
    }

    /// Suffixes repeats with -2, -3… in document order, so the same plan always yields the same
    /// anchors and no two items of a plan share one.
    static func unique(_ bases: [String]) -> [String] {
        var used = Set<String>()
        var nextSuffix: [String: Int] = [:]
        var result: [String] = []
        result.reserveCapacity(bases.count)
        for base in bases {
            var anchor = base
            if used.contains(anchor) {
                var suffix = nextSuffix[base] ?? 2
                repeat {
                    anchor = "\(base)-\(suffix)"
                    suffix += 1
                } while used.contains(anchor)
                nextSuffix[base] = suffix
            }
            used.insert(anchor)
            result.append(anchor)
        }
        return result
    }
}
