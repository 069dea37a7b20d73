import Foundation
import Logging
import ServiceLifecycle

/// Ingests spool files as they arrive: inotify on `new/` wakes it at once, and a rescan
/// every `spool_scan_interval` catches anything inotify missed (queue overflow, a watcher
/// that could not start). An empty folder costs one `readdir` per rescan: no busy loop.
/// The loop beats the heartbeat, so a scan that hangs stops the watchdog like a hung poll.
package struct SpoolService: Service {
    static let loopName = "spool"
    /// What one file may take: a read plus one store transaction, which waits up to the
    /// store's busy timeout.
    static let perFileAllowance: Duration = .seconds(60)

    let ingester: SpoolIngester
    let poller: Poller
    let interval: Duration
    let heartbeat: Heartbeat
    let logger: Logger

    package init(ingester: SpoolIngester, poller: Poller, interval: Duration, heartbeat: Heartbeat, logger: Logger) {
        self.ingester = ingester
        self.poller = poller
        self.interval = interval
        self.heartbeat = heartbeat
        self.logger = logger
    }

    package func run() async throws {
        let doorbell = Doorbell()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await SpoolWatcher.run(watching: ingester.spool.new) { doorbell.ring() }
                } catch is CancellationError {
                } catch {
                    logger.warning(
                        "spool folder not watched by inotify; relying on the periodic rescan",
                        metadata: [
                            "error": "\(error)", "rescan_every": "\(interval)",
                        ])
                }
            }
            await scanLoop(doorbell)
            group.cancelAll()
        }
    }

    private func scanLoop(_ doorbell: Doorbell) async {
        defer { heartbeat.retire(Self.loopName) }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            heartbeat.beat(Self.loopName, nextWithin: Self.perFileAllowance)
            do {
                poller.watch(try await ingester.scanOnce { heartbeat.beat(Self.loopName, nextWithin: Self.perFileAllowance) })
            } catch is CancellationError {
                return
            } catch {
                // The store refused the insert; the files stay in new/ for the next scan.
                logger.error("spool ingest failed; will retry", metadata: ["error": "\(error)"])
            }
            // Promise: the next scan starts within the interval (sooner if inotify rings).
            heartbeat.beat(Self.loopName, nextWithin: interval + Self.perFileAllowance)
            await doorbell.waitUnlessShuttingDown(timeout: interval)
        }
    }
}
