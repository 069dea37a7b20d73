import Foundation

/// Which watched runs to poll next, and when.
///
/// Every active run has a next-due time. A batch takes the most overdue runs first, so
/// no run starves however large the backlog. Taken runs are "in flight" until the caller
/// reschedules them (after an answer, or after a failed request). Pure: time is an input.
public struct PollSchedule: Sendable {
    private var dueAt: [RunID: Date] = [:]
    private var inFlight: Set<RunID> = []
    private var heap = MinHeap()

    public init() {}

    /// Runs being watched (due or in flight).
    public var count: Int { dueAt.count + inFlight.count }
    public var isEmpty: Bool { count == 0 }
    public func contains(_ id: RunID) -> Bool { dueAt[id] != nil || inFlight.contains(id) }

    /// Starts watching `id` (no-op if already watched).
    public mutating func add(_ id: RunID, dueAt date: Date) {
        guard !contains(id) else { return }
        schedule(id, at: date)
    }

    /// Starts watching many runs at once (start-up): one O(n) heap build instead of n pushes.
    public mutating func addAll(_ ids: some Collection<RunID>, dueAt date: Date) {
        let fresh = ids.filter { !contains($0) }
        dueAt.reserveCapacity(dueAt.count + fresh.count)
        for id in fresh { dueAt[id] = date }
        heap.append(contentsOf: fresh.map { MinHeap.Entry(due: date, id: $0) })
    }

    /// Puts a taken (or waiting) run back with a new due time.
    public mutating func schedule(_ id: RunID, at date: Date) {
        inFlight.remove(id)
        dueAt[id] = date
        heap.push(.init(due: date, id: id))
    }

    /// Stops watching `id`, whether it is waiting or in flight.
    public mutating func remove(_ id: RunID) {
        dueAt[id] = nil
        inFlight.remove(id)
    }

    /// The earliest time a waiting run falls due, if any run is waiting.
    public mutating func nextDueDate() -> Date? {
        discardStaleTop()
        return heap.top?.due
    }

    /// Number of waiting runs due at `now`.
    public func dueCount(now: Date) -> Int {
        dueAt.values.reduce(0) { $0 + ($1 <= now ? 1 : 0) }
    }

    /// Takes up to `limit` runs due at `now`, most overdue first (ties by id), and marks
    /// them in flight.
    public mutating func takeDue(now: Date, limit: Int) -> [RunID] {
        var batch: [RunID] = []
        while batch.count < limit {
            discardStaleTop()
            guard let top = heap.top, top.due <= now else { break }
            _ = heap.pop()
            dueAt[top.id] = nil
            inFlight.insert(top.id)
            batch.append(top.id)
        }
        return batch
    }

    /// Heap entries are never updated in place; an entry whose due time no longer matches
    /// the map (rescheduled or removed) is stale and skipped.
    private mutating func discardStaleTop() {
        while let top = heap.top, dueAt[top.id] != top.due {
            _ = heap.pop()
        }
    }
}

/// A binary min-heap of (due, id) pairs.
struct MinHeap: Sendable {
    struct Entry: Sendable, Comparable {
        var due: Date
        var id: RunID
        static func < (a: Entry, b: Entry) -> Bool { (a.due, a.id) < (b.due, b.id) }
    }

    private var items: [Entry] = []
    var top: Entry? { items.first }
    var count: Int { items.count }

    /// Adds entries and restores the heap order bottom-up (Floyd), O(n).
    mutating func append(contentsOf entries: [Entry]) {
        items.append(contentsOf: entries)
        guard items.count > 1 else { return }
        for parent in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftDown(parent) }
    }

    mutating func push(_ entry: Entry) {
        items.append(entry)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let popped = items.removeLast()
        siftDown(0)
        return popped
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
