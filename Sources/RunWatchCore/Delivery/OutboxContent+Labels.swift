/// The store keeps a run's labels once and has outbox rows refer to them, so each row's
/// content is stored without its labels and given them back when read.
extension OutboxContent {
    package var labels: [String: String] {
        switch self {
        case .alert(let alert): alert.labels
        case .transition(let notice): notice.labels
        case .suite(let report, _): report.labels
        }
    }

    package func withLabels(_ labels: [String: String]) -> OutboxContent {
        switch self {
        case .alert(var alert):
            alert.labels = labels
            return .alert(alert)
        case .transition(var notice):
            notice.labels = labels
            return .transition(notice)
        case .suite(var report, let part):
            report.labels = labels
            return .suite(report, part: part)
        }
    }
}
