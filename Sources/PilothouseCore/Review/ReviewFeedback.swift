/// The text an operator's rejection gives the model for its next attempt: the reason, then
/// every line comment with the file, line and line text it is about.
///
/// The comments are quoted verbatim (no trimming, no rewording): the operator wrote them for
/// the model, and a test checks that the next attempt's prompt contains them as written.
public enum ReviewFeedback {
    public static func text(reason: String, comments: [LineComment]) -> String {
        guard !comments.isEmpty else { return reason }
        var text = reason.isEmpty ? "" : reason + "\n\n"
        text += "Comments on lines of the previous patch:\n"
        for comment in comments {
            text += "\n\(comment.location)\n"
            for line in comment.text.split(separator: "\n", omittingEmptySubsequences: false) {
                text += "    \(line)\n"
            }
            text += "Comment: \(comment.comment)\n"
        }
        return text
    }
}
