/// One bad id must not hold back the rest.
///
/// Cekura answers a bulk request as a whole: one id it chokes on (a 400 about that id, or
/// a 500 its serializer throws) fails the request for every run in the batch. So a batch
/// whose request failed becomes a *suspect* (`SuspectBatches`): polled alone, with a
/// backoff of its own, while every other run keeps its schedule at full batch size.
///
/// - A 400 is about the request's ids: the suspect is split in halves at once, and each
///   half is polled alone. Halves that are answered go back to the ordinary schedule.
/// - A 5xx may be the API's: a suspect that fails again is split only if the API answered
///   another request since it last failed (the failure follows the ids, not the API);
///   otherwise it waits its own backoff, and the gate's own rules for ordinary batches
///   still back off globally in an outage.
/// - An id alone that fails `strikesToReject` (2) times, each time after the API answered
///   another request, is the bad id: `.reject`, and the run ends as `rejected`. Without
///   answers elsewhere (the whole API refuses) nothing is rejected: `watch.deadline` ends
///   such runs as `expired`.
/// - A failing suspect never closes the gate for everyone, so its backoff pauses no other
///   run; and the batch size is not reduced for it (414 alone halves it).
extension PollGate {
    /// Failures of an id alone, each after the API answered another request, that make it
    /// the bad id.
    package static let strikesToReject = 2
    /// The most characters of the API's words kept in a reason.
    package static let reasonLimit = 200

    /// Takes a request's batch out of the schedule and polls it alone from now on: due at
    /// `due`, or (nil) where its runs were.
    @discardableResult
    mutating func formSuspect(_ batch: [RunID], due: Instant?, failures: Int, at now: Instant) -> Int {
        let place = schedule.release(batch)
        return suspects.add(batch, due: due ?? place ?? now, failures: failures, answersSeen: answers)
    }

    /// What a failure of suspect `key` means: split it, reject its id, or let it wait its
    /// own backoff. `refused` is a 400 (about the ids, so no need to wait for evidence).
    mutating func suspectFailed(_ key: Int, reason rawReason: String, refused: Bool, at now: Instant, unitRandom: Double) -> Action {
        let reason = Self.bounded(rawReason)
        guard var suspect = suspects[key] else { return .holdBack(until: now, wait: .zero, reason: reason) }
        // The API answered another request since this batch was formed or last failed.
        let followsIDs = answers > suspect.answersSeen
        if suspect.ids.count > 1, refused || followsIDs {
            return .bisect(into: suspects.split(key, answersSeen: answers), reason: reason)
        }
        suspect.failures += 1
        suspect.answersSeen = answers
        if suspect.ids.count == 1, followsIDs {
            suspect.strikes += 1
            if suspect.strikes >= Self.strikesToReject {
                suspects.dissolve(key)
                return .reject(suspect.ids[0], reason: Self.rejection(reason, refused: refused))
            }
        }
        suspects[key] = suspect
        let wait = settings.backoff.delay(attempt: suspect.failures - 1, unitRandom: unitRandom)
        suspects.putBack(key, due: now + wait)
        let until = max(now + wait, opensAt ?? now)
        // Nothing was answered since: as far as anyone can tell the API is down, so say
        // so (the ordinary batches' failures close the gate for everyone, not this one).
        if !followsIDs, condition == .ok || condition.isBackingOff { condition = .backingOff(until: until, reason: reason) }
        return .holdBack(until: until, wait: wait, reason: reason)
    }

    /// Why a rejected run ended, for the store, `runwatch show` and the alert.
    static func rejection(_ reason: String, refused: Bool) -> String {
        let what = refused ? "refused" : "failed on"
        return "the API \(what) a request for this run alone \(strikesToReject) times (\(reason)) while it answered other runs"
    }

    /// The API's words as they may be kept and shown: control characters replaced, at
    /// most `reasonLimit` characters.
    package static func bounded(_ text: String) -> String {
        var clean = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        if clean.count > reasonLimit { clean = String(clean.prefix(reasonLimit - 1)) + "…" }
        return clean
    }
}

extension PollGate.Condition {
    var isBackingOff: Bool {
        if case .backingOff = self { true } else { false }
    }
}
