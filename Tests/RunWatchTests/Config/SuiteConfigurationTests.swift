import Foundation
import RunWatch
import RunWatchCore
import Testing

/// `suites.quiet_period` and each notifier's `suites:` mode.
@Suite struct SuiteConfigurationTests {
    @Test func defaultsAreThirtySecondsFailuresForSlackAndAlwaysForWebhooks() throws {
        let config = try Configuration.parse(
            yaml: """
                notifiers:
                  - {name: ops, kind: slack, url: https://hooks.slack.com/services/T/B/X}
                  - {name: ci, kind: webhook, url: https://ci.example.com/hook}
                """)
        #expect(config.suites.quietPeriod == .seconds(30))
        #expect(config.notifiers.map(\.suites) == [.failures, .always])
        #expect(config.notifiers.map(NotifierRoute.init).map(\.suites) == [.failures, .always])
    }

    @Test func bothKeysAreRead() throws {
        let config = try Configuration.parse(
            yaml: """
                suites:
                  quiet_period: 2m
                notifiers:
                  - {name: ops, kind: slack, url: https://hooks.slack.com/services/T/B/X, suites: always}
                  - {name: ci, kind: webhook, url: https://ci.example.com/hook, suites: "off"}
                """)
        #expect(config.suites.quietPeriod == .seconds(120))
        #expect(config.notifiers.map(\.suites) == [.always, .off])
    }

    @Test(arguments: [
        ("suites: {quiet_period: 2d}", "suites.quiet_period", "between 0s and 1d"),
        ("suites: {quiet: 1s}", "suites.quiet", "unknown key"),
        ("notifiers: [{name: a, kind: slack, url: 'https://hooks.slack.com/x', suites: sometimes}]", "notifiers[0].suites", "failures, always, off"),
    ])
    func badValuesNameTheKey(yaml: String, key: String, problem: String) {
        let problems = Configuration.problems(yaml: yaml)
        #expect(problems.contains { $0.keyPath == key && $0.problem.contains(problem) }, "\(problems)")
    }
}
