import Foundation
import Logging
import RunWatchCore

/// Answers one console request: GET only, a route to a document, the document as JSON
/// or as a page. Nothing a request sends is echoed back.
package struct ConsoleHandler: Sendable {
    package let api: ConsoleAPI
    package let pages: ConsolePages
    /// Answers per request target for `cacheTTL`, one build at a time (ConsoleResponseCache).
    package let cache: ConsoleResponseCache
    private let logger: Logger
    /// The host the console listens on (`console_listen`, or `metrics_listen` when shared);
    /// with the loopback names and `console.public_url`'s host, the `Host` headers answered.
    private let listenHost: String?

    package init(context: ConsoleContext, listenHost: String? = nil, logger: Logger, cacheTTL: Duration = .seconds(1)) {
        self.api = ConsoleAPI(context: context)
        self.pages = ConsolePages()
        self.listenHost = listenHost
        self.cache = ConsoleResponseCache(ttl: cacheTTL)
        self.logger = logger
    }

    /// No scripts, no frames, no third-party anything: the pages are HTML, one stylesheet
    /// and inline SVG. Nothing is cached (the pages are live state).
    package static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]

    package func respond(_ request: LoopbackHTTPServer.Request) async -> LoopbackHTTPServer.Response {
        let isAPI = request.path.hasPrefix("/api/")
        // Public URL read per request: a reload may change it.
        let hosts = ConsoleHostPolicy(listenHost: listenHost, publicURL: api.context.facts().consoleLinks.base)
        guard hosts.allows(hostHeader: request.header("Host")) else {
            return problem(isAPI, status: 421, "this console answers only at its own address (see console.public_url)")
        }
        guard request.method == "GET" else {
            let message = "the console is read-only: GET only"
            guard isAPI else {
                return .respond(
                    status: 405, headers: [("Allow", "GET"), ("Content-Type", "text/plain; charset=utf-8")] + Self.securityHeaders,
                    body: Data((message + "\n").utf8))
            }
            return jsonError(status: 405, message, headers: [("Allow", "GET")])
        }
        guard let route = ConsoleRoute.parse(request.path) else {
            return notFound(api: isAPI, "no such page")
        }
        // The target as sent (path and query): `?offset=` windows are answers of their own.
        let target = request.path + (request.rawQuery.map { "?" + $0 } ?? "")
        return await cache.answer(target) {
            do {
                return try await answer(route, query: request.query)
            } catch {
                // The store's error may name paths; the log has it, the page says what it means.
                logger.warning("console: store read failed", metadata: ["error": "\(error)"])
                return problem(route.isAPI, status: 503, "store unavailable; try again shortly")
            }
        }
    }

    private func answer(_ route: ConsoleRoute, query: [String: String]) async throws -> LoopbackHTTPServer.Response {
        switch route {
        case .overview: return html(pages.overview(try await api.overview(), history: api.history()))
        case .suites: return html(pages.suites(try await api.suites()))
        case .suite(let name, let instance):
            let window: SuiteRunWindow
            switch SuiteRunWindow.parse(query: query) {
            case .success(let named): window = named
            case .failure(let problem): return self.problem(false, status: 400, problem.description)
            }
            guard let document = try await api.suite(name: name, instance: instance, window: window) else {
                return notFound(api: false, "no such suite")
            }
            return html(pages.suite(document))
        case .run(let id):
            guard let document = try await api.run(id) else { return notFound(api: false, "no such run in the store") }
            return html(pages.run(document))
        case .deliveries: return html(pages.deliveries(try await api.deliveries()))
        case .stylesheet:
            return .respond(
                status: 200, headers: [("Content-Type", "text/css; charset=utf-8")] + Self.securityHeaders, body: Data(pages.stylesheet.utf8))
        case .apiOverview: return try json(try await api.overview())
        case .apiSuites: return try json(try await api.suites())
        case .apiSuite(let name, let instance):
            let window: SuiteRunWindow
            switch SuiteRunWindow.parse(query: query) {
            case .success(let named): window = named
            case .failure(let problem): return self.problem(true, status: 400, problem.description)
            }
            guard let document = try await api.suite(name: name, instance: instance, window: window) else {
                return notFound(api: true, "no such suite")
            }
            return try json(document)
        case .apiRun(let id):
            guard let document = try await api.run(id) else { return notFound(api: true, "no such run in the store") }
            return try json(document)
        case .apiDeliveries: return try json(try await api.deliveries())
        case .apiHistory: return try json(api.history())
        }
    }

    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private func json(_ document: some Encodable) throws -> LoopbackHTTPServer.Response {
        .respond(
            status: 200, headers: [("Content-Type", "application/json")] + Self.securityHeaders, body: try Self.encoder().encode(document))
    }

    private func html(_ page: String, status: Int = 200) -> LoopbackHTTPServer.Response {
        .respond(status: status, headers: [("Content-Type", "text/html; charset=utf-8")] + Self.securityHeaders, body: Data(page.utf8))
    }

    private func notFound(api: Bool, _ message: String) -> LoopbackHTTPServer.Response {
        problem(api, status: 404, message)
    }

    /// `{"error": message}`, as every `/api/` refusal answers.
    private func jsonError(status: Int, _ message: String, headers: [(String, String)] = []) -> LoopbackHTTPServer.Response {
        let body = (try? Self.encoder().encode(["error": message])) ?? Data()
        return .respond(status: status, headers: headers + [("Content-Type", "application/json")] + Self.securityHeaders, body: body)
    }

    private func problem(_ api: Bool, status: Int, _ message: String) -> LoopbackHTTPServer.Response {
        if api {
            return jsonError(status: status, message)
        }
        return html(pages.problem(status: status, message: message), status: status)
    }
}
