import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Debian's Chromium, headless, as a person's browser would load the console: it fetches
/// the page and its stylesheet, parses the HTML and builds the DOM. `dumpDOM` returns the
/// DOM it built (serialized), `screenshot` writes a PNG of the rendered page. One fresh
/// browser process per page, with its own profile folder, ended at a deadline.
///
/// scripts/setup installs `chromium`. A machine without it skips the browser tests
/// (`availability` says why); in CI (`CI=1` or `RUNWATCH_REQUIRE_BROWSER=1`, which
/// scripts/test sets) a missing browser is a failure, so the tests cannot quietly vanish.
package struct HeadlessBrowser: Sendable {
    package let executable: String

    package enum Availability: Sendable {
        case available(HeadlessBrowser)
        /// Not installed, and nothing requires it: skip, saying this.
        case skip(String)
        /// Not installed, though CI requires it: fail, saying this.
        case missing(String)
    }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Where Debian (and most distributions) put it.
    package static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    package static func availability(
        environment: [String: String] = ProcessInfo.processInfo.environment, candidates: [String] = candidates
    ) -> Availability {
        if let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return .available(HeadlessBrowser(executable: path))
        }
        let message = "no headless browser (looked for \(candidates.joined(separator: ", "))); scripts/setup installs Debian's chromium"
        return required(environment) ? .missing(message + "; required here (CI=1 or RUNWATCH_REQUIRE_BROWSER=1)") : .skip(message)
    }

    /// CI must run the browser tests: there a missing browser fails them.
    package static func required(_ environment: [String: String]) -> Bool {
        environment["CI"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } == true || environment["RUNWATCH_REQUIRE_BROWSER"] == "1"
    }

    /// The DOM Chromium built from `url` (after the page and its stylesheet loaded).
    package func dumpDOM(_ url: String, timeout: Duration = .seconds(90)) async throws -> String {
        let (status, stdout, stderr) = try await launch(["--dump-dom", url], timeout: timeout)
        guard status == 0, !stdout.isEmpty else {
            throw Failure(description: "chromium --dump-dom \(url) exited \(status) with \(stdout.utf8.count) bytes; stderr: \(Self.tail(stderr))")
        }
        return stdout
    }

    /// Writes a PNG of `url` rendered in a `width`×`height` window to `file`.
    package func screenshot(
        _ url: String, to file: String, width: Int = 1280, height: Int = 1600, timeout: Duration = .seconds(90)
    )
        async throws
    {
        try? FileManager.default.removeItem(atPath: file)
        let (status, _, stderr) = try await launch(
            ["--screenshot=\(file)", "--window-size=\(width),\(height)", "--hide-scrollbars", url], timeout: timeout)
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        guard status == 0, size > 0 else {
            throw Failure(description: "chromium --screenshot \(url) exited \(status), wrote \(size) bytes; stderr: \(Self.tail(stderr))")
        }
    }

    /// Runs the browser on `arguments` with a fresh profile; stdout and stderr apart (the
    /// DOM is stdout; stderr carries Chromium's noise about D-Bus and the like).
    private func launch(_ arguments: [String], timeout: Duration) async throws -> (Int32, String, String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch + "/profile", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for name in ["out", "err"] { _ = FileManager.default.createFile(atPath: scratch + "/" + name, contents: nil) }
        let process = Process()
        // Through setsid (which execs in place: same pid) the browser leads its own process
        // group, so a timeout kills it and every helper it started (renderer, zygote,
        // GPU) at once, not the browser alone.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        // Chromium refuses to run as root with its sandbox; CI runs as root. The pages it
        // loads are our own, from loopback.
        let sandbox = geteuid() == 0 ? ["--no-sandbox"] : []
        process.arguments =
            [executable, "--headless", "--disable-gpu", "--user-data-dir=\(scratch)/profile", "--no-first-run", "--no-default-browser-check"]
            + ["--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
            + ["--disable-dev-shm-usage"] + sandbox + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": scratch, "LANG": "C.UTF-8"]
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/err"))
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let ended = await waitUntil(timeout: timeout, every: .milliseconds(50)) { !process.isRunning }
        if !ended {
            // The whole group: helpers do not always follow the browser when it dies.
            kill(-process.processIdentifier, SIGKILL)
            _ = await waitUntil(timeout: .seconds(10), every: .milliseconds(50)) { !process.isRunning }
            throw Failure(description: "chromium \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        let stdout = (try? String(contentsOfFile: scratch + "/out", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: scratch + "/err", encoding: .utf8)) ?? ""
        return (process.terminationStatus, stdout, stderr)
    }

    private static func tail(_ text: String) -> String {
        String(text.suffix(600))
    }
}
