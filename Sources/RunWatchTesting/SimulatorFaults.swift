/// Faults the simulator injects on demand. Rates are probabilities per request (or per
/// run object, for the object-level ones).
public struct SimulatorFaults: Sendable, Equatable, Codable {
    /// Answer 500/502/503 instead of the runs.
    public var serverErrorRate = 0.0
    /// Answer 200 with the JSON cut in half.
    public var truncateRate = 0.0
    /// Answer 429 with `Retry-After: retryAfterSeconds`.
    public var rateLimitRate = 0.0
    public var retryAfterSeconds = 1.0
    /// Send Retry-After as an HTTP date instead of seconds.
    public var retryAfterAsDate = false
    /// A real limit: more than this many requests in a second gets 429.
    public var rateLimitPerSecond: Double?
    /// Delay this fraction of answers by `slowSeconds`.
    public var slowRate = 0.0
    public var slowSeconds = 0.0
    /// Per run object: nulls in optional fields, loose types, extra fields.
    public var oddityRate = 0.0
    /// Per run object: `status: null`, which a client must skip without failing the batch.
    public var malformedRunRate = 0.0
    /// Refuse (414) requests with more ids than this.
    public var maxIDsPerRequest: Int?
    /// Drop every connection without answering.
    public var outage = false

    public init() {}
    public static let none = SimulatorFaults()
}

/// What the simulator served, so tests judge the daemon from the server's side.
public struct SimulatorCounters: Sendable, Equatable, Codable {
    public var requests = 0
    public var bulkRequests = 0
    public var idsRequested = 0
    public var maxIDsInRequest = 0
    public var answered200 = 0
    public var unauthorized = 0
    public var badRequests = 0
    public var refusedTooManyIDs = 0
    public var rateLimited = 0
    public var serverErrors = 0
    public var truncated = 0
    public var dropped = 0
    public var malformedRunsServed = 0
    /// Requests that arrived while a Retry-After the simulator had sent was still running.
    public var requestsInsideRetryAfter = 0
    /// Ids asked for again after the simulator had already served them as terminal in a
    /// complete answer: wasted polls.
    public var pollsAfterTerminalServed = 0
    public var maxConcurrentRequests = 0

    public init() {}
}
