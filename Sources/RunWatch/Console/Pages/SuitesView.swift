import Foundation
import RunWatchCore

/// `/suites`: running instances with their progress, then recently completed ones.
package struct SuitesView: Sendable {
    package var frame: PageFrame
    package var running: [SuiteRow]
    package var recent: [SuiteRow]
    package var hasSuites: Bool

    package init(_ document: SuiteListDocument) {
        frame = PageFrame(title: "suites", section: .suites, refresh: true, generatedAt: document.generatedAt)
        let rows = document.suites.map { SuiteRow($0, now: document.generatedAt) }
        running = rows.filter(\.isRunning)
        recent = rows.filter { !$0.isRunning }
        hasSuites = !rows.isEmpty
    }
}
