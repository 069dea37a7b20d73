import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

@Suite struct PollScheduleTests {
    let t0 = ContinuousClock.now

    @Test func takesTheMostOverdueFirstUpToTheLimit() {
        var schedule = PollSchedule()
        schedule.add(1, dueAt: t0.addingTimeInterval(5))
        schedule.add(2, dueAt: t0.addingTimeInterval(1))
        schedule.add(3, dueAt: t0.addingTimeInterval(3))
        schedule.add(4, dueAt: t0.addingTimeInterval(100))
        #expect(schedule.takeDue(now: t0.addingTimeInterval(10), limit: 2) == [2, 3])
        #expect(schedule.takeDue(now: t0.addingTimeInterval(10), limit: 2) == [1])
        #expect(schedule.takeDue(now: t0.addingTimeInterval(10), limit: 2) == [])
        #expect(schedule.count == 4, "taken runs stay watched while in flight")
    }

    @Test func tiesGoByIdSoBatchesAreDeterministic() {
        var schedule = PollSchedule()
        for id in [9, 3, 7, 1] { schedule.add(id, dueAt: t0) }
        #expect(schedule.takeDue(now: t0, limit: 10) == [1, 3, 7, 9])
    }

    @Test func inFlightRunsAreNotTakenAgainUntilRescheduled() {
        var schedule = PollSchedule()
        schedule.add(1, dueAt: t0)
        #expect(schedule.takeDue(now: t0, limit: 5) == [1])
        #expect(schedule.takeDue(now: t0.addingTimeInterval(60), limit: 5) == [])
        schedule.schedule(1, at: t0.addingTimeInterval(15))
        #expect(schedule.nextDue() == t0.addingTimeInterval(15))
        #expect(schedule.takeDue(now: t0.addingTimeInterval(14), limit: 5) == [])
        #expect(schedule.takeDue(now: t0.addingTimeInterval(15), limit: 5) == [1])
    }

    @Test func removedAndRescheduledRunsLeaveNoStaleEntries() {
        var schedule = PollSchedule()
        schedule.add(1, dueAt: t0)
        schedule.add(2, dueAt: t0)
        schedule.schedule(1, at: t0.addingTimeInterval(30))
        schedule.remove(2)
        #expect(schedule.count == 1)
        #expect(!schedule.contains(2))
        #expect(schedule.nextDue() == t0.addingTimeInterval(30))
        #expect(schedule.takeDue(now: t0.addingTimeInterval(10), limit: 5) == [])
        #expect(schedule.takeDue(now: t0.addingTimeInterval(30), limit: 5) == [1])
    }

    @Test func addingManyAtOnceOrdersLikeAddingOneByOne() {
        var bulk = PollSchedule()
        var single = PollSchedule()
        var rng = SplitMix64(seed: 3)
        let ids = (1...500).map { _ in Int(rng.next() % 10_000) + 1 }
        bulk.add(7, dueAt: t0.addingTimeInterval(-5))
        single.add(7, dueAt: t0.addingTimeInterval(-5))
        bulk.addAll(ids, dueAt: t0)
        for id in ids { single.add(id, dueAt: t0) }
        #expect(bulk.count == single.count)
        #expect(bulk.takeDue(now: t0, limit: 1000) == single.takeDue(now: t0, limit: 1000))
    }

    @Test func addingAWatchedRunKeepsItsPlace() {
        var schedule = PollSchedule()
        schedule.add(1, dueAt: t0)
        schedule.add(1, dueAt: t0.addingTimeInterval(99))
        #expect(schedule.takeDue(now: t0, limit: 5) == [1])
    }

    @Test func noRunStarvesUnderABacklog() {
        // 1,000 runs, batches of 100, each polled run rescheduled one interval later:
        // every run is polled exactly once per 10 batches.
        var schedule = PollSchedule()
        for id in 1...1000 { schedule.add(id, dueAt: t0) }
        var polls: [Int: Int] = [:]
        var now = t0
        for _ in 0..<50 {
            let batch = schedule.takeDue(now: now, limit: 100)
            #expect(batch.count == 100)
            for id in batch {
                polls[id, default: 0] += 1
                schedule.schedule(id, at: now.addingTimeInterval(10))
            }
            now = now.addingTimeInterval(1)
        }
        #expect(Set(polls.values) == [5])
        #expect(schedule.takeDue(now: now, limit: 1000).count == 100)
    }
}
