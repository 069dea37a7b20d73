import RunWatchCore
import Testing

@Suite struct RunRoutingResubmissionTests {
    typealias R = RunRouting

    @Test(
        arguments: [
            // An empty list never mutes; a different list adds to the first.
            (R(notifiers: ["team-a"]), R(notifiers: []), R(notifiers: ["team-a"])),
            (R(notifiers: ["team-a"]), R(notifiers: ["team-b"]), R(notifiers: ["team-a", "team-b"])),
            (R(notifiers: ["team-a", "team-b"]), R(notifiers: ["team-b"]), R(notifiers: ["team-a", "team-b"])),
            // No list means every matching notifier: the widest routing absorbs any list.
            (R(notifiers: ["team-a"]), R(), R()),
            (R(), R(notifiers: []), R()),
            (R(), R(notifiers: ["team-b"]), R()),
            // Labels: the first writer's values stay; new keys are added.
            (R(labels: ["team": "a"]), R(labels: ["team": "b", "build": "7"]), R(labels: ["team": "a", "build": "7"])),
            (R(labels: ["team": "a"]), R(), R(labels: ["team": "a"])),
            (R(), R(labels: ["team": "b"]), R(labels: ["team": "b"])),
        ] as [(R, R, R)])
    func resubmissionWidensButNeverNarrows(first: R, second: R, result: R) {
        #expect(first.resubmitted(second) == result)
    }

    @Test func labelsStayWithinTheLimit() {
        let full = R(labels: Dictionary(uniqueKeysWithValues: (1...32).map { ("k\($0)", "v") }))
        #expect(full.resubmitted(R(labels: ["extra": "x"])).labels.count == 32)
    }
}
