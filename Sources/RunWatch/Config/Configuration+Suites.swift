import Foundation
import RunWatchCore

extension Configuration {
    /// Suite verdicts (`suites:`): when an instance counts as complete.
    package struct Suites: Sendable, Equatable {
        /// No run may have joined for this long before a suite whose runs all ended
        /// completes (Alertmanager's `group_wait`): a nightly submitted in several files
        /// must not complete between two of them.
        package var quietPeriod: Duration = SuiteCompletion.defaultQuietPeriod
        package init() {}

        package var completion: SuiteCompletion { SuiteCompletion(quietPeriod: quietPeriod) }
    }
}

extension Configuration.Suites: Decodable {
    enum Keys: String, CodingKey, CaseIterable { case quiet_period }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        quietPeriod = try c.decodeIfPresent(ConfigDuration.self, forKey: .quiet_period)?.value ?? quietPeriod
    }
}

extension Configuration.Notifier {
    /// `suites: failures | always | off`, with a message naming the choices.
    static func decodeSuiteMode(_ c: KeyedDecodingContainer<Keys>) throws -> SuiteMode? {
        guard let text = try c.decodeIfPresent(String.self, forKey: .suites) else { return nil }
        guard let mode = SuiteMode(rawValue: text) else {
            let known = SuiteMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: .suites, in: c, debugDescription: "must be one of \(known), got '\(text)'")
        }
        return mode
    }
}
