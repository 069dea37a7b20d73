/// What a run's routing becomes when another submission names it again. Producers are
/// different teams: a later one may widen who is told, never narrow it.
extension RunRouting {
    /// - labels: the first writer's values stay (a notifier route matching a label must
    ///   not lose the run to a later overwrite); new keys are added, up to `maxLabels`;
    /// - notifiers: the union. `nil` (every matching notifier) is the widest and absorbs
    ///   any list; an empty list adds nothing (it cannot mute a run).
    package func resubmitted(_ other: RunRouting, maxLabels: Int = SpoolLimits.default.maxLabels) -> RunRouting {
        var labels = self.labels
        for key in other.labels.keys.sorted() where labels[key] == nil && labels.count < maxLabels {
            labels[key] = other.labels[key]
        }
        let notifiers: [String]?
        if let mine = self.notifiers, let theirs = other.notifiers {
            notifiers = mine + theirs.filter { !mine.contains($0) }
        } else {
            notifiers = nil
        }
        return RunRouting(labels: labels, notifiers: notifiers)
    }

    /// No labels and no list: what a run without a stored routing has.
    package var isDefault: Bool { labels.isEmpty && notifiers == nil }
}
