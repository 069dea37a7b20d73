import Foundation

/// The spool's folders. Producers write into `tmp/` and `rename()` finished files into
/// `new/`; the daemon reads only `new/`, so it never sees a half-written file. Files it
/// cannot ingest move to `rejected/` with a `<name>.reason` beside them.
public struct SpoolDirectory: Sendable {
    public let root: String
    public var tmp: String { path("tmp") }
    public var new: String { path("new") }
    public var rejected: String { path("rejected") }

    public init(root: String) { self.root = root }

    private func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }

    /// Creates the folders if missing.
    public func prepare() throws {
        for folder in [tmp, new, rejected] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }
}
