import ArgumentParser
import Foundation
import RunWatch
import RunWatchCore

extension ShowCommand {
    /// `runwatch show --result ID`: where the expansion of a Cekura result stands.
    func showResult(_ id: ResultID, store: SQLiteRunStore) async throws {
        guard let (overview, runs) = try await store.result(id) else {
            printError("result \(id) is not in the store (submit it with `runwatch submit --result \(id)`)")
            throw ExitCode(1)
        }
        print("result \(overview.id): \(overview.state), \(overview.runCount) run(s) after \(overview.reads) read(s)")
        if let error = overview.lastError { print("last: \(UntrustedText.printable(error))") }
        print("runs:" + (runs.isEmpty ? " none yet" : " " + runs.map(String.init).joined(separator: " ")))
    }
}
