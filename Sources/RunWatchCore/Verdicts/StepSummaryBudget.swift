/// How much of `$GITHUB_STEP_SUMMARY` `runwatch wait` may use. GitHub drops a step's
/// summary that is over 1 MiB in total, earlier steps' content included, so the appended
/// copy gets what the file has left (under a round 1 MB, for margin); with less than a
/// few KB left, a summary would be only a cut verdict line, so none is appended.
package enum StepSummaryBudget {
    package static let limit = 1_000_000
    package static let minimumRoom = 4_096

    /// The bytes the appended summary may take, or nil when there is no room for one.
    package static func room(existingBytes: Int) -> Int? {
        let room = limit - max(0, existingBytes)
        return room >= minimumRoom ? room : nil
    }
}
