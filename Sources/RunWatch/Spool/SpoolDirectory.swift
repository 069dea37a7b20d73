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

    /// Creates the folders if missing, with the modes of `systemd/runwatch.tmpfiles` (the
    /// process's umask, 0077 under the unit, would leave producers locked out). Folders
    /// that exist are left as they are.
    package func prepare() throws {
        for (folder, mode) in [(tmp, 0o3770), (new, 0o3770), (rejected, 0o2750)] where !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard chmod(folder, mode_t(mode)) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
    }
}
