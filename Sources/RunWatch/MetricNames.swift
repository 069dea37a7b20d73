/// Every metric runwatch exports, named per Prometheus conventions (`_total` counters,
/// base units in the name). One place, so docs/operations.md and the code agree.
public enum MetricNames {
    public static let runsWatched = "runwatch_runs_watched"                       // gauge {status}
    public static let transitions = "runwatch_transitions_total"                   // counter {status}
    public static let apiRequests = "runwatch_api_requests_total"                  // counter {outcome}
    public static let apiRateLimited = "runwatch_api_rate_limited_total"           // counter
    public static let backoffSeconds = "runwatch_api_backoff_seconds_total"        // counter
    public static let sweepPeriod = "runwatch_sweep_period_seconds"                // gauge
    public static let detectionDelay = "runwatch_detection_delay_seconds"          // histogram
    public static let malformedRuns = "runwatch_api_malformed_runs_total"          // counter
    public static let unknownStatuses = "runwatch_unknown_status_observations_total" // counter {status}
    public static let spoolIngested = "runwatch_spool_files_ingested_total"        // counter
    public static let spoolRejected = "runwatch_spool_files_rejected_total"        // counter
    public static let outboxDepth = "runwatch_outbox_depth"                        // gauge {notifier}
    public static let deliveries = "runwatch_deliveries_total"                     // counter {notifier, outcome}
    public static let deliveryLatency = "runwatch_delivery_latency_seconds"        // histogram {notifier}
    public static let deadLetters = "runwatch_dead_letters_total"                  // counter {notifier}
}
