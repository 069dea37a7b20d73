import Foundation
import Logging
import ServiceLifecycle

/// Ingests spool files as they arrive: inotify on `new/` wakes it at once, and a rescan
/// every `spool_scan_interval` catches anything inotify missed (queue overflow, a watcher
/// that could not start). An empty folder costs one `readdir` per rescan: no busy loop.
package struct SpoolService: Service {
    let ingester: SpoolIngester
    let poller: Poller
    let interval: Duration
    let logger: Logger

    package init(ingester: SpoolIngester, poller: Poller, interval: Duration, logger: Logger) {
        self.ingester = ingester
        self.poller = poller
        self.interval = interval
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
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                poller.watch(try await ingester.scanOnce())
            } catch is CancellationError {
                return
            } catch {
                // The store refused the insert; the files stay in new/ for the next scan.
                logger.error("spool ingest failed; will retry", metadata: ["error": "\(error)"])
            }
            await doorbell.waitUnlessShuttingDown(timeout: interval)
        }
    }
}
