import Foundation

/// The spool's folders. Producers write into `tmp/` and `rename()` finished files into
/// `new/`; the daemon reads only `new/`, so it never sees a half-written file. Files it
/// cannot ingest move to `rejected/` with a `<name>.reason` beside them.
package struct SpoolDirectory: Sendable {
    package let root: String
    package var tmp: String { path("tmp") }
    package var new: String { path("new") }
    package var rejected: String { path("rejected") }

    package init(root: String) { self.root = root }

    private func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }

    /// Creates the folders if missing.
    package func prepare() throws {
        for folder in [tmp, new, rejected] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }
}
