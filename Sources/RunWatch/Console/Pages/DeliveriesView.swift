import Foundation
import RunWatchCore

/// `/deliveries`: what is owed, per notifier, and why. Read-only: the fix stays in the CLI.
package struct DeliveriesView: Sendable {
    package var frame: PageFrame
    package var queues: [OverviewView.NotifierRow]
    package var pendingRows: [DeliveryRow]
    package var deadRows: [DeliveryRow]
    package var pendingCount: Int
    package var deadCount: Int

    package init(_ document: DeliveriesDocument) {
        let now = document.generatedAt
        frame = PageFrame(title: "deliveries", section: .deliveries, refresh: true, generatedAt: now)
        queues = document.notifiers.map(OverviewView.NotifierRow.init)
        pendingRows = document.pending.map { DeliveryRow($0, now: now) }
        deadRows = document.dead.map { DeliveryRow($0, now: now) }
        pendingCount = pendingRows.count
        deadCount = deadRows.count
    }
}
