import Foundation
import RunWatch
import RunWatchTesting
import Testing

/// The spool's folders, when the daemon has to create them, match what
/// systemd/runwatch.tmpfiles would have made: producers of the group can write.
struct SpoolDirectoryTests {
    @Test func missingFoldersAreCreatedWithTheTmpfilesModesWhateverTheUmask() async throws {
        try await withTemporaryDirectory { dir in
            let old = umask(0o077)
            defer { umask(old) }
            let spool = SpoolDirectory(root: dir + "/spool")
            try spool.prepare()
            func mode(_ path: String) throws -> Int {
                (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? 0) & 0o7777
            }
            #expect(try mode(spool.tmp) == 0o3770)
            #expect(try mode(spool.new) == 0o3770)
            #expect(try mode(spool.rejected) == 0o2750)
            // An existing folder is the operator's: left alone.
            try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: spool.new)
            try spool.prepare()
            #expect(try mode(spool.new) == 0o750)
        }
    }
}
