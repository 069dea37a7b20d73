/// The JUnit test case names of a report: readable, stable, and unique within the file.
///
/// CI systems key a test's history on its name (with its classname), and GitLab and
/// Jenkins merge or drop cases whose names repeat, so a run must never hide behind
/// another's name. The rule (docs/junit.md):
/// 1. The base name is "<scenario> — <personality>", or whichever of the two the API
///    gave, each on one line and capped; with neither, "run <id>".
/// 2. A base name that occurs more than once in the file gets " (run <id>)" on every
///    occurrence: no run keeps the bare name just because its id is smaller, and a
///    name does not change meaning when a repeat appears.
/// 3. Should a name still repeat (the same run listed under two suites, or an API name
///    that reads like a rule-2 name), later occurrences get " #2", " #3", … in file order.
/// Names depend only on the runs in the file, never on time or order of arrival.
package enum TestCaseNames {
    /// Characters kept of a scenario or personality name.
    package static let partLimit = 150

    /// One name per run, in the order given.
    package static func names(for runs: [RunResult]) -> [String] {
        let bases = runs.map(base)
        var occurrences: [String: Int] = [:]
        for base in bases { occurrences[base, default: 0] += 1 }
        let named = zip(runs, bases).map { run, base in
            occurrences[base, default: 0] > 1 ? "\(base) (run \(run.id))" : base
        }
        var taken = Set<String>()
        var result: [String] = []
        result.reserveCapacity(named.count)
        for name in named {
            var candidate = name
            var number = 2
            while taken.contains(candidate) {
                candidate = "\(name) #\(number)"
                number += 1
            }
            taken.insert(candidate)
            result.append(candidate)
        }
        return result
    }

    /// Rule 1: the name a run has on its own.
    package static func base(_ run: RunResult) -> String {
        let parts = [run.scenarioName, run.personalityName].compactMap { VerdictText.oneLine($0, limit: partLimit) }
        return parts.isEmpty ? "run \(run.id)" : parts.joined(separator: " — ")
    }
}
