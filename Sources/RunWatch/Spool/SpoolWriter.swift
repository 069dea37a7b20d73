import Foundation
import RunWatchCore

/// Writes one spool file the way every producer must: into `tmp/`, flushed to disk, then
/// renamed into `new/` (what `runwatch submit` does).
package enum SpoolWriter {
    package struct WriteError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Returns the path of the file in `new/`.
    @discardableResult
    package static func submit(_ submission: SpoolSubmission, to spool: SpoolDirectory) throws -> String {
        guard !submission.isEmpty else { throw WriteError(description: "no run ids or result ids to submit") }
        for folder in [spool.tmp, spool.new] where !FileManager.default.fileExists(atPath: folder) {
            // Not created here: a mistyped spool_dir would silently swallow the ids.
            throw WriteError(description: "spool folder '\(folder)' does not exist (the daemon creates it on start; check spool_dir)")
        }
        let name = "\(Int(Date().timeIntervalSince1970 * 1000))-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let body: Data
        if submission.labels.isEmpty, submission.notifiers == nil, submission.suite == nil, submission.resultIDs.isEmpty {
            body = Data((submission.runIDs.map(String.init).joined(separator: "\n") + "\n").utf8)
            return try place(body, name: name + ".ids", in: spool)
        }
        var object: [String: JSONValue] = ["run_ids": .array(submission.runIDs.map(JSONValue.int))]
        if !submission.labels.isEmpty { object["labels"] = .object(submission.labels.mapValues(JSONValue.string)) }
        if let notifiers = submission.notifiers { object["notifiers"] = .array(notifiers.map(JSONValue.string)) }
        if let suite = submission.suite { object["suite"] = .string(suite) }
        if !submission.resultIDs.isEmpty { object["result_ids"] = .array(submission.resultIDs.map { JSONValue.int(Int($0)) }) }
        body = JSONValue.object(object).encoded()
        return try place(body, name: name + ".json", in: spool)
    }

    private static func place(_ body: Data, name: String, in spool: SpoolDirectory) throws -> String {
        let staging = (spool.tmp as NSString).appendingPathComponent(name)
        let final = (spool.new as NSString).appendingPathComponent(name)
        let fd = open(staging, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw WriteError(description: "cannot create '\(staging)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // The daemon reads the file through the spool's group; a producer's umask of 077
        // must not make it unreadable.
        fchmod(fd, 0o640)
        let written = body.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == body.count, fsync(fd) == 0 else {
            unlink(staging)
            throw WriteError(description: "cannot write '\(staging)': \(String(cString: strerror(errno)))")
        }
        guard rename(staging, final) == 0 else {
            unlink(staging)
            throw WriteError(description: "cannot move '\(staging)' into '\(spool.new)': \(String(cString: strerror(errno)))")
        }
        // The rename itself must survive a power loss: flush the folder's entry too.
        let folder = open(spool.new, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return final
    }
}
