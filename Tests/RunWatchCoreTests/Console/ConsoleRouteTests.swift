import RunWatchCore
import Testing

@Suite struct ConsoleRouteTests {
    @Test(arguments: [
        ("/", ConsoleRoute.overview),
        ("/suites", .suites),
        ("/suites/", .suites),
        ("/suites/nightly", .suite(name: "nightly", instance: nil)),
        ("/suites/nightly/", .suite(name: "nightly", instance: nil)),
        ("/suites/nightly/42", .suite(name: "nightly", instance: 42)),
        ("/runs/483920", .run(483920)),
        ("/runs/483920/", .run(483920)),
        ("/deliveries", .deliveries),
        ("/console.css", .stylesheet),
        ("/api/v1/overview", .apiOverview),
        ("/api/v1/suites", .apiSuites),
        ("/api/v1/suites/nightly", .apiSuite(name: "nightly", instance: nil)),
        ("/api/v1/suites/nightly/7", .apiSuite(name: "nightly", instance: 7)),
        ("/api/v1/runs/12", .apiRun(12)),
        ("/api/v1/deliveries", .apiDeliveries),
        ("/api/v1/history", .apiHistory),
        ("/api/v1/history/", .apiHistory),
    ])
    func everyRouteParses(path: String, route: ConsoleRoute) {
        #expect(ConsoleRoute.parse(path) == route)
    }

    @Test(arguments: [
        ("/suites/night%20ly", "night ly"),
        ("/suites/a%2Fb", "a/b"),  // %2F is part of the name, not a separator
        ("/suites/%E6%97%A5%E6%9C%AC", "日本"),
        ("/suites/%2E%2E%2E", "..."),
        ("/suites/%2E%2E", ".."),  // encoded dots are a name (the spool accepts it), not a step
        ("/suites/%2e", "."),
        ("/suites/%3Cscript%3E", "<script>"),
        ("/suites/ci-43_x~y.z", "ci-43_x~y.z"),
    ])
    func suiteNamesArePercentDecodedAsOneSegment(path: String, name: String) {
        #expect(ConsoleRoute.parse(path) == .suite(name: name, instance: nil))
        #expect(ConsoleRoute.parse("/api/v1" + path) == .apiSuite(name: name, instance: nil))
    }

    @Test(arguments: [
        "/nightly", "/suites/a/b/c", "/suites/a/b", "/runs", "/runs/", "/runs/abc", "/runs/12a", "/runs/+1", "/runs/-1", "/runs/%31",
        "/runs/1.5", "/runs/1/2", "/runs/1234567890123456789", "/suites/a/-1", "/suites/a/1x", "/suites/a/%31",
        "/suites/..", "/suites/.", "/suites/../runs/1", "/suites/%2E%2E/x", "/./suites", "/suites//", "//suites", "/suites//x",
        "/suites/%", "/suites/%4", "/suites/%zz", "/suites/%FF", "/suites/%C3", "/deliveries/1", "/console.css/x", "/CONSOLE.CSS",
        "/api", "/api/", "/api/v1", "/api/v1/", "/api/v2/overview", "/api/v1/runs/x", "/api/v1/nope", "/api/v1/overview/1",
        "suites", "", "/Suites", "/index.html",
    ])
    func pathsThatNameNothingAreNil(path: String) {
        #expect(ConsoleRoute.parse(path) == nil, "\(path)")
    }

    @Test func hugePathsNameNothing() {
        let name = String(repeating: "a", count: ConsoleRoute.maxPathBytes)
        #expect(ConsoleRoute.parse("/suites/" + name) == nil)
        #expect(ConsoleRoute.parse("/runs/" + String(repeating: "9", count: 100_000)) == nil)
        // The longest real name, percent-encoded, fits.
        let longest = String(repeating: "é", count: 64)  // 128 bytes
        #expect(ConsoleRoute.parse("/suites/" + ConsoleLinks.segment(longest)) == .suite(name: longest, instance: nil))
    }

    @Test(arguments: ["nightly", "a/b", "...", "日本 <x>", "100%", "a?b#c", "-._~", ".", ".."])
    func linksRoundTripThroughTheParser(name: String) throws {
        let link = try #require(ConsoleLinks(base: "https://runwatch.example/").suite(name, instance: 3))
        let path = String(link.dropFirst("https://runwatch.example".count))
        #expect(ConsoleRoute.parse(path) == .suite(name: name, instance: 3))
    }

    @Test func onlyAPIRoutesAreAPI() {
        #expect(ConsoleRoute.parse("/api/v1/overview")?.isAPI == true)
        #expect(ConsoleRoute.parse("/api/v1/runs/1")?.isAPI == true)
        #expect(ConsoleRoute.parse("/runs/1")?.isAPI == false)
        #expect(ConsoleRoute.parse("/console.css")?.isAPI == false)
    }
}
