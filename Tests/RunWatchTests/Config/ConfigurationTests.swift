import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

@Suite struct ConfigurationTests {
    @Test func anEmptyFileMeansAllDefaults() throws {
        let config = try Configuration.parse(yaml: "")
        #expect(config == Configuration())
        #expect(config.api.baseURL == "https://api.cekura.ai")
        #expect(config.api.bulkPath == "/test_framework/v1/runs/bulk/")
        #expect(config.api.resultsPath == "/test_framework/v2/results/{id}/")
        #expect(
            try Configuration.parse(yaml: "api:\n  results_path: /test_framework/v1/results/{id}/\n").api.resultsPath
                == "/test_framework/v1/results/{id}/")
        #expect(config.api.batchSize == 100)
        #expect(config.api.pollInterval == .seconds(15))
        #expect(config.spoolDir == "/var/spool/runwatch")
        #expect(config.stateDir == "/var/lib/runwatch")
    }

    @Test func theIssueExampleParses() throws {
        let config = try Configuration.parse(
            yaml: """
                api:
                  base_url: https://api.cekura.ai
                  bulk_path: /test_framework/v2/runs/bulk/
                  api_key_file: /etc/runwatch/api-key
                  batch_size: 50
                  poll_interval: 500ms
                spool_dir: /var/spool/runwatch
                state_dir: /var/lib/runwatch
                notifiers:
                  - name: ops
                    kind: slack
                    url: https://hooks.slack.com/services/T000/B000/XXXX
                  - name: ci
                    kind: webhook
                    url_file: ci-webhook-url
                    secret_file: ci-webhook-secret
                    events: [run.failed, run.timeout]
                """)
        #expect(config.api.bulkPath == "/test_framework/v2/runs/bulk/")
        #expect(config.api.batchSize == 50)
        #expect(config.api.pollInterval == .milliseconds(500))
        #expect(config.notifiers.count == 2)
        #expect(config.notifiers[0].events == [.unsuccessful, .failed, .timeout, .cancelled, .notFound, .expired, .rejected])
        #expect(config.notifiers[1].events == [.failed, .timeout])
        #expect(config.notifiers[1].urlFile == "ci-webhook-url")
    }

    @Test func theShippedExampleConfigIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("etc/runwatch.yaml").path
        let config = try Configuration.load(path: path)
        #expect(config.spoolDir == "/var/spool/runwatch")
    }

    static let badConfigs: [(yaml: String, key: String, fragment: String)] = [
        ("api:\n  batch_size: abc\n", "api.batch_size", "expected an integer"),
        ("api:\n  batch_size: 0\n", "api.batch_size", "between 1 and 1000, got 0"),
        ("api:\n  poll_interval: 15\n", "api.poll_interval", "'15' is not a duration"),
        ("api:\n  pol_interval: 15s\n", "api.pol_interval", "unknown key"),
        ("api:\n  base_url: ftp://x\n", "api.base_url", "is not an https URL"),
        ("api:\n  max_requests_per_second: 0\n", "api.max_requests_per_second", "above 0"),
        ("api:\n  results_path: /test_framework/v2/results/\n", "api.results_path", "contain '{id}'"),
        ("api:\n  results_path: test_framework/v2/results/{id}/\n", "api.results_path", "must start with '/'"),
        ("api:\n  results_path: /r/{id}/?x=1\n", "api.results_path", "(no query)"),
        ("spool_dirr: /tmp\n", "spool_dirr", "unknown key"),
        ("spool_scan_interval: 0s\n", "spool_scan_interval", "at least 50ms"),
        ("api:\n  backoff_base: 0s\n", "api.backoff_base", "above 0"),
        ("api:\n  backoff_base: 10s\n  backoff_cap: 5s\n", "api.backoff_cap", "at least api.backoff_base"),
        ("watch:\n  retention: 0s\n", "watch.retention", "at least 1m"),
        ("watch:\n  retentoin: 7d\n", "watch.retentoin", "unknown key"),
        ("log_level: loud\n", "log_level", "must be one of"),
        ("notifiers:\n  - name: a\n    kind: teams\n    url: https://x.example\n", "notifiers[0].kind", "must be slack or webhook, got 'teams'"),
        ("notifiers:\n  - kind: slack\n    url: https://x.example\n", "notifiers[0].name", "is required"),
        ("notifiers:\n  - name: a\n    kind: slack\n", "notifiers[0].url", "set url or url_file"),
        (
            "notifiers:\n  - name: a\n    kind: slack\n    url: https://x.example\n  - name: a\n    kind: slack\n    url: https://y.example\n",
            "notifiers[1].name", "used by another notifier"
        ),
        (
            "notifiers:\n  - name: a\n    kind: slack\n    url: https://x.example\n    events: [run.exploded]\n", "notifiers[0].events",
            "unknown event 'run.exploded'"
        ),
        (
            "notifiers:\n  - name: a\n    kind: slack\n    url: https://x.example\n    secret_file: s\n", "notifiers[0].secret_file",
            "only applies to kind: webhook"
        ),
        ("notifiers:\n  - name: a\n    kind: slack\n    url: not a url\n", "notifiers[0].url", "is not an https URL with a host"),
    ]

    @Test(arguments: badConfigs)
    func aBadValueNamesItsKeyAndTheProblem(yaml: String, key: String, fragment: String) {
        #expect {
            try Configuration.parse(yaml: yaml, file: "test.yaml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.keyPath == key && error.problem.contains(fragment) && error.description.hasPrefix("config test.yaml: \(key): ")
        }
    }

    @Test func secretURLsAreNotEchoedInErrors() {
        #expect {
            try Configuration.parse(yaml: "notifiers:\n  - name: a\n    kind: slack\n    url: hooks.slack.com/services/SECRET\n")
        } throws: { error in
            !"\(error)".contains("SECRET")
        }
    }

    @Test func brokenYAMLIsReported() {
        #expect {
            try Configuration.parse(yaml: "api: [unclosed\n", file: "x.yaml")
        } throws: { error in
            "\(error)".hasPrefix("config x.yaml: ")
        }
    }

    @Test func apiKeyLookupOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeFile(dir + "/key-file", "  file-key \n")
        try writeFile(dir + "/cekura-api-key", "cred-key")

        var config = Configuration()
        config.api.apiKeyFile = dir + "/key-file"
        let fromFile = try SecretSource.apiKey(configuration: config, environment: ["CEKURA_API_KEY": "env"])
        #expect(fromFile.value == "file-key")
        let fromCredential = try SecretSource.apiKey(
            configuration: Configuration(), environment: ["CREDENTIALS_DIRECTORY": dir, "CEKURA_API_KEY": "env"])
        #expect(fromCredential.value == "cred-key")
        let fromEnvironment = try SecretSource.apiKey(configuration: Configuration(), environment: ["CEKURA_API_KEY": "env"])
        #expect(fromEnvironment.value == "env")
        #expect(throws: SecretsError.self) { try SecretSource.apiKey(configuration: Configuration(), environment: [:]) }
        #expect("\(Secret("hunter2"))" == "<redacted>")
    }
}

@Suite struct ConfigurationProblemsTests {
    @Test func everyUnknownKeyAndEveryRangeProblemIsReportedAtOnce() {
        let problems = Configuration.problems(
            yaml: """
                api:
                  batch_size: 0
                  pol_interval: 15s
                  max_requests_per_second: -1
                spool_dirr: /tmp
                watch:
                  deadline: 10s
                notifiers:
                  - name: a
                    kind: slack
                    url: https://hooks.example/x
                    secret_file: s
                    colour: red
                """, file: "many.yaml")
        let keys = problems.map(\.keyPath)
        #expect(
            Set(keys) == [
                "spool_dirr", "api.pol_interval", "notifiers[0].colour", "api.batch_size", "api.max_requests_per_second", "watch.deadline",
                "notifiers[0].secret_file",
            ])
        #expect(problems.allSatisfy { $0.description.hasPrefix("config many.yaml: ") })
    }

    @Test func aValidFileHasNoProblems() {
        #expect(Configuration.problems(yaml: "api:\n  batch_size: 50\n").isEmpty)
        #expect(Configuration.problems(yaml: "").isEmpty)
    }

    @Test func aTypeErrorIsReportedWithTheUnknownKeys() {
        let problems = Configuration.problems(yaml: "api:\n  batch_size: lots\n  colour: red\n")
        #expect(Set(problems.map(\.keyPath)) == ["api.colour", "api.batch_size"])
    }
}

/// `cekura.dashboard_url`: the base of every dashboard link, checked like an endpoint.
@Suite struct DashboardURLConfigurationTests {
    @Test(arguments: [
        ("https://dashboard.cekura.ai/acme", "https://dashboard.cekura.ai/acme/results/9"),
        ("https://dashboard.cekura.ai/acme/", "https://dashboard.cekura.ai/acme/results/9"),
        ("http://127.0.0.1:8080/p", "http://127.0.0.1:8080/p/results/9"),
    ])
    func aValidURLBecomesTheLinksBase(url: String, link: String) throws {
        let config = try Configuration.parse(yaml: "cekura:\n  dashboard_url: \(url)\n")
        #expect(config.dashboardLinks.result(9) == link)
        #expect(config.dashboardLinks.result(nil) == nil)
        #expect(Poller.Settings(config).links == config.dashboardLinks, "the poller drafts alerts with them")
    }

    @Test func unsetMeansNoLinks() throws {
        #expect(try Configuration.parse(yaml: "").dashboardLinks.result(9) == nil)
    }

    @Test(arguments: [
        ("http://dashboard.cekura.ai/acme", "https URL"),
        ("dashboard.cekura.ai/acme", "not an https URL with a host"),
        ("https://dashboard.cekura.ai/acme?x=1", "query or fragment"),
        ("https://dashboard.cekura.ai/acme#top", "query or fragment"),
        ("https://dashboard.cekura.ai/a|b", "plain ASCII"),
        ("https://dashboard.cekura.ai/\(String(repeating: "p", count: 300))", "at most 300 characters"),
    ])
    func aBadURLNamesTheKey(url: String, fragment: String) {
        #expect {
            try Configuration.parse(yaml: "cekura:\n  dashboard_url: \"\(url)\"\n", file: "test.yaml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.keyPath == "cekura.dashboard_url" && error.problem.contains(fragment)
        }
    }

    @Test func anUnknownKeyUnderCekuraIsReported() {
        let problems = Configuration.problems(yaml: "cekura:\n  dashboard: https://x.example\n")
        #expect(problems.map(\.keyPath) == ["cekura.dashboard"])
    }
}
