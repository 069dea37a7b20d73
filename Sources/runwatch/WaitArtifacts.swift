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
        if let summary { try atomicWrite(MarkdownSummary.render(groups, now: now), to: summary) }
        if let stepSummary { try appendStepSummary(groups, now: now, to: stepSummary) }
    }

    /// The step summary file may hold earlier steps' output; the copy appended gets what
    /// GitHub's limit leaves (`StepSummaryBudget`), or is skipped with a note.
    private static func appendStepSummary(_ groups: [SuiteReport], now: Date, to path: String) throws {
        let existing = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        guard let room = StepSummaryBudget.room(existingBytes: existing) else {
            printError(
                "$GITHUB_STEP_SUMMARY already holds \(existing) bytes, too close to GitHub's \(StepSummaryBudget.limit)-byte limit: "
                    + "summary not appended (see --summary)")
            return
        }
        try append(MarkdownSummary.render(groups, now: now, maxBytes: room), to: path)
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
