import Foundation
import NIOCore
import NIOPosix

/// Rings a doorbell whenever something lands in the spool's `new/` folder, through
/// inotify (IN_MOVED_TO for renamed-in files, IN_CLOSE_WRITE for files written in place).
/// Events are not parsed: any of them, including a queue overflow, just means "scan now".
/// The periodic rescan stays as a safety net.
enum SpoolWatcher {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs until the task is cancelled. Throws if inotify cannot be set up.
    static func run(watching folder: String, onChange: @escaping @Sendable () -> Void) async throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw Unavailable(description: "inotify_init1: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_Q_OVERFLOW)
        guard inotify_add_watch(fd, folder, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Unavailable(description: "inotify_add_watch '\(folder)': \(reason)")
        }
        // NIO owns the descriptor from here on and closes it with the channel.
        let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .takingOwnershipOfDescriptor(input: fd) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { events, _ in
            for try await _ in events { onChange() }
        }
    }
}
