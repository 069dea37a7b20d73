import Foundation
import Logging
import Metrics
import RunWatchCore

/// Moves spool files into the store: read safely, parse, insert in one transaction, then
/// unlink.
///
/// A crash between the insert and the unlink re-ingests the file on restart, which is
/// harmless: ingest is idempotent. Bad files and entries that are not regular files go to
/// `rejected/` with a reason that describes, never quotes, what was wrong.
package struct SpoolIngester: Sendable {
    package let spool: SpoolDirectory
    let store: any RunStore
    let logger: Logger
    let now: @Sendable () -> Date
    let limits: SpoolLimits
    /// The notifier names configured now (they change on reload).
    let configuredNotifiers: @Sendable () -> Set<String>
    /// Failures an entry may cause before it is set aside (see `SpoolStrikes`).
    let strikeLimit: Int
    private let daemon: SpoolEntryCheck.Identity
    private let strikes = SpoolStrikes()
    private let ingested = Counter(label: MetricNames.spoolIngested)
    private let rejected = Counter(label: MetricNames.spoolRejected)

    package init(
        spool: SpoolDirectory, store: any RunStore, logger: Logger, now: @escaping @Sendable () -> Date,
        configuredNotifiers: @escaping @Sendable () -> Set<String>, limits: SpoolLimits = .default, strikeLimit: Int = 3
    ) {
        self.spool = spool
        self.store = store
        self.logger = logger
        self.now = now
        self.configuredNotifiers = configuredNotifiers
        self.limits = limits
        self.strikeLimit = strikeLimit
        self.daemon = SpoolEntryReader.currentIdentity()
    }

    /// Ingests the files now in `new/`, oldest name first (files that already failed go
    /// last, so they never hold back the others). Stops early at `deadline` (the start-up
    /// scan: the spool service carries on right after start) and when the store refuses
    /// two files in a row (the store is at fault, not the files: everything stays). A file
    /// the store refuses while another file of the same scan goes in earns a strike, and
    /// is set aside at `strikeLimit`.
    /// `progress` is called before each file. Returns the newly watched ids and re-routed
    /// runs.
    package func scanOnce(until deadline: ContinuousClock.Instant? = nil, progress: () -> Void = {}) async throws -> Ingested {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: spool.new).filter { !$0.hasPrefix(".") }
        } catch {
            logger.error("cannot list spool folder", metadata: ["path": "\(spool.new)", "error": "\(error)"])
            return Ingested()
        }
        strikes.keepOnly(Set(names))
        let ordered = names.map { (strikes.count(name: $0) > 0, $0) }.sorted { ($0.0 ? 1 : 0, $0.1) < ($1.0 ? 1 : 0, $1.1) }.map(\.1)
        var watched = Ingested()
        // A store failure is the file's own fault if another file of this scan goes in;
        // one that comes before any success waits for the next file to decide.
        var unexplained: (name: String, key: SpoolStrikes.Key, error: String)?
        var storeWorks = false
        for (index, name) in ordered.enumerated() {
            try Task.checkCancellation()
            if let deadline, ContinuousClock.now >= deadline {
                logger.notice(
                    "spool scan paused at its deadline; the rest is ingested right after start", metadata: ["files_left": "\(ordered.count - index)"])
                break
            }
            progress()
            switch try await ingest(name: name) {
            case .done(let result):
                watched.append(result)
                if let failed = unexplained { strike(failed.name, failed.key, because: Self.ownFault(failed.error)) }
                unexplained = nil
                storeWorks = true
            case .skipped:
                continue
            case .stop:
                return watched
            case .storeFailed(let key, let error):
                guard unexplained == nil else {
                    // Two in a row: the store itself is failing (disk full, busy). No file
                    // is to blame; all stay in new/ for the next scan.
                    logger.error(
                        "the store refused two spool files in a row; every file stays in new/ for the next scan",
                        metadata: ["error": "\(error)"])
                    return watched
                }
                logger.error("spool ingest failed; the file stays for the next scan", metadata: ["file": "\(Self.shown(name))", "error": "\(error)"])
                if storeWorks {
                    strike(name, key, because: Self.ownFault(error))
                } else {
                    unexplained = (name, key, error)
                }
            }
        }
        return watched
    }

    private static func ownFault(_ error: String) -> String {
        "the store refused it while accepting other files: \(error)"
    }

    private enum Step {
        case done(Ingested)
        case skipped
        case stop
        case storeFailed(SpoolStrikes.Key, String)
    }

    private func ingest(name: String) async throws -> Step {
        let path = (spool.new as NSString).appendingPathComponent(name)
        let data: Data
        let inode: UInt64
        switch SpoolEntryReader.open(path, maxBytes: limits.maxBytes, daemon: daemon) {
        case .contents(let bytes, let node): (data, inode) = (bytes, node)
        case .refused(let reason):
            reject(name: name, reason: reason)
            return .skipped
        case .vanished: return .skipped
        case .failed(let why, let node):
            strike(name, SpoolStrikes.Key(name: name, inode: node), because: why)
            return .skipped
        case .daemonWide(let why):
            logger.error("spool scan stopped; every file stays in new/", metadata: ["error": "\(why)"])
            return .stop
        }
        let key = SpoolStrikes.Key(name: name, inode: inode)
        var submission: SpoolSubmission
        do {
            submission = try SpoolFileParser.parse(data, limits: limits)
        } catch {
            reject(name: name, reason: error.description)
            return .skipped
        }
        var problems = SpoolProblems(limit: limits.maxListedProblems)
        if let named = submission.notifiers {
            // Never a silent drop: unknown names are listed in the reason, the known
            // ones kept; with none known the runs route as if no list were given.
            let configured = configuredNotifiers()
            for (index, unknown) in named.enumerated() where !configured.contains(unknown) {
                problems.append(
                    "notifiers[\(index)]: no notifier of that name (\(SpoolProblems.bytes(unknown.utf8.count))) is configured; ignored")
            }
            let known = named.filter(configured.contains)
            if known.count < named.count { submission.notifiers = known.isEmpty ? nil : known }
        }
        problems.append(contentsOf: submission.problems)
        let result: Ingested
        do {
            result = try await store.ingest(submission, at: now())
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return .storeFailed(key, String(describing: error).prefix(300).description)
        }
        strikes.clear(key)
        if problems.isEmpty {
            unlink(path)
        } else {
            reject(
                name: name,
                reason: "ingested \(submission.runIDs.count) valid run id(s) from this file; skipped:\n" + problems.lines.joined(separator: "\n"))
        }
        ingested.increment()
        logger.info(
            "ingested spool file",
            metadata: [
                "file": "\(Self.shown(name))", "ids": "\(submission.runIDs.count)", "new": "\(result.newIDs.count)",
                "skipped": "\(problems.total)",
            ])
        return .done(result)
    }

    /// One more failure of an entry: a warning the first time, set aside at the limit.
    private func strike(_ name: String, _ key: SpoolStrikes.Key, because why: String) {
        let count = strikes.strike(key)
        if count >= strikeLimit {
            strikes.clear(key)
            reject(name: name, reason: "set aside after \(count) failed attempts; the last: \(why)")
        } else if count == 1 {
            logger.warning(
                "spool file failed; it is retried, and set aside if it keeps failing",
                metadata: ["file": "\(Self.shown(name))", "error": "\(why)", "tries_left": "\(strikeLimit - count)"])
        }
    }

    private func reject(name: String, reason: String) {
        let reason = Self.capped(reason, to: limits.maxReasonBytes)
        // lstat, not fileExists: a dangling link set aside earlier still takes its name.
        func taken(_ name: String) -> Bool {
            var info = stat()
            return lstat((spool.rejected as NSString).appendingPathComponent(name), &info) == 0
        }
        var target = name
        var attempt = 1
        while taken(target) || taken(target + ".reason") {
            attempt += 1
            target = "\(name).\(attempt)"
        }
        let from = (spool.new as NSString).appendingPathComponent(name)
        let to = (spool.rejected as NSString).appendingPathComponent(target)
        writeReason(Data((reason + "\n").utf8), to: to + ".reason")
        if rename(from, to) != 0 {
            logger.error(
                "cannot move spool file to rejected/", metadata: ["file": "\(Self.shown(name))", "error": "\(String(cString: strerror(errno)))"])
        }
        rejected.increment()
        logger.warning(
            "set aside spool file",
            metadata: ["file": "\(Self.shown(name))", "moved_to": "\(Self.shown(to))", "reason": "\(Self.capped(reason, to: 500))"])
    }

    /// Created fresh (`O_EXCL`), never through a link someone left in `rejected/`.
    private func writeReason(_ body: Data, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            logger.error("cannot write reason file", metadata: ["path": "\(Self.shown(path))", "error": "\(String(cString: strerror(errno)))"])
            return
        }
        defer { close(fd) }
        fchmod(fd, 0o640)
        _ = body.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Cut at a line boundary where possible, and say so.
    package static func capped(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var cut = String(decoding: text.utf8.prefix(max(0, limit - 40)), as: UTF8.self)
        if let newline = cut.lastIndex(of: "\n") { cut = String(cut[..<newline]) }
        return cut + "\n… (reason cut at \(limit) bytes)"
    }

    /// A file name as logs show it: producers choose names, so control characters are
    /// escaped and the length capped.
    package static func shown(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars.prefix(200) {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return name.unicodeScalars.count > 200 ? out + "…" : out
    }
}
