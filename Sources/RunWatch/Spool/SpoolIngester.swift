import Foundation
import Logging
import Metrics
import RunWatchCore

/// Moves spool files into the store: parse, insert in one transaction, then unlink.
///
/// A crash between the insert and the unlink re-ingests the file on restart, which is
/// harmless: ingest is idempotent. Bad files go to `rejected/` with a reason.
package struct SpoolIngester: Sendable {
    package let spool: SpoolDirectory
    let store: any RunStore
    let logger: Logger
    let now: @Sendable () -> Date
    private let ingested = Counter(label: MetricNames.spoolIngested)
    private let rejected = Counter(label: MetricNames.spoolRejected)

    package init(spool: SpoolDirectory, store: any RunStore, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.spool = spool
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// Ingests every file now in `new/`, oldest name first. Returns what changed: the
    /// newly watched ids and re-routed runs.
    package func scanOnce() async throws -> Ingested {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: spool.new)
                .filter { !$0.hasPrefix(".") }
                .sorted()
        } catch {
            logger.error("cannot list spool folder", metadata: ["path": "\(spool.new)", "error": "\(error)"])
            return Ingested()
        }
        var watched = Ingested()
        for name in names {
            try Task.checkCancellation()
            do {
                watched.append(try await ingest(name: name))
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The store refused (busy, disk full): this file stays in new/ for the
                // next scan, and the ids already committed from earlier files still go
                // to the poller.
                logger.error("spool ingest failed; the file stays for the next scan", metadata: ["file": "\(name)", "error": "\(error)"])
                break
            }
        }
        return watched
    }

    private func ingest(name: String) async throws -> Ingested {
        let path = (spool.new as NSString).appendingPathComponent(name)
        let submission: SpoolSubmission
        do {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size > SpoolFileParser.defaultMaxBytes {
                throw SpoolFileError.tooLarge(bytes: size, limit: SpoolFileParser.defaultMaxBytes)
            }
            submission = try SpoolFileParser.parse(try read(path))
        } catch let error as SpoolFileError {
            reject(name: name, reason: error.description)
            return Ingested()
        } catch {
            // Unreadable now (permissions, vanished): leave it for the next scan.
            logger.warning("cannot read spool file", metadata: ["file": "\(name)", "error": "\(error)"])
            return Ingested()
        }
        let result = try await store.ingest(submission, at: now())
        if submission.problems.isEmpty {
            unlink(path)
        } else {
            let reason =
                "ingested \(submission.runIDs.count) valid run id(s) from this file; skipped:\n"
                + submission.problems.joined(separator: "\n")
            reject(name: name, reason: reason)
        }
        ingested.increment()
        logger.info(
            "ingested spool file",
            metadata: [
                "file": "\(name)", "ids": "\(submission.runIDs.count)", "new": "\(result.newIDs.count)",
                "skipped": "\(submission.problems.count)",
            ])
        return result
    }

    private func read(_ path: String) throws -> Data {
        // Read one byte past the limit so an oversize file is recognised without loading it all.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        return try handle.read(upToCount: SpoolFileParser.defaultMaxBytes + 1) ?? Data()
    }

    private func reject(name: String, reason: String) {
        var target = name
        let fm = FileManager.default
        var attempt = 1
        while fm.fileExists(atPath: (spool.rejected as NSString).appendingPathComponent(target)) {
            attempt += 1
            target = "\(name).\(attempt)"
        }
        let from = (spool.new as NSString).appendingPathComponent(name)
        let to = (spool.rejected as NSString).appendingPathComponent(target)
        let reasonPath = to + ".reason"
        if !fm.createFile(atPath: reasonPath, contents: Data((reason + "\n").utf8), attributes: [.posixPermissions: 0o640]) {
            logger.error("cannot write reason file", metadata: ["path": "\(reasonPath)"])
        }
        if rename(from, to) != 0 {
            logger.error("cannot move spool file to rejected/", metadata: ["file": "\(name)", "error": "\(String(cString: strerror(errno)))"])
        }
        rejected.increment()
        logger.warning("set aside spool file", metadata: ["file": "\(name)", "moved_to": "\(to)", "reason": "\(reason.prefix(500))"])
    }
}
