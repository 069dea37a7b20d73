/// Batches polled apart from every other run, because a request for them failed.
///
/// A batch whose request failed might hold a run the API chokes on (one bad id makes the
/// whole bulk request fail). Its runs leave `PollSchedule` and are asked about as that
/// batch alone, with a backoff of its own, so the others are polled on schedule at full
/// size. `PollGate` splits a suspect in halves when the failure follows its ids, until
/// one id is alone. Pure: time is an input; `PollGate` makes every decision.
package struct SuspectBatches: Sendable {
    package typealias Instant = ContinuousClock.Instant

    struct Suspect: Sendable {
        var ids: [RunID]
        /// When it may be asked about next (its place among the waiting runs).
        var due: Instant
        /// The due time it had when taken: a batch that keeps its place goes back here.
        var takenDue: Instant?
        /// Its failures in a row: its own backoff grows with them.
        var failures: Int
        /// For a single id: failures alone while the API answered others and failed none.
        var strikes = 0
        /// The gate's counts of ordinary requests answered and failed when the batch was
        /// formed or last failed: more answers later mean the API answered others
        /// meanwhile; more failures, that it failed others too (it may be the API's fault).
        var answersSeen: Int
        var failuresSeen: Int
        /// `PollGate.allAnswers` then: no answer of any kind since means the API looks down.
        var allAnswersSeen = 0
        var inFlight: Bool { takenDue != nil }
    }

    private var suspects: [Int: Suspect] = [:]
    private var keyOf: [RunID: Int] = [:]
    private var nextKey = 0

    package init() {}

    /// Runs held here (due or in flight).
    package var count: Int { keyOf.count }
    /// Suspect batches (each polled alone).
    package var batches: Int { suspects.count }
    package func contains(_ id: RunID) -> Bool { keyOf[id] != nil }

    /// The suspect that `batch` (a request's ids) was taken from, if any.
    func key(of batch: [RunID]) -> Int? {
        batch.lazy.compactMap { keyOf[$0] }.first
    }

    subscript(key: Int) -> Suspect? {
        get { suspects[key] }
        set { suspects[key] = newValue }
    }

    @discardableResult
    mutating func add(_ ids: [RunID], due: Instant, failures: Int, answersSeen: Int, failuresSeen: Int) -> Int {
        let key = nextKey
        nextKey += 1
        suspects[key] = Suspect(ids: ids, due: due, failures: failures, answersSeen: answersSeen, failuresSeen: failuresSeen)
        for id in ids { keyOf[id] = key }
        return key
    }

    /// Ends a suspect (it was answered, or its id ends): its runs belong to no batch here.
    @discardableResult
    mutating func dissolve(_ key: Int) -> [RunID] {
        guard let suspect = suspects.removeValue(forKey: key) else { return [] }
        for id in suspect.ids { keyOf[id] = nil }
        return suspect.ids
    }

    /// Drops one run (it ended, or was forgotten); an emptied batch goes too.
    mutating func remove(_ id: RunID) {
        guard let key = keyOf.removeValue(forKey: id) else { return }
        suspects[key]?.ids.removeAll { $0 == id }
        if suspects[key]?.ids.isEmpty == true { suspects[key] = nil }
    }

    /// The waiting suspect due first (ties by its first id), if any.
    func first() -> (key: Int, due: Instant)? {
        var best: (key: Int, due: Instant, id: RunID)?
        for (key, suspect) in suspects where !suspect.inFlight {
            let id = suspect.ids.first ?? 0
            if let current = best, (current.due, current.id) <= (suspect.due, id) { continue }
            best = (key, suspect.due, id)
        }
        return best.map { ($0.key, $0.due) }
    }

    /// Marks a suspect in flight and returns its ids.
    mutating func take(_ key: Int) -> [RunID] {
        guard var suspect = suspects[key] else { return [] }
        suspect.takenDue = suspect.due
        suspects[key] = suspect
        return suspect.ids
    }

    /// Puts an in-flight suspect back at `due` (nil: where it was when taken).
    mutating func putBack(_ key: Int, due: Instant? = nil) {
        guard var suspect = suspects[key] else { return }
        suspect.due = due ?? suspect.takenDue ?? suspect.due
        suspect.takenDue = nil
        suspects[key] = suspect
    }

    /// Splits a suspect in two halves, each polled alone from now on, in its place.
    mutating func split(_ key: Int, answersSeen: Int, failuresSeen: Int) -> [[RunID]] {
        guard let suspect = suspects[key], suspect.ids.count > 1 else { return [] }
        let place = suspect.takenDue ?? suspect.due
        dissolve(key)
        let middle = suspect.ids.count / 2
        let halves = [Array(suspect.ids[..<middle]), Array(suspect.ids[middle...])]
        for half in halves { add(half, due: place, failures: 0, answersSeen: answersSeen, failuresSeen: failuresSeen) }
        return halves
    }

    /// A reload: every suspect not in flight may be asked about now (its own backoff ends).
    mutating func endBackoffs(at now: Instant) {
        for key in Array(suspects.keys) {
            guard var suspect = suspects[key], !suspect.inFlight else { continue }
            suspect.due = min(suspect.due, now)
            suspects[key] = suspect
        }
    }
}
