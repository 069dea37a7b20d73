import Foundation

/// Runs a program to completion: its exit status and its stdout and stderr together.
/// Waits without blocking a thread (the in-process servers the program may call need the
/// few threads Swift concurrency has), and through files, not pipes, so a chatty program
/// cannot fill a pipe and stall.
package func runProcess(
    _ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String]? = ["PATH": "/usr/bin:/bin"]
) async throws -> (status: Int32, output: String) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)").path
    defer {
        try? FileManager.default.removeItem(atPath: scratch + ".out")
        try? FileManager.default.removeItem(atPath: scratch + ".in")
    }
    try Data().write(to: URL(fileURLWithPath: scratch + ".out"))
    try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: scratch + ".in"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".out"))
    process.standardOutput = output
    process.standardError = output
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch + ".in"))
    let exited = ExitSignal()
    process.terminationHandler = { _ in exited.fire() }
    try process.run()
    await exited.wait()
    try output.close()
    let data = try Data(contentsOf: URL(fileURLWithPath: scratch + ".out"))
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
