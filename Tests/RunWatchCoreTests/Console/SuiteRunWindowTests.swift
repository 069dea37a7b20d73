import RunWatchCore
import Testing

struct SuiteRunWindowTests {
    @Test(arguments: [
        ([:], SuiteRunWindow(offset: 0, limit: 1000)),
        (["offset": "1000"], SuiteRunWindow(offset: 1000, limit: 1000)),
        (["offset": "5", "limit": "10"], SuiteRunWindow(offset: 5, limit: 10)),
        (["limit": "1"], SuiteRunWindow(offset: 0, limit: 1)),
        (["limit": "1000", "other": "x"], SuiteRunWindow(offset: 0, limit: 1000)),
    ])
    func validQueriesNameAWindow(query: [String: String], expected: SuiteRunWindow) throws {
        #expect(try SuiteRunWindow.parse(query: query).get() == expected)
    }

    @Test(arguments: [
        (["offset": "-1"], SuiteRunWindow.Problem.badOffset),
        (["offset": "x"], .badOffset),
        (["offset": ""], .badOffset),
        (["offset": "99999999999999999999"], .badOffset),
        (["limit": "0"], .badLimit),
        (["limit": "1001"], .badLimit),
        (["limit": "1e3"], .badLimit),
        (["offset": "1", "limit": "-5"], .badLimit),
    ])
    func badQueriesAreProblemsInWords(query: [String: String], expected: SuiteRunWindow.Problem) {
        #expect(SuiteRunWindow.parse(query: query) == .failure(expected))
        #expect(!expected.description.contains("99999"))
    }

    @Test func sliceIsBoundedAndPastTheEndIsEmpty() {
        let runs = Array(1...2500)
        #expect(Array(SuiteRunWindow.first.slice(runs)) == Array(1...1000))
        #expect(Array(SuiteRunWindow(offset: 2000, limit: 1000).slice(runs)) == Array(2001...2500))
        #expect(SuiteRunWindow(offset: 3000, limit: 10).slice(runs).isEmpty)
    }
}
