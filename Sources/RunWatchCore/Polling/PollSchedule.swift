import Foundation

/// Which watched runs to poll next, and when.
///
/// Every active run has a next-due time. A batch takes the most overdue runs first, so
/// no run starves however large the backlog. Taken runs are "in flight" until the caller
/// reschedules them (after an answer, or after a failed request). Pure: time is an input.
package struct PollSchedule: Sendable {
    private var dueAt: [RunID: ContinuousClock.Instant] = [:]
    /// Taken runs, with the due time they had: a refused request puts them back there.
    private var inFlight: [RunID: ContinuousClock.Instant] = [:]
    private var heap = MinHeap()

    package init() {}

    /// Runs being watched (due or in flight).
    package var count: Int { dueAt.count + inFlight.count }
    package var isEmpty: Bool { count == 0 }
    package func contains(_ id: RunID) -> Bool { dueAt[id] != nil || inFlight[id] != nil }

    /// Starts watching `id` (no-op if already watched).
    package mutating func add(_ id: RunID, dueAt date: ContinuousClock.Instant) {
        guard !contains(id) else { return }
        schedule(id, at: date)
    }

    /// Starts watching many runs at once (start-up): one O(n) heap build instead of n pushes.
    package mutating func addAll(_ ids: some Collection<RunID>, dueAt date: ContinuousClock.Instant) {
        let fresh = ids.filter { !contains($0) }
        dueAt.reserveCapacity(dueAt.count + fresh.count)
        for id in fresh { dueAt[id] = date }
        heap.append(contentsOf: fresh.map { MinHeap.Entry(due: date, id: $0) })
    }

    /// Puts a taken (or waiting) run back with a new due time.
    package mutating func schedule(_ id: RunID, at date: ContinuousClock.Instant) {
        inFlight[id] = nil
        dueAt[id] = date
        heap.push(.init(due: date, id: id))
    }

    /// Puts a taken run back where it was (a refused request): it keeps its place among
    /// the most overdue instead of going to the back of the queue.
    package mutating func requeue(_ id: RunID) {
        guard let due = inFlight[id] else { return }
        schedule(id, at: due)
    }

    /// Hands taken runs over to be polled apart (a failed request's batch becomes a
    /// suspect): they leave the schedule, and the earliest due time they had is returned,
    /// so the batch can keep its place.
    package mutating func release(_ ids: [RunID]) -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for id in ids {
            guard let due = inFlight.removeValue(forKey: id) else { continue }
            earliest = min(earliest ?? due, due)
        }
        return earliest
    }

    /// Takes runs back from being polled apart, in flight (an answer about them is being
    /// applied), as if just taken with the due time `date`.
    package mutating func adopt(_ ids: [RunID], at date: ContinuousClock.Instant) {
        for id in ids where !contains(id) { inFlight[id] = date }
    }

    /// Stops watching `id`, whether it is waiting or in flight.
    package mutating func remove(_ id: RunID) {
        dueAt[id] = nil
        inFlight[id] = nil
    }

    /// The earliest time a waiting run falls due, if any run is waiting.
    package mutating func nextDue() -> ContinuousClock.Instant? {
        discardStaleTop()
        return heap.top?.due
    }

    /// Takes up to `limit` runs due at `now`, most overdue first (ties by id), and marks
    /// them in flight.
    package mutating func takeDue(now: ContinuousClock.Instant, limit: Int) -> [RunID] {
        var batch: [RunID] = []
        while batch.count < limit {
            discardStaleTop()
            guard let top = heap.top, top.due <= now else { break }
            _ = heap.pop()
            dueAt[top.id] = nil
            inFlight[top.id] = top.due
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
        var due: ContinuousClock.Instant
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
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
