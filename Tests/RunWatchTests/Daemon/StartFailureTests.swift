import Foundation
import GRDB
import RunWatch
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One daemon per state_dir, and which start failures a restart can fix.
struct StartFailureTests {
    @Test func theInstanceLockIsExclusiveNamesItsHolderAndGoesWithIt() async throws {
        try await withTemporaryDirectory { dir in
            let state = dir + "/state"
            var first: InstanceLock? = try InstanceLock.acquire(in: state)
            #expect(first != nil)
            #expect(try String(contentsOfFile: state + "/" + InstanceLock.fileName, encoding: .utf8) == "\(getpid())\n")
            // flock belongs to the open file: a second open in the same process conflicts too.
            #expect {
                _ = try InstanceLock.acquire(in: state)
            } throws: { error in
                (error as? InstanceLock.Held)?.pid == getpid()
                    && "\(error)".contains("another runwatch daemon (pid \(getpid())) is using this state_dir")
            }
            first = nil
            #expect(throws: Never.self) { _ = try InstanceLock.acquire(in: state) }
        }
    }

    @Test func theLockFileIsClosedOnExec() async throws {
        try await withTemporaryDirectory { dir in
            let lock = try InstanceLock.acquire(in: dir)
            defer { withExtendedLifetime(lock) {} }
            let path = dir + "/" + InstanceLock.fileName
            let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { fd -> String? in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd), target == path else {
                    return nil
                }
                return fd
            }
            try #require(open.count == 1)
            let flags = fcntl(Int32(open[0])!, F_GETFD)
            #expect(flags & FD_CLOEXEC != 0, "a child process must not inherit the lock")
        }
    }

    @Test(
        arguments: [
            (Daemon.StartError(description: "no Cekura API key"), Daemon.StartError.Kind.permanent),
            (InstanceLock.Held(path: "/x", pid: 1), .locked),
            (SQLiteRunStore.OpenError.newerSchema(path: "/x", unknown: ["v9"]), .permanent),
            (DatabaseError(resultCode: .SQLITE_FULL), .transient),
            (DatabaseError(resultCode: .SQLITE_BUSY), .transient),
            (DatabaseError(resultCode: .SQLITE_LOCKED), .transient),
            (DatabaseError(resultCode: .SQLITE_IOERR), .transient),
            (DatabaseError(resultCode: .SQLITE_CORRUPT), .permanent),
            (DatabaseError(resultCode: .SQLITE_NOTADB), .permanent),
            (SQLiteRunStore.OpenError.cannotOpen(path: "/x", reason: "r", underlying: DatabaseError(resultCode: .SQLITE_FULL)), .transient),
            (SQLiteRunStore.OpenError.cannotOpen(path: "/x", reason: "r", underlying: POSIXError(.EACCES)), .permanent),
            (POSIXError(.ENOSPC), .transient),
            (POSIXError(.EIO), .transient),
            (POSIXError(.EROFS), .permanent),
            (CocoaError(.fileWriteOutOfSpace), .transient),
            (CocoaError(.fileWriteNoPermission), .permanent),
            (CocoaError(.fileWriteUnknown, userInfo: [NSUnderlyingErrorKey: POSIXError(.EIO)]), .transient),
            (CancellationError(), .transient),
        ] as [(any Error, Daemon.StartError.Kind)])
    func whatARestartCanFix(error: any Error, kind: Daemon.StartError.Kind) {
        #expect(Daemon.StartError.kind(of: error) == kind, "\(error)")
    }
}
