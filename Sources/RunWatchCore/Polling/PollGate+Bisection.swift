/// One bad id must not hold back the rest.
///
/// Cekura answers a bulk request as a whole: one id it chokes on (a 400 about that id, or
/// a 500 its serializer throws) fails the request for every run in the batch. So a batch
/// whose request failed becomes a *suspect* (`SuspectBatches`): polled alone, with a
/// backoff of its own, while every other run keeps its schedule at full batch size.
///
/// - A 400 is about the request's ids: the suspect is split in halves at once, and each
///   half is polled alone. Halves that are answered go back to the ordinary schedule.
/// - A 5xx may be the API's: a suspect that fails again is split only if, since it last
///   failed, the API answered ordinary requests (batches not under suspicion) and failed
///   none: the failure follows the ids, not the API. Otherwise it waits its own backoff,
///   and the gate's own rules for ordinary batches still back off globally in an outage.
/// - An id alone that fails so (clean evidence each time) 2 times for a 400, 3 for a 5xx,
///   is the bad id: `.reject`, and the run ends as `rejected`. An outage (no answers) or
///   a flaky API (other failures) never gives clean evidence, so it rejects nothing; nor
///   does a bad id with no other runs left to poll. `watch.deadline` ends such runs as
///   `expired`.
/// - A failing suspect never closes the gate for everyone, so its backoff pauses no other
///   run; and the batch size is not reduced for it (414 alone halves it).
extension PollGate {
    /// Failures of an id alone, each after the API answered ordinary requests and failed
    /// none, that make it the bad id: a 400 is the API's word about the request, a 5xx
    /// could still be bad luck, so it takes one more.
    package static func strikesToReject(refused: Bool) -> Int { refused ? 2 : 3 }
    /// The most characters of the API's words kept in a reason.
    package static let reasonLimit = 200

    /// Takes a request's batch out of the schedule and polls it alone from now on: due at
    /// `due`, or (nil) where its runs were.
    @discardableResult
    mutating func formSuspect(_ batch: [RunID], due: Instant?, failures: Int, at now: Instant) -> Int {
        let place = schedule.release(batch)
        let key = suspects.add(batch, due: due ?? place ?? now, failures: failures, answersSeen: ordinaryAnswers, failuresSeen: ordinaryFailures)
        if var suspect = suspects[key] {
            suspect.allAnswersSeen = allAnswers
            suspects[key] = suspect
        }
        return key
    }

    /// What a failure of suspect `key` means: split it, reject its id, or let it wait its
    /// own backoff. `refused` is a 400 (about the ids, so no need to wait for evidence).
    mutating func suspectFailed(_ key: Int, reason rawReason: String, refused: Bool, at now: Instant, unitRandom: Double) -> Action {
        let reason = Self.bounded(rawReason)
        guard var suspect = suspects[key] else { return .holdBack(until: now, wait: .zero, reason: reason) }
        // Since this batch was formed or last failed, the API answered ordinary requests
        // (it is up) and failed none (it is not flaky): then the failure follows the ids.
        let followsIDs = ordinaryAnswers > suspect.answersSeen && ordinaryFailures == suspect.failuresSeen
        let anyAnswered = allAnswers > suspect.allAnswersSeen
        if suspect.ids.count > 1, refused || followsIDs {
            return .bisect(into: suspects.split(key, answersSeen: ordinaryAnswers, failuresSeen: ordinaryFailures), reason: reason)
        }
        suspect.failures += 1
        suspect.answersSeen = ordinaryAnswers
        suspect.failuresSeen = ordinaryFailures
        suspect.allAnswersSeen = allAnswers
        if suspect.ids.count == 1, followsIDs {
            suspect.strikes += 1
            let needed = Self.strikesToReject(refused: refused)
            if suspect.strikes >= needed {
                suspects.dissolve(key)
                return .reject(suspect.ids[0], reason: Self.rejection(reason, refused: refused, times: needed))
            }
        }
        suspects[key] = suspect
        let wait = settings.backoff.delay(attempt: suspect.failures - 1, unitRandom: unitRandom)
        // Asked again before any ordinary request, it could learn nothing new: it goes
        // after the next one (if any run is waiting), behind the runs already waiting.
        let due = max(now + wait, schedule.nextDue().map { $0 + .nanoseconds(1) } ?? now)
        suspects.putBack(key, due: due)
        let until = max(due, opensAt ?? now)
        // Nothing at all was answered since: as far as anyone can tell the API is down, so say
        // so (the ordinary batches' failures close the gate for everyone, not this one).
        if !anyAnswered {
            switch condition {
            case .ok: condition = .backingOff(until: until, reason: reason)
            case .backingOff(let current, _) where current <= until: condition = .backingOff(until: until, reason: reason)
            default: break  // a longer wait, or a key pause, says more
            }
        }
        return .holdBack(until: until, wait: wait, reason: reason)
    }

    /// Why a rejected run ended, for the store, `runwatch show` and the alert.
    static func rejection(_ reason: String, refused: Bool, times: Int) -> String {
        let what = refused ? "refused" : "failed on"
        return "the API \(what) a request for this run alone \(times) times (\(reason)) while it answered other runs"
    }

    /// The API's words as they may be kept and shown: one printable line (the shared
    /// `UntrustedText` rules), at most `reasonLimit` characters.
    package static func bounded(_ text: String) -> String {
        UntrustedText.printable(text, limit: reasonLimit)
    }
}
