import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `https` for the API and every webhook, except loopback hosts.
@Suite struct URLPolicyTests {
    @Test(arguments: [
        ("https://api.cekura.ai", true), ("https://hooks.slack.com/services/T/B/X", true),
        ("http://127.0.0.1:8080", true), ("http://127.1.2.3/x", true), ("http://localhost:9/", true), ("http://[::1]:80/", true),
        ("http://api.cekura.ai", false), ("http://example.org/hooks", false), ("http://127.0.0.1.example.org/", false),
        ("http://10.0.0.1/", false), ("ftp://example.org/", false), ("not a url", false), ("https://", false),
    ])
    func theRule(url: String, allowed: Bool) {
        #expect((URLPolicy.problem(url) == nil) == allowed)
    }

    @Test func checkConfigNamesTheKeyForAnHTTPBaseURLAndWebhook() {
        let problems = Configuration.problems(
            yaml: """
                api:
                  base_url: http://api.cekura.ai
                notifiers:
                  - name: ci
                    kind: webhook
                    url: http://ci.example.org/hooks/T0KEN
                  - name: local
                    kind: webhook
                    url: http://127.0.0.1:9000/hooks
                """)
        #expect(problems.map(\.keyPath) == ["api.base_url", "notifiers[0].url"])
        #expect(problems.allSatisfy { $0.problem.contains("https") })
        #expect(!problems.contains { $0.description.contains("T0KEN") }, "a webhook URL is a secret")
        #expect(throws: ConfigurationError.self) { try Configuration.parse(yaml: "api:\n  base_url: http://api.cekura.ai\n") }
    }

    @Test func aURLFileIsCheckedWhenRead() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir + "/url", "http://ci.example.org/hooks/T0KEN\n")
            let notifier = Configuration.Notifier(name: "ci", kind: .webhook, urlFile: dir + "/url")
            do {
                _ = try NotifierQueue.Endpoint.resolve(notifier, environment: [:])
                Issue.record("an http URL in url_file must be refused")
            } catch {
                #expect("\(error)".contains("url_file"))
                #expect("\(error)".contains("https"))
                #expect(!"\(error)".contains("T0KEN"))
            }
            try writeFile(dir + "/url", "http://127.0.0.1:9000/hooks\n")
            #expect(throws: Never.self) { try NotifierQueue.Endpoint.resolve(notifier, environment: [:]) }
        }
    }

    @Test func newKeysHaveDefaultsAndLimits() throws {
        let config = try Configuration.parse(
            yaml: """
                api:
                  max_response_size: 8MiB
                notifiers:
                  - name: ci
                    kind: webhook
                    url: https://ci.example.org/hooks
                    timeout: 5s
                """)
        #expect(config.api.maxResponseSize == 8 << 20)
        #expect(config.notifiers[0].timeout == .seconds(5))
        #expect(Configuration().api.maxResponseSize == 32 << 20)
        let problems = Configuration.problems(
            yaml: "api:\n  max_response_size: 10KiB\nnotifiers:\n  - name: a\n    kind: webhook\n    url: https://x.org/\n    timeout: 10m\n")
        #expect(problems.map(\.keyPath) == ["api.max_response_size", "notifiers[0].timeout"])
    }
}
