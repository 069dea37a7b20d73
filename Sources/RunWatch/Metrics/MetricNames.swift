/// Every metric runwatch exports, named per Prometheus conventions (`_total` counters,
/// base units in the name). One place, so docs/operations.md and the code agree.
package enum MetricNames {
    package static let runsWatched = "runwatch_runs_watched"  // gauge {status}
    package static let transitions = "runwatch_transitions_total"  // counter {status}
    package static let apiRequests = "runwatch_api_requests_total"  // counter {outcome}
    package static let resultReads = "runwatch_result_reads_total"  // counter {outcome}
    package static let apiRateLimited = "runwatch_api_rate_limited_total"  // counter
    package static let backoffSeconds = "runwatch_api_backoff_seconds_total"  // counter
    package static let sweepPeriod = "runwatch_sweep_period_seconds"  // gauge
    package static let detectionDelay = "runwatch_detection_delay_seconds"  // histogram
    package static let malformedRuns = "runwatch_api_malformed_runs_total"  // counter
    package static let unknownStatuses = "runwatch_unknown_status_observations_total"  // counter {status}
    package static let spoolIngested = "runwatch_spool_files_ingested_total"  // counter
    package static let spoolRejected = "runwatch_spool_files_rejected_total"  // counter
    package static let outboxDepth = "runwatch_outbox_depth"  // gauge {notifier}
    package static let deliveries = "runwatch_deliveries_total"  // counter {notifier, outcome}
    package static let deliveryLatency = "runwatch_delivery_latency_seconds"  // histogram {notifier}
    package static let deadLetters = "runwatch_dead_letters_total"  // counter {notifier}
    package static let suitesCompleted = "runwatch_suites_completed_total"  // counter {verdict}
}
