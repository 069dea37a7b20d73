import Synchronization

/// How often each spool entry has failed in a way that is its own fault (unreadable, or
/// refused by the store while other files went in). Kept in memory, keyed by name and
/// inode so a new file under an old name starts clean; a restart starts everyone clean,
/// which at worst costs a few more tries.
final class SpoolStrikes: Sendable {
    struct Key: Hashable {
        var name: String
        var inode: UInt64
    }

    private let counts = Mutex([Key: Int]())

    /// Adds a strike; returns the count now.
    func strike(_ key: Key) -> Int {
        counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts[key]!
        }
    }

    func count(name: String) -> Int {
        counts.withLock { $0.first { $0.key.name == name }?.value ?? 0 }
    }

    func clear(_ key: Key) {
        _ = counts.withLock { $0.removeValue(forKey: key) }
    }

    /// Drops entries no longer in `new/`.
    func keepOnly(_ names: Set<String>) {
        counts.withLock { $0 = $0.filter { names.contains($0.key.name) } }
    }
}
