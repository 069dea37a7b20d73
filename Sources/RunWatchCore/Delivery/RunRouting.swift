/// Who a run's alerts may reach: the labels its producer gave it, and the notifiers its
/// submission named (nil: every notifier whose events and labels match). Travels with the
/// tracked run, so routing an alert reads nothing from the store.
package struct RunRouting: Sendable, Equatable {
    package var labels: [String: String]
    /// nil: every notifier whose events match.
    package var notifiers: [String]?

    package init(labels: [String: String] = [:], notifiers: [String]? = nil) {
        self.labels = labels
        self.notifiers = notifiers
    }
}
