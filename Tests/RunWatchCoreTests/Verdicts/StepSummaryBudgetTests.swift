import RunWatchCore
import Testing

/// What `runwatch wait` may append to `$GITHUB_STEP_SUMMARY`, given what it holds.
struct StepSummaryBudgetTests {
    @Test(arguments: [
        (0, 1_000_000 as Int?),
        (-5, 1_000_000),
        (10_000, 990_000),
        (995_904, 4_096),
        (995_905, nil),
        (999_999, nil),
        (1_000_000, nil),
        (5_000_000, nil),
    ])
    func roomIsWhatTheFileHasLeft(existing: Int, room: Int?) {
        #expect(StepSummaryBudget.room(existingBytes: existing) == room)
    }
}
