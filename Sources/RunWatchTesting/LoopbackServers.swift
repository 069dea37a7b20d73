import RunWatch

/// The Cekura simulator and a webhook receiver, each served on an ephemeral loopback
/// port, without a daemon: for tests that run the built `runwatch` binary against them,
/// and the ground floor of `TestBed`.
package struct LoopbackServers: Sendable {
    package let simulator: CekuraSimulator
    package let receiver: WebhookReceiver
    /// The simulator's base URL (`api.base_url`).
    package let apiURL: String
    /// The receiver's base URL; notifiers add a path (`/hooks`, `/slack`) to tell them apart.
    package let hooksURL: String

    /// Serves both while `body` runs, and stops them when it returns or throws.
    package static func serve<T: Sendable>(
        simulator: CekuraSimulator = CekuraSimulator(), receiver: WebhookReceiver = WebhookReceiver(),
        _ body: (LoopbackServers) async throws -> T
    ) async throws -> T {
        let api = try await ScriptedHTTPServer.bind { await simulator.answer($0) }
        let hooks = try await ScriptedHTTPServer.bind { await receiver.answer($0) }
        let servers = LoopbackServers(simulator: simulator, receiver: receiver, apiURL: api.baseURL, hooksURL: hooks.baseURL)
        return try await InProcess.serving([api, hooks]) { try await body(servers) }
    }
}
