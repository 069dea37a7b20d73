import Logging
import RunWatch
import ServiceLifecycle

/// Runs loopback servers and the daemon in-process around a piece of work, for the
/// tests, the demo and the benchmarks: everything starts, `body` runs, then the daemon
/// shuts down gracefully (its services drain) and the servers stop.
package enum InProcess {
    /// Serves `servers` while `body` runs.
    package static func serving<T: Sendable>(_ servers: [any LoopbackServing], _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for server in servers {
                group.addTask { try await server.run() }
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Runs the daemon's services while `body` runs, then shuts them down gracefully and
    /// waits until every one has finished.
    package static func running<T: Sendable>(_ daemon: Daemon, logger: Logger, _ body: () async throws -> T) async throws -> T {
        let group = daemon.makeGroup(logger: logger, signals: [])
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}

/// A server that serves until its task is cancelled.
package protocol LoopbackServing: Sendable {
    func run() async throws
}

extension ScriptedHTTPServer: LoopbackServing {}
