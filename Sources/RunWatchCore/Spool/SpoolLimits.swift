/// What one spool file may ask for. Producers are other teams' jobs: a mistake (or a
/// hostile file) must cost the daemon a bounded amount of memory, store space and log
/// text, and the producer must learn which limit it hit. Constants, not configuration:
/// a producer should not have to know how a given host is set up. See docs/spool.md.
package struct SpoolLimits: Sendable, Equatable {
    /// File size; a larger file is set aside unread past this many bytes.
    package var maxBytes: Int
    /// Distinct run ids in one file. The benchmark ingests 10,000 per file; ten times that
    /// is still one quick transaction.
    package var maxRunIDs: Int
    /// Labels in one submission.
    package var maxLabels: Int
    /// One label key, in UTF-8 bytes.
    package var maxLabelKeyBytes: Int
    /// One label value, in UTF-8 bytes.
    package var maxLabelValueBytes: Int
    /// Names in one `notifiers` list.
    package var maxNotifiers: Int
    /// One notifier name, in UTF-8 bytes.
    package var maxNotifierNameBytes: Int
    /// A suite name, in UTF-8 bytes (it appears in URLs, Slack headlines and JUnit).
    package var maxSuiteNameBytes: Int
    /// Cekura result ids in one submission (each expands to up to thousands of runs).
    package var maxResultIDs: Int
    /// Problems listed one by one in a reason; the rest are counted ("and K more").
    package var maxListedProblems: Int
    /// A reason file (and a reason logged) is cut to this many bytes.
    package var maxReasonBytes: Int

    package static let `default` = SpoolLimits(
        maxBytes: 10 * 1024 * 1024, maxRunIDs: 100_000, maxLabels: 32, maxLabelKeyBytes: 64, maxLabelValueBytes: 512,
        maxNotifiers: 32, maxNotifierNameBytes: 64, maxSuiteNameBytes: 128, maxResultIDs: 100, maxListedProblems: 20,
        maxReasonBytes: 8 * 1024)

    package init(
        maxBytes: Int, maxRunIDs: Int, maxLabels: Int, maxLabelKeyBytes: Int, maxLabelValueBytes: Int, maxNotifiers: Int,
        maxNotifierNameBytes: Int, maxSuiteNameBytes: Int = 128, maxResultIDs: Int = 100, maxListedProblems: Int, maxReasonBytes: Int
    ) {
        self.maxSuiteNameBytes = maxSuiteNameBytes
        self.maxResultIDs = maxResultIDs
        self.maxBytes = maxBytes
        self.maxRunIDs = maxRunIDs
        self.maxLabels = maxLabels
        self.maxLabelKeyBytes = maxLabelKeyBytes
        self.maxLabelValueBytes = maxLabelValueBytes
        self.maxNotifiers = maxNotifiers
        self.maxNotifierNameBytes = maxNotifierNameBytes
        self.maxListedProblems = maxListedProblems
        self.maxReasonBytes = maxReasonBytes
    }
}
