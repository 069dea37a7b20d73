import ArgumentParser
import Foundation
import RunWatch
import RunWatchCore

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Hand run ids to the daemon (atomically, through the spool). Reads stdin when no ID is given."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "Spool folder (default: spool_dir from the config file).")
    var spoolDir: String?

    @Option(name: .customLong("label"), help: "A label k=v carried into every alert of these runs (repeatable).")
    var labels: [String] = []

    @Option(name: .customLong("notifier"), help: "Send these runs' alerts only to this notifier (repeatable).")
    var notifiers: [String] = []

    @Option(name: .customLong("result"), help: "A Cekura result id: the daemon reads the result and watches all its runs (repeatable).")
    var results: [String] = []

    @Option(help: "Add these runs to suite NAME: one verdict (suite.completed) when all its runs have ended.")
    var suite: String?

    @Argument(help: "Run ids (positive integers).")
    var ids: [String] = []

    func run() throws {
        let root: String
        if let spoolDir {
            root = spoolDir
        } else {
            root = try loadConfiguration(options.config).spoolDir
        }
        var tokens = ids
        let resultIDs = try Self.resultIDs(results)
        if tokens.isEmpty, resultIDs.isEmpty {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            tokens = String(decoding: input, as: UTF8.self)
                .split(separator: "\n").map { $0.prefix { $0 != "#" } }
                .flatMap { $0.split { $0 == "," || $0.isWhitespace } }.map(String.init)
        }
        var runIDs: [RunID] = []
        for token in tokens {
            guard let id = SpoolFileParser.runID(Substring(token)) else {
                printError("'\(token)' is not a run id (want a positive integer); nothing submitted")
                throw ExitCode(ExitStatus.dataError)
            }
            runIDs.append(id)
        }
        guard !runIDs.isEmpty || !resultIDs.isEmpty else {
            printError("no run ids given; nothing submitted")
            throw ExitCode(ExitStatus.usage)
        }
        var labelMap = try Self.labelMap(labels)
        if let suite, let label = labelMap["suite"], label != suite {
            printError("--suite differs from the 'suite' label; give one or make them equal; nothing submitted")
            throw ExitCode(ExitStatus.usage)
        }
        // The suite travels as the `suite` label too (as the spool parser does), so routes
        // can match on it and every alert names it.
        if let suite { labelMap["suite"] = suite }
        var submission = SpoolSubmission(
            runIDs: runIDs, labels: labelMap, notifiers: notifiers.isEmpty ? nil : notifiers,
            suite: suite ?? labelMap["suite"].flatMap { $0.isEmpty ? nil : $0 })
        submission.resultIDs = resultIDs
        // The daemon would set such a file aside; say so now, where the producer sees it.
        let refused = SpoolFileParser.routingProblems(labels: submission.labels, notifiers: submission.notifiers, suite: submission.suite)
        guard refused.isEmpty else {
            printError("labels, notifiers or suite over the spool's limits; nothing submitted:\n" + refused.lines.joined(separator: "\n"))
            throw ExitCode(ExitStatus.usage)
        }
        let limit = SpoolLimits.default.maxRunIDs
        guard Set(runIDs).count <= limit else {
            printError("more than \(limit) distinct run ids (the limit per spool file); split them into several submissions; nothing submitted")
            throw ExitCode(ExitStatus.usage)
        }
        do {
            let path = try SpoolWriter.submit(submission, to: SpoolDirectory(root: root))
            print(
                "submitted \(runIDs.count) run id(s)\(resultIDs.isEmpty ? "" : " and \(resultIDs.count) result id(s)")"
                    + "\(submission.suite.map { " to suite \(UntrustedText.printable($0, limit: 128))" } ?? ""): \(path)")
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.cantCreate)
        }
    }

    /// `--label k=v` values (`submit`, `wait`).
    static func labelMap(_ labels: [String]) throws -> [String: String] {
        var map: [String: String] = [:]
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                printError("--label '\(UntrustedText.printable(label, limit: 200))' is not k=v; nothing submitted")
                throw ExitCode(ExitStatus.usage)
            }
            map[String(parts[0])] = String(parts[1])
        }
        return map
    }

    /// `--result` values: positive integers, at most `SpoolLimits.maxResultIDs` distinct.
    static func resultIDs(_ values: [String]) throws -> [ResultID] {
        var ids: [ResultID] = []
        for value in values {
            guard let id = SpoolFileParser.runID(Substring(value)) else {
                printError("--result '\(UntrustedText.printable(value, limit: 40))' is not a result id (want a positive integer); nothing submitted")
                throw ExitCode(ExitStatus.dataError)
            }
            if !ids.contains(id) { ids.append(id) }
        }
        let limit = SpoolLimits.default.maxResultIDs
        guard ids.count <= limit else {
            printError("more than \(limit) distinct result ids (the limit per spool file); split them into several submissions; nothing submitted")
            throw ExitCode(ExitStatus.usage)
        }
        return ids
    }
}
