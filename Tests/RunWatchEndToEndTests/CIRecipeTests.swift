import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// docs/ci.md's recipe is run, not just read: the shell block marked `<!-- ci-recipe -->`
/// runs under `sh` with the built `runwatch` on PATH, against a daemon and the simulator,
/// and both CI recipes (GitHub Actions, GitLab CI) must use that command verbatim.
@Suite(.serialized) struct CIRecipeTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/ci.md")

    /// The code blocks of `markdown` that follow a line `marker`.
    static func blocks(after marker: String, in markdown: String) -> [String] {
        var blocks: [String] = []
        let lines = markdown.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            if lines[index].trimmingCharacters(in: .whitespaces) == marker, index + 1 < lines.count, lines[index + 1].hasPrefix("```") {
                var body: [String] = []
                index += 2
                while index < lines.count, !lines[index].hasPrefix("```") {
                    body.append(lines[index])
                    index += 1
                }
                blocks.append(body.joined(separator: "\n"))
            }
            index += 1
        }
        return blocks
    }

    static func yamlBlocks(in markdown: String) -> [String] {
        markdown.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
    }

    /// A re-run of a job must not join the earlier attempt's open suite instance: each
    /// recipe names the suite per attempt (GitHub's run attempt, GitLab's job id).
    @Test func bothRecipesNameTheSuitePerJobAttempt() throws {
        let markdown = try String(contentsOf: Self.document, encoding: .utf8)
        let yaml = Self.yamlBlocks(in: markdown)
        try #require(yaml.count == 2)
        #expect(yaml[0].contains("PIPELINE_ID: ${{ github.run_id }}-${{ github.run_attempt }}"), "\(yaml[0])")
        #expect(yaml[1].contains("PIPELINE_ID: $CI_JOB_ID"), "\(yaml[1])")
        #expect(!markdown.contains("completes at once"), "a new instance completes after suites.quiet_period")
    }

    @Test func theRecipeGatesOnADaemonAndBothCIRecipesUseIt() async throws {
        let markdown = try String(contentsOf: Self.document, encoding: .utf8)
        let recipe = try #require(Self.blocks(after: "<!-- ci-recipe -->", in: markdown).first)
        let command = try #require(recipe.components(separatedBy: "\n").first { $0.hasPrefix("runwatch wait") })
        let yaml = Self.yamlBlocks(in: markdown)
        #expect(yaml.count == 2)
        for block in yaml { #expect(block.contains(command), "a CI recipe differs from the tested command:\n\(block)") }

        try await withTemporaryDirectory { dir in
            let simulator = CekuraSimulator()
            try await TestBed.run(simulator: simulator, in: dir) { bed in
                simulator.addRun(601, script: RunScript(stages: [.init("running", seconds: 1), .init("completed", seconds: 0)], success: true))
                simulator.addRun(602, script: RunScript(stages: [.init("running", seconds: 1), .init("completed", seconds: 0)], success: false))
                let config = dir + "/runwatch.yaml"
                try writeFile(config, "spool_dir: \(bed.configuration.spoolDir)\nstate_dir: \(bed.configuration.stateDir)\n")
                let work = dir + "/job"
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                let bin = URL(fileURLWithPath: builtProduct("runwatch")).deletingLastPathComponent().path
                let environment = [
                    "PATH": "\(bin):/usr/bin:/bin", "RUNWATCH_CONFIG": config, "PIPELINE_ID": "4242", "RUN_IDS": "601 602",
                    "GITHUB_STEP_SUMMARY": work + "/step-summary.md",
                ]
                try writeFile(work + "/step-summary.md", "## an earlier step\n")
                let (status, output) = try await runProcess("/bin/sh", ["-c", "cd \"$0\" && " + recipe, work], environment: environment)
                #expect(status == 1, "one run completed unsuccessfully: a regression\n\(output)")
                #expect(output.contains("regression: 1 of 2 passed; 1 unsuccessful"))
                #expect(FileManager.default.fileExists(atPath: work + "/runwatch-junit.xml"))
                #expect(FileManager.default.fileExists(atPath: work + "/runwatch-summary.md"))
                let stepSummary = try String(contentsOfFile: work + "/step-summary.md", encoding: .utf8)
                #expect(stepSummary.hasPrefix("## an earlier step\n"), "appended to $GITHUB_STEP_SUMMARY, never replacing it")
                #expect(stepSummary.count > "## an earlier step\n".count)
                let suite = try await bed.daemon.store.suiteResults(named: "ci-4242", instance: nil, links: .none)
                #expect(suite?.report.runs.map(\.id) == [601, 602], "the runs joined the pipeline's suite")
            }
        }
    }
}
