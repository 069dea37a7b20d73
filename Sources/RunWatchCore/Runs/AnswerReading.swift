import Foundation

/// What one bulk answer says about the runs a request asked for: each run's next tracked
/// state and, where it is news, the update to record. Pure; the poller commits the result.
///
/// - An object for a run that was not asked for, or a second object for the same run, is
///   ignored (the API answered something else; the asked run counts as absent).
/// - A malformed object that names an asked run is not an absence: the run is asked for
///   again, until its deadline (an object that stays unreadable must still end).
/// - A run asked for and not in the answer is absent (`not_found` after enough misses).
package struct AnswerReading: Sendable {
    /// The tracked state of each asked run after this answer.
    package var next: [RunID: TrackedRun] = [:]
    /// The updates worth recording (`RunUpdate.isNews`), in answer order.
    package var updates: [RunUpdate] = []
    /// Runs that ended with this answer: stop polling them.
    package var ended: Set<RunID> = []
    /// Run objects that could be read, for the driver's warnings about odd values.
    package var seen: [RunSnapshot] = []
    /// Objects that could not be read: the id if it was found, and why.
    package var malformed: [(id: RunID?, reason: String)] = []

    package static func read(
        _ decoded: [DecodedRun], batch: [RunID], runs: [RunID: TrackedRun], at now: Date, policy: WatchPolicy
    ) -> AnswerReading {
        var reading = AnswerReading()
        var present: Set<RunID> = []
        for item in decoded {
            switch item {
            case .run(let snapshot):
                guard let run = runs[snapshot.id], present.insert(snapshot.id).inserted else { continue }
                let (next, update) = RunTracker.observe(snapshot, run: run, at: now, policy: policy)
                reading.take(snapshot.id, next, update)
                reading.seen.append(snapshot)
            case .malformed(let id, let reason):
                reading.malformed.append((id, reason))
                guard let id, let run = runs[id], present.insert(id).inserted else { continue }
                if let (next, update) = RunTracker.expireIfDue(run: run, id: id, at: now, policy: policy) {
                    reading.take(id, next, update)
                }
            }
        }
        for id in batch where !present.contains(id) {
            guard let run = runs[id] else { continue }
            let (next, update) = RunTracker.absent(id, run: run, at: now, policy: policy)
            reading.take(id, next, update)
        }
        return reading
    }

    private mutating func take(_ id: RunID, _ run: TrackedRun, _ update: RunUpdate?) {
        next[id] = run
        guard let update else { return }
        if update.ended { ended.insert(id) }
        if update.isNews { updates.append(update) }
    }
}
