import Foundation
import Logging
import ServiceLifecycle

/// Rescans the spool's `new/` folder every `spool_scan_interval` and hands new run ids to
/// the poller. A scan of an empty folder is one `readdir`: no busy loop.
public struct SpoolService: Service {
    let ingester: SpoolIngester
    let poller: Poller
    let interval: Duration
    let logger: Logger

    public init(ingester: SpoolIngester, poller: Poller, interval: Duration, logger: Logger) {
        self.ingester = ingester
        self.poller = poller
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                poller.watch(try await ingester.scanOnce())
            } catch is CancellationError {
                return
            } catch {
                // The store refused the insert; the files stay in new/ for the next scan.
                logger.error("spool ingest failed; will retry", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: interval)
            }
        }
    }
}
