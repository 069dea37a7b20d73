/// Faults the simulator injects on demand. Rates are probabilities per request (or per
/// run object, for the object-level ones).
package struct SimulatorFaults: Sendable, Equatable, Codable {
    /// Answer 500/502/503 instead of the runs.
    package var serverErrorRate = 0.0
    /// Answer 200 with the JSON cut in half.
    package var truncateRate = 0.0
    /// Answer 429 with `Retry-After: retryAfterSeconds`.
    package var rateLimitRate = 0.0
    package var retryAfterSeconds = 1.0
    /// Send Retry-After as an HTTP date instead of seconds.
    package var retryAfterAsDate = false
    /// A real limit: more than this many requests in a second gets 429.
    package var rateLimitPerSecond: Double?
    /// Delay this fraction of answers by `slowSeconds`.
    package var slowRate = 0.0
    package var slowSeconds = 0.0
    /// Per run object: nulls in optional fields, loose types, extra fields.
    package var oddityRate = 0.0
    /// Per run object: `status: null`, which a client must skip without failing the batch.
    package var malformedRunRate = 0.0
    /// Refuse (414) requests with more ids than this.
    package var maxIDsPerRequest: Int?
    /// Drop every connection without answering.
    package var outage = false
    /// Ids the API chokes on: a request naming any of them fails as a whole with
    /// `poisonStatus` (400 with a DRF field error, or a 5xx page), like one bad id does to
    /// Cekura's bulk endpoint; requests without them are answered normally.
    package var poisonIDs: [Int] = []
    package var poisonStatus = 400
    /// Result reads (`GET /results/{id}/`) only: 500/502/503, 429 with
    /// `retryAfterSeconds`, a 200 whose body is not a result.
    package var resultServerErrorRate = 0.0
    package var resultRateLimitRate = 0.0
    package var resultMalformedRate = 0.0

    package init() {}
    package static let none = SimulatorFaults()
}

/// What the simulator served, so tests judge the daemon from the server's side.
package struct SimulatorCounters: Sendable, Equatable, Codable {
    package var requests = 0
    package var bulkRequests = 0
    package var idsRequested = 0
    package var maxIDsInRequest = 0
    package var answered200 = 0
    package var unauthorized = 0
    package var badRequests = 0
    package var refusedTooManyIDs = 0
    /// Requests failed because they named a poison id.
    package var poisoned = 0
    package var rateLimited = 0
    package var serverErrors = 0
    package var truncated = 0
    package var dropped = 0
    package var malformedRunsServed = 0
    /// Requests that arrived while a Retry-After the simulator had sent was still running.
    package var requestsInsideRetryAfter = 0
    /// Ids asked for again after the simulator had already served them as terminal in a
    /// complete answer: wasted polls.
    package var pollsAfterTerminalServed = 0
    package var maxConcurrentRequests = 0
    /// Result reads, by outcome (also counted in `requests`).
    package var resultRequests = 0
    package var resultsAnswered = 0
    package var resultsNotFound = 0
    package var resultServerErrors = 0
    package var resultRateLimited = 0
    package var resultMalformed = 0

    package init() {}
}
