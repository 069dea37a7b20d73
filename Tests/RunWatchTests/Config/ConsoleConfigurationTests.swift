import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `console_listen` and `console.public_url`: off and unlinked by default, a bare port is
/// loopback, the public address is checked like the dashboard's and reaches the poller
/// and the suite service, which draft messages with it.
@Suite struct ConsoleConfigurationTests {
    @Test func offAndUnlinkedByDefault() throws {
        let config = try Configuration.parse(yaml: "")
        #expect(config.consoleListen == nil)
        #expect(config.console.publicURL == nil)
        #expect(config.consoleLinks == .none)
        #expect(Poller.Settings(config).consoleLinks == .none)
    }

    @Test(arguments: [
        ("9465", "127.0.0.1", 9465), ("127.0.0.1:9465", "127.0.0.1", 9465), ("0.0.0.0:8080", "0.0.0.0", 8080), ("[::1]:9465", "::1", 9465),
    ])
    func aListenAddressParsesAndABarePortIsLoopback(listen: String, host: String, port: Int) throws {
        let config = try Configuration.parse(yaml: "console_listen: \"\(listen)\"\n")
        #expect(config.consoleListen == listen)
        let parsed = try #require(RunWatchMetrics.parseListen(listen))
        #expect(parsed.host == host && parsed.port == port)
    }

    @Test func theConsoleMayShareTheMetricsAddress() throws {
        let config = try Configuration.parse(yaml: "metrics_listen: 127.0.0.1:9464\nconsole_listen: 127.0.0.1:9464\n")
        #expect(config.consoleListen == config.metricsListen)
    }

    @Test(arguments: [
        ("https://runwatch.example.com", "https://runwatch.example.com/runs/483920", "https://runwatch.example.com/suites/nightly/7"),
        ("https://example.com/runwatch/", "https://example.com/runwatch/runs/483920", "https://example.com/runwatch/suites/nightly/7"),
        ("http://10.0.0.5:9465", "http://10.0.0.5:9465/runs/483920", "http://10.0.0.5:9465/suites/nightly/7"),
    ])
    func aValidPublicURLBecomesTheLinksBase(url: String, run: String, suite: String) throws {
        let config = try Configuration.parse(yaml: "console:\n  public_url: \"\(url)\"\n")
        #expect(config.consoleLinks.run(483_920) == run)
        #expect(config.consoleLinks.suite("nightly", instance: 7) == suite)
        #expect(Poller.Settings(config).consoleLinks == config.consoleLinks, "the poller drafts alerts with them")
    }

    @Test(arguments: [
        ("console_listen: \"localhost:abc\"\n", "console_listen", "is not host:port or a port"),
        ("console_listen: \"99999\"\n", "console_listen", "is not host:port or a port"),
        ("console:\n  public_url: \"ftp://runwatch.example.com\"\n", "console.public_url", "is not an http(s) URL with a host"),
        ("console:\n  public_url: \"runwatch.example.com\"\n", "console.public_url", "is not an http(s) URL with a host"),
        ("console:\n  public_url: \"https://admin:pw@runwatch.example.com\"\n", "console.public_url", "must not carry a user or password"),
        ("console:\n  public_url: \"https://runwatch.example.com/?x=1\"\n", "console.public_url", "query or fragment"),
        ("console:\n  public_url: \"https://runwatch.example.com/#top\"\n", "console.public_url", "query or fragment"),
        ("console:\n  public_url: \"https://runwatch.example.com/a|b\"\n", "console.public_url", "plain ASCII"),
        ("console:\n  public_url: \"https://runwatch.example.com/\(String(repeating: "p", count: 300))\"\n", "console.public_url", "at most 300"),
        ("console:\n  publicurl: https://runwatch.example.com\n", "console.publicurl", "unknown key"),
        ("console:\n  listen: 9465\n", "console.listen", "unknown key"),
    ])
    func aBadValueNamesItsKey(yaml: String, key: String, fragment: String) {
        #expect {
            try Configuration.parse(yaml: yaml, file: "test.yaml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.keyPath == key && error.problem.contains(fragment)
        }
    }

    @Test func aPasswordInThePublicURLIsNotEchoed() {
        let problems = Configuration.problems(yaml: "console:\n  public_url: \"https://admin:hunter2@runwatch.example.com\"\n")
        #expect(problems.map(\.keyPath) == ["console.public_url"])
        #expect(!problems.map(\.description).joined().contains("hunter2"))
    }
}
