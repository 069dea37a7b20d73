import Foundation
import RunWatchCore

/// `/runs/{id}`: transitions with times, the snapshot of a run that ended badly, every
/// delivery attempt per notifier, the suites the run is in.
package struct RunView: Sendable {
    package struct TransitionRow: Sendable, Equatable {
        package var fromStatus: String
        package var toStatus: String
        package var transitionAt: ConsolePageText.Moment
    }

    package struct Snapshot: Sendable, Equatable {
        package struct Field: Sendable, Equatable {
            package var fieldName: String
            package var fieldValue: String
        }

        package var fields: [Field]
        package var recording: String?
        package var anomalies: [String]
        package var hasAnomalies: Bool
    }

    package struct SuiteLink: Sendable, Equatable {
        package var linkName: String
        package var linkHref: String
        package var linkInstance: Int64
    }

    package var frame: PageFrame
    package var id: RunID
    package var runStatus: String
    package var runOutcome: String
    package var runOutcomeKey: String
    package var submitted: ConsolePageText.Moment
    package var endedAt: ConsolePageText.Moment?
    package var scenarioName: String?
    package var errorText: String?
    package var durationText: String?
    package var dashboardLink: String?
    package var labels: [SuiteView.Label]
    package var hasLabels: Bool
    package var transitions: [TransitionRow]
    package var snapshot: Snapshot?
    package var deliveries: [DeliveryRow]
    package var suites: [SuiteLink]
    package var hasSuites: Bool

    package init(_ document: RunDocument) {
        let now = document.generatedAt
        let run = document.run
        let owed = document.deliveries.contains { $0.state == "pending" }
        frame = PageFrame(title: "run \(run.id)", section: .none, refresh: !run.ended || owed, generatedAt: now)
        id = run.id
        runStatus = run.status.map { ConsolePageText.untrusted($0.rawValue, limit: 80) } ?? "not yet seen by the API"
        runOutcome = ConsolePageText.outcome(run.outcome)
        runOutcomeKey = run.outcome?.rawValue ?? "running"
        submitted = ConsolePageText.moment(run.submittedAt, now: now)
        endedAt = run.endedAt.map { ConsolePageText.moment($0, now: now) }
        scenarioName = run.scenarioName.map { ConsolePageText.untrusted($0, limit: ConsolePageText.nameLimit) }
        errorText = run.passed ? nil : run.error.map { ConsolePageText.untrusted($0) }
        durationText = ConsolePageText.duration(of: run)
        dashboardLink = ConsolePageText.webLink(run.dashboardURL)
        labels = SuiteView.labels(document.labels)
        hasLabels = !labels.isEmpty
        transitions = document.transitions.map {
            TransitionRow(
                fromStatus: $0.from.map { ConsolePageText.untrusted($0, limit: 80) } ?? "(new)",
                toStatus: ConsolePageText.untrusted($0.to, limit: 80), transitionAt: ConsolePageText.moment($0.at, now: now))
        }
        snapshot = document.snapshot.map(Self.snapshot)
        deliveries = document.deliveries.map { DeliveryRow($0, now: now) }
        suites = document.suites.map {
            SuiteLink(
                linkName: ConsolePageText.untrusted($0.name, limit: ConsolePageText.nameLimit),
                linkHref: ConsolePageText.suitePath($0.name, instance: $0.instance), linkInstance: $0.instance)
        }
        hasSuites = !suites.isEmpty
    }

    /// The fields people read, in the order they read them; absent ones left out.
    static func snapshot(_ line: SnapshotLine) -> Snapshot {
        let text = { (value: String?) in value.map { ConsolePageText.untrusted($0) } }
        let pairs: [(String, String?)] = [
            ("Status", text(line.status)),
            ("Success", line.success.map { $0 ? "true" : "false" } ?? "null"),
            ("Scenario", text(line.scenario)),
            ("Agent", text(line.agent)),
            ("Personality", text(line.personality)),
            ("Error message", text(line.errorMessage)),
            ("Ended reason", text(line.endedReason)),
            ("Duration", text(line.duration)),
            ("Result", line.resultID.map(String.init)),
        ]
        let anomalies = line.anomalies.prefix(20).map { ConsolePageText.untrusted($0) }
        return Snapshot(
            fields: pairs.compactMap { name, value in value.map { .init(fieldName: name, fieldValue: $0) } },
            recording: ConsolePageText.webLink(line.recordingURL), anomalies: anomalies, hasAnomalies: !anomalies.isEmpty)
    }
}
