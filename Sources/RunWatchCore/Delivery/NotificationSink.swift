import Foundation

/// One kind of notification destination (Slack, a generic webhook, …): how it renders
/// what runwatch says, what an answer from it means, and the defaults that suit it.
///
/// The pure half of a sink; the edge half (`SinkTransport` in RunWatch: request headers,
/// signing) lives beside it in a folder of the same name. Nothing outside the two sink
/// folders and `NotifierKind.sink` knows which sinks exist (Alertmanager's `Notifier`
/// interface, with the retry decision made explicit in `DeliveryVerdict`).
package protocol NotificationSink: Sendable {
    var defaults: SinkDefaults { get }

    /// The message for one ended run. `history` is the run's recorded transitions,
    /// oldest first (a sink may ignore it).
    func render(_ alert: RunAlert, history: [Transition]) -> RenderedMessage

    /// The message for one status change (`run.transition`).
    func render(_ notice: TransitionNotice) -> RenderedMessage

    /// One message for several ended runs (at most `defaults.digestCapacity`), `part`
    /// when a burst was cut into several; only called when `defaults.digests` is true.
    func renderDigest(_ alerts: [RunAlert], part: DigestPart?) -> RenderedMessage

    /// The plain form of a body this sink rendered earlier (stored in the outbox), for
    /// when the endpoint refuses the full one; nil when the sink has none.
    func plainText(of body: Data) -> Data?

    /// What the endpoint's answer means for the message.
    func classify(status: Int, retryAfter: String?, body: Data, now: Date, retryAfterCap: Duration) -> DeliveryVerdict

    /// Which suite verdicts a notifier of this kind receives when its `suites` is not set.
    var suiteDefault: SuiteMode { get }

    /// How many messages suite report `report` takes (at least 1): a summary whose
    /// failures do not fit one message continues in further parts, each its own outbox row.
    func suiteParts(_ report: SuiteReport) -> Int

    /// What the outbox row of part `part` stores (the whole report, or less when a part
    /// needs less); `render(_:part:)` of it gives the same bytes as of the whole report.
    func storedSuitePart(_ report: SuiteReport, part: Int) -> SuiteReport

    /// `storedSuitePart` of every part, in order (`suiteParts(report)` of them), in one
    /// pass over the report: what completing a suite queues.
    func storedSuiteParts(_ report: SuiteReport) -> [SuiteReport]

    /// Part `part` (1-based, ≤ `suiteParts(report)`) of a suite's summary
    /// (`suite.completed`). Deterministic: a retry sends the same bytes.
    func render(_ report: SuiteReport, part: Int) -> RenderedMessage
}

/// What suits a sink unless the configuration says otherwise, and what it can do at all.
package struct SinkDefaults: Sendable, Equatable {
    /// Outcomes a notifier of this kind receives when its `events` is not set.
    package var events: Set<RunOutcome>
    /// Least time between two sends.
    package var pace: Duration
    /// Digest window; zero when the sink has no digests.
    package var groupWindow: Duration
    /// Deliveries under way at once.
    package var maxInFlight: Int
    /// Whether `max_in_flight` may be raised above 1 (Slack wants one message at a time).
    package var concurrent: Bool
    /// Whether alerts may be grouped into one message (`group_window`).
    package var digests: Bool
    /// Whether requests carry Standard Webhooks headers (`secret_file`, `bearer_token_file`).
    package var signed: Bool
    /// Whether an alert's body lists the run's recorded transitions (so the poller reads
    /// them for the runs that ended).
    package var carriesHistory: Bool
    /// The most alerts one digest names, all of them, within the endpoint's limits (the
    /// delivery plan's `digestLimit`); a bigger burst becomes several messages.
    package var digestCapacity: Int

    package init(
        events: Set<RunOutcome>, pace: Duration, groupWindow: Duration, maxInFlight: Int,
        concurrent: Bool, digests: Bool, signed: Bool, carriesHistory: Bool, digestCapacity: Int = 1
    ) {
        self.events = events
        self.pace = pace
        self.groupWindow = groupWindow
        self.maxInFlight = maxInFlight
        self.concurrent = concurrent
        self.digests = digests
        self.signed = signed
        self.carriesHistory = carriesHistory
        self.digestCapacity = max(1, digestCapacity)
    }
}

/// A message's bytes, and the plain form to send once if the endpoint refuses the full
/// one as malformed (`DeliveryVerdict.invalidPayload`).
package struct RenderedMessage: Sendable, Equatable {
    package var body: Data
    package var plainText: Data?

    package init(body: Data, plainText: Data? = nil) {
        self.body = body
        self.plainText = plainText
    }
}

extension NotifierKind {
    /// The one registration point: a new sink is a case here and in `NotifierKind`, plus
    /// its two folders.
    package var sink: any NotificationSink {
        switch self {
        case .slack: SlackSink()
        case .webhook: WebhookSink()
        }
    }
}
