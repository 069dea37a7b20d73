import Foundation
import RunWatchCore

/// The files `runwatch wait` leaves for CI: JUnit XML (`--junit`), a Markdown summary
/// (`--summary`, and appended to `$GITHUB_STEP_SUMMARY` when set).
enum WaitArtifacts {
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    static func write(junit: String?, summary: String?, environment: [String: String], groups: [SuiteReport], now: Date) throws {
        if let junit { try atomicWrite(JUnitReport.render(groups, now: now), to: junit) }
        let stepSummary = environment["GITHUB_STEP_SUMMARY"].flatMap { $0.isEmpty ? nil : $0 }
        guard summary != nil || stepSummary != nil else { return }
        let markdown = MarkdownSummary.render(groups, now: now)
        if let summary { try atomicWrite(markdown, to: summary) }
        if let stepSummary { try append(markdown, to: stepSummary) }
    }

    /// Written beside the target, then renamed over it: a reader (a CI step that uploads
    /// the file, a job cancelled mid-write) sees the old file or the whole new one.
    static func atomicWrite(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let staging = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: staging)
            guard rename(staging.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: staging)
                throw WriteError(description: "cannot write '\(path)': \(reason)")
            }
        } catch let error as WriteError {
            throw error
        } catch {
            throw WriteError(description: "cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    /// GitHub collects the step summary file after the step; others may have written to
    /// it already, so it is appended to, never replaced.
    static func append(_ text: String, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) ?? createAndOpen(path) else {
            throw WriteError(description: "cannot append to $GITHUB_STEP_SUMMARY '\(path)'")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw WriteError(description: "cannot append to $GITHUB_STEP_SUMMARY '\(path)': \(error.localizedDescription)")
        }
    }

    private static func createAndOpen(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }
}
