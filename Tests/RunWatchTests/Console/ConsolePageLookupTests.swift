import Foundation
import Mustache
import RunWatch
import RunWatchCore
import Testing

/// The view models on the suite page's path answer swift-mustache by name
/// (`MustacheParent`) instead of through a `Mirror`: each must answer every stored field
/// by that field's own name with the same value, and nil where the `Mirror` found nil,
/// so the page reads exactly as it did.
@Suite struct ConsolePageLookupTests {
    typealias F = ConsoleFixtures

    /// Every stored field of `model` answered by `child(named:)` as the `Mirror` reads it.
    func expectAnswersEveryField(_ model: Any, _ what: String) {
        guard let parent = model as? MustacheParent else {
            Issue.record("\(what) is not a MustacheParent")
            return
        }
        for child in Mirror(reflecting: model).children {
            guard let label = child.label else { continue }
            let mirrored = Self.unwrap(child.value)
            let answered = parent.child(named: label).flatMap(Self.unwrap)
            #expect(answered.map(Self.describe) == mirrored.map(Self.describe), "\(what).\(label)")
        }
        #expect(parent.child(named: "noSuchField") == nil, "\(what)")
    }

    static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map(\.value)
    }

    static func describe(_ value: Any) -> String { String(reflecting: value) }

    @Test func suitePageViewModelsAnswerEveryFieldByName() {
        let withEverything = SuiteView(F.suite())
        let bare = SuiteView(SuiteDocument(generatedAt: F.now, suite: F.suiteLine(completed: true), runs: []))
        for view in [withEverything, bare] {
            expectAnswersEveryField(view, "SuiteView")
            expectAnswersEveryField(view.frame, "PageFrame")
            expectAnswersEveryField(view.headStarted, "Moment")
            for label in view.labels { expectAnswersEveryField(label, "SuiteView.Label") }
            for row in view.runRows { expectAnswersEveryField(row, "SuiteView.RunRow") }
            for row in view.otherInstances { expectAnswersEveryField(row, "SuiteRow") }
        }
        #expect(!withEverything.labels.isEmpty && !withEverything.otherInstances.isEmpty && withEverything.runRows.count == 4)
        let suites = SuitesView(SuiteListDocument(generatedAt: F.now, suites: [F.suiteLine(), F.suiteLine(instance: 2, completed: true)]))
        for row in suites.running + suites.recent { expectAnswersEveryField(row, "SuiteRow") }
    }

    /// A relative measure, not a limit (speed belongs in benchmarks): renders a suite page
    /// of 1,000 runs a few times and reports the time a render takes in this build.
    @Test func aThousandRunSuitePageRendersEveryRow() {
        let runs = (0..<1000).map { index in
            let failed = index % 5 == 0
            return RunResult(
                id: 100_000 + index, status: failed ? .failed : .completed, success: !failed, outcome: failed ? .failed : .completed,
                scenarioName: "scenario \(index % 37)", personalityName: index % 3 == 0 ? nil : "caller \(index % 11)",
                error: failed ? "agent hung up" : nil, duration: "01:\(10 + index % 50)", resultID: 77,
                dashboardURL: index % 2 == 0 ? "https://dashboard.cekura.ai/results/77?run=\(index)" : nil,
                submittedAt: F.now.addingTimeInterval(-3000), endedAt: F.now.addingTimeInterval(-1000))
        }
        let document = SuiteDocument(
            generatedAt: F.now, suite: F.suiteLine(completed: true, runs: 1000, ended: 1000, passed: 800, counts: ["completed": 800, "failed": 200]),
            runs: runs)
        let pages = ConsolePages()
        let renders = 5
        var html = ""
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<renders { html = pages.suite(document) }
        }
        #expect(HTMLProbe(html).count("<tr class=\"run\"") == 1000)
        let perRender = elapsed / renders
        print("suite page of 1,000 runs: \(perRender) a render (mean of \(renders))")
    }
}
