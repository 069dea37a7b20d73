import Foundation
import RunWatchCore

/// Reads one entry of `new/` without trusting it: opened with `O_NOFOLLOW` (a symlink is
/// not followed, whatever it points at) and `O_NONBLOCK` (a FIFO cannot block the daemon),
/// then judged by `fstat` on that descriptor and read from it, never by path again, so
/// what is judged is what is read.
enum SpoolEntryReader {
    enum Outcome {
        /// The whole file (up to the size limit plus one byte), and its inode.
        case contents(Data, inode: UInt64)
        /// Set aside unread, for this reason.
        case refused(String)
        /// Gone before it was opened: another process took it.
        case vanished
        /// Could not be read now; may work later (a strike, see `SpoolStrikes`).
        case failed(String, inode: UInt64)
        /// The daemon itself is out of a resource (descriptors, memory): no file's fault.
        case daemonWide(String)
    }

    static func open(_ path: String, maxBytes: Int, daemon: SpoolEntryCheck.Identity) -> Outcome {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ELOOP: return .refused(SpoolEntryCheck.refusal(.symbolicLink))
            case ENXIO: return .refused(SpoolEntryCheck.refusal(kindByPath(path) ?? .socket))
            case ENOENT: return .vanished
            case EMFILE, ENFILE, ENOMEM: return .daemonWide("cannot open spool files: \(String(cString: strerror(code)))")
            default: return .failed("cannot open it: \(String(cString: strerror(code)))", inode: inodeByPath(path))
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return .failed("cannot fstat it: \(String(cString: strerror(errno)))", inode: inodeByPath(path))
        }
        let inode = UInt64(info.st_ino)
        let facts = SpoolEntryCheck.Stat(mode: UInt32(info.st_mode), links: UInt64(info.st_nlink), uid: info.st_uid, gid: info.st_gid)
        if let refusal = SpoolEntryCheck.refusal(facts, daemon: daemon) {
            return SpoolEntryCheck.mayClearUp(facts) ? .failed(refusal, inode: inode) : .refused(refusal)
        }
        if Int(info.st_size) > maxBytes {
            return .refused(SpoolFileError.tooLarge(bytes: Int(info.st_size), limit: maxBytes).description)
        }
        // One byte past the limit, so a file that grew since fstat is still recognised.
        var data = Data(count: min(Int(info.st_size), maxBytes) + 1)
        var filled = 0
        while filled < data.count {
            let count = data.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return .failed("cannot read it: \(String(cString: strerror(errno)))", inode: inode) }
            if count == 0 { break }
            filled += count
            if filled == data.count, data.count <= maxBytes { data.count = min(data.count * 2, maxBytes + 1) }
        }
        data.count = filled
        return .contents(data, inode: inode)
    }

    private static func kindByPath(_ path: String) -> SpoolEntryCheck.Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return SpoolEntryCheck.Kind(mode: UInt32(info.st_mode))
    }

    static func inodeByPath(_ path: String) -> UInt64 {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    /// Who this process is, for `SpoolEntryCheck`.
    static func currentIdentity() -> SpoolEntryCheck.Identity {
        var gids: Set<UInt32> = [getegid()]
        let count = getgroups(0, nil)
        if count > 0 {
            var groups = [gid_t](repeating: 0, count: Int(count))
            let got = getgroups(count, &groups)
            if got > 0 { gids.formUnion(groups.prefix(Int(got))) }
        }
        return SpoolEntryCheck.Identity(uid: geteuid(), gids: gids)
    }
}
