/// What one Slack message that reached the receiver carried, in the demo's words.
enum SlackDelivery {
    /// "delivered digest of 7 failures to slack" for a digest (its text starts with its
    /// headline, "7 runs failed …"), "delivered 1 failure to slack" for a single alert.
    static func summary(_ text: String) -> String {
        let words = text.split(separator: " ", maxSplits: 2)
        if words.count == 3, words[1] == "runs", let count = Int(words[0]) {
            return "delivered digest of \(count) failures to slack"
        }
        return "delivered 1 failure to slack"
    }
}
