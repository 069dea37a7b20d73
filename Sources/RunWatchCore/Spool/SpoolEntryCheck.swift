/// Decides, from `fstat` of an entry opened with `O_NOFOLLOW|O_NONBLOCK`, whether the
/// daemon reads it. Only a regular file with one link, readable by the daemon's user or
/// group by its mode, is read; anything else is set aside unread with a reason naming
/// what it was. Pure: the caller supplies the stat fields and the daemon's identity.
package enum SpoolEntryCheck {
    package enum Kind: Sendable, Equatable {
        case regular, directory, fifo, socket, characterDevice, blockDevice, symbolicLink, other

        /// From `st_mode`'s file-type bits.
        package init(mode: UInt32) {
            switch mode & 0o170000 {
            case 0o100000: self = .regular
            case 0o040000: self = .directory
            case 0o010000: self = .fifo
            case 0o140000: self = .socket
            case 0o020000: self = .characterDevice
            case 0o060000: self = .blockDevice
            case 0o120000: self = .symbolicLink
            default: self = .other
            }
        }

        package var described: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a directory"
            case .fifo: "a FIFO (named pipe)"
            case .socket: "a socket"
            case .characterDevice: "a character device"
            case .blockDevice: "a block device"
            case .symbolicLink: "a symbolic link"
            case .other: "not a regular file"
            }
        }
    }

    /// Who the daemon runs as.
    package struct Identity: Sendable, Equatable {
        package var uid: UInt32
        package var gids: Set<UInt32>
        package init(uid: UInt32, gids: Set<UInt32>) {
            self.uid = uid
            self.gids = gids
        }
    }

    package struct Stat: Sendable, Equatable {
        package var mode: UInt32
        package var links: UInt64
        package var uid: UInt32
        package var gid: UInt32
        package init(mode: UInt32, links: UInt64, uid: UInt32, gid: UInt32) {
            self.mode = mode
            self.links = links
            self.uid = uid
            self.gid = gid
        }
    }

    /// nil: read it. Otherwise the reason it is set aside unread.
    package static func refusal(_ stat: Stat, daemon: Identity) -> String? {
        let kind = Kind(mode: stat.mode)
        guard kind == .regular else { return refusal(kind) }
        if stat.links > 1 {
            return "a hard link (\(stat.links) links); runwatch reads only files with a single link: write the file in tmp/ and rename it into new/"
        }
        let permissions = stat.mode & 0o7777
        let readable =
            (stat.uid == daemon.uid && permissions & 0o400 != 0)
            || (daemon.gids.contains(stat.gid) && permissions & 0o040 != 0)
            || permissions & 0o004 != 0
        guard readable else {
            let octal = String(permissions, radix: 8)
            return "not readable by the daemon's user or group (mode 0\(octal), owner uid \(stat.uid), group gid \(stat.gid)); "
                + "make spool files group-readable (mode 0640) in the spool's group, as `runwatch submit` does"
        }
        return nil
    }

    /// A refusal that may clear up by itself: a producer that places files the Maildir way
    /// (link into new/, then unlink the staging name) can be caught between the two. Such
    /// an entry is retried and set aside only if it stays that way (see `SpoolStrikes`).
    package static func mayClearUp(_ stat: Stat) -> Bool {
        Kind(mode: stat.mode) == .regular && stat.links > 1
    }

    /// The reason for an entry that is not a regular file.
    package static func refusal(_ kind: Kind) -> String {
        "\(kind.described); runwatch reads only regular files"
    }
}
