import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One daemon per `state_dir`: an exclusive `flock` on `<state_dir>/daemon.lock`, held
/// for the daemon's life. Two daemons on one store would spend the API budget twice and
/// deliver every alert twice.
///
/// The lock belongs to the open file, not to the path: it goes away with the process
/// (even after `kill -9`), so a stale file never blocks a start. The holder writes its
/// pid into the file after locking, for the error the next one prints. The CLI commands
/// (`status`, `show`, `outbox`, `forget`, `submit`, `doctor`) never take it; SQLite's own
/// locking keeps them safe beside the daemon.
package final class InstanceLock: Sendable {
    package static let fileName = "daemon.lock"

    package struct Held: Error, CustomStringConvertible {
        package var path: String
        /// The holder's pid, when it was readable (it is written just after locking).
        package var pid: Int32?

        package init(path: String, pid: Int32?) {
            self.path = path
            self.pid = pid
        }

        package var description: String {
            let who = pid.map { "pid \($0)" } ?? "pid not recorded yet"
            return "another runwatch daemon (\(who)) is using this state_dir (lock '\(path)'); stop it first, or give this one another state_dir"
        }
    }

    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock in `stateDirectory` (created if missing), or throws `Held` naming the
    /// other daemon's pid, or a `POSIXError` when the folder or file cannot be made.
    package static func acquire(in stateDirectory: String) throws -> InstanceLock {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let path = (stateDirectory as NSString).appendingPathComponent(fileName)
        // O_CLOEXEC: a child process must not inherit (and outlive us holding) the lock.
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            defer { close(fd) }
            guard code == EWOULDBLOCK else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO) }
            throw Held(path: path, pid: readPID(fd))
        }
        let text = Array("\(getpid())\n".utf8)
        // The pid is only for the message; failing to write it does not matter.
        if ftruncate(fd, 0) == 0 { _ = pwrite(fd, text, text.count, 0) }
        return InstanceLock(descriptor: fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }

    deinit {
        // Unlocks: in-process tests prepare several daemons over one folder in turn.
        close(descriptor)
    }
}
