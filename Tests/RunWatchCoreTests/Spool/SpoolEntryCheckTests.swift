import RunWatchCore
import Testing

@Suite struct SpoolEntryCheckTests {
    static let daemon = SpoolEntryCheck.Identity(uid: 990, gids: [990, 991])

    static func stat(_ mode: UInt32, links: UInt64 = 1, uid: UInt32 = 1000, gid: UInt32 = 991) -> SpoolEntryCheck.Stat {
        SpoolEntryCheck.Stat(mode: mode, links: links, uid: uid, gid: gid)
    }

    @Test(
        arguments: [
            // A producer's file, group-readable in the spool's group: read.
            (stat(0o100640), nil),
            (stat(0o100440), nil),
            (stat(0o100604, gid: 5), nil),
            // The daemon's own file.
            (stat(0o100600, uid: 990, gid: 5), nil),
            // Others' private files: set aside, however the daemon could open them (root).
            (stat(0o100600), "not readable by the daemon's user or group (mode 0600, owner uid 1000, group gid 991)"),
            (stat(0o100640, gid: 5), "not readable by the daemon's user or group (mode 0640, owner uid 1000, group gid 5)"),
            (stat(0o100200, uid: 990), "not readable"),
            (stat(0o100640, links: 2), "a hard link (2 links)"),
            (stat(0o040750), "a directory; runwatch reads only regular files"),
            (stat(0o010644), "a FIFO (named pipe); runwatch reads only regular files"),
            (stat(0o140755), "a socket; runwatch reads only regular files"),
            (stat(0o020666), "a character device; runwatch reads only regular files"),
            (stat(0o060660), "a block device; runwatch reads only regular files"),
            (stat(0o120777), "a symbolic link; runwatch reads only regular files"),
        ] as [(SpoolEntryCheck.Stat, String?)])
    func onlyASingleLinkRegularFileTheDaemonMayReadIsRead(stat: SpoolEntryCheck.Stat, reason: String?) {
        let refusal = SpoolEntryCheck.refusal(stat, daemon: Self.daemon)
        if let reason {
            #expect(refusal?.contains(reason) == true, "\(refusal ?? "read")")
        } else {
            #expect(refusal == nil)
        }
    }

    @Test func theReasonForAnUnreadableFileTellsProducersWhatToDo() {
        let refusal = SpoolEntryCheck.refusal(Self.stat(0o100600), daemon: Self.daemon) ?? ""
        #expect(refusal.contains("group-readable (mode 0640)"))
        #expect(refusal.contains("runwatch submit"))
    }
}
