import Foundation

/// Things a hostile or careless producer can leave in a spool folder besides files.
package enum SpecialFiles {
    package struct Failed: Error, CustomStringConvertible {
        package var description: String
    }

    package static func fifo(at path: String) throws {
        guard mkfifo(path, 0o644) == 0 else { throw Failed(description: "mkfifo '\(path)': \(String(cString: strerror(errno)))") }
    }

    /// A bound Unix socket; the socket itself is closed, its file stays.
    package static func socket(at path: String) throws {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failed(description: "socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw Failed(description: "bind '\(path)': \(String(cString: strerror(errno)))") }
    }

    package static func symlink(at path: String, to target: String) throws {
        guard Glibc.symlink(target, path) == 0 else { throw Failed(description: "symlink '\(path)': \(String(cString: strerror(errno)))") }
    }

    package static func hardLink(at path: String, to target: String) throws {
        guard link(target, path) == 0 else { throw Failed(description: "link '\(path)': \(String(cString: strerror(errno)))") }
    }

    /// What lstat says the entry is: "symlink", "fifo", "socket", "directory", "file".
    package static func kind(of path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: return "symlink"
        case S_IFIFO: return "fifo"
        case S_IFSOCK: return "socket"
        case S_IFDIR: return "directory"
        case S_IFREG: return "file"
        default: return "other"
        }
    }

    /// Every byte under `folder` (files only, not following links), for "never stored" checks.
    package static func allBytes(under folder: String) -> Data {
        var all = Data()
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return all }
        for case let name as String in walker {
            let path = folder + "/" + name
            if kind(of: path) == "file", let data = FileManager.default.contents(atPath: path) { all.append(data) }
        }
        return all
    }
}
