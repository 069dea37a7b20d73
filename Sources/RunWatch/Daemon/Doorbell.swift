import ServiceLifecycle
import Synchronization

/// Wakes waiting loops early: rung when there is new work (new runs, new outbox messages,
/// shutdown), so loops need no polling to notice it. A ring wakes every current waiter;
/// a ring with nobody waiting is remembered for the next one, so a ring between a loop's
/// check and its wait is never lost.
package final class Doorbell: Sendable {
    private struct State {
        var rung = false
        /// Closed for good (shutdown): every wait returns at once, for every waiter.
        var closed = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    package func ring() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.waiters.isEmpty {
                state.rung = true
                return []
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Wakes every waiter now and every later one at once: for shutdown, where a ring
    /// remembered for one waiter would leave the others asleep.
    package func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Like `wait(timeout:)`, and closes the bell when graceful shutdown begins, so a
    /// loop asleep here wakes at once to see it (the loops' usual way to sleep).
    package func waitUnlessShuttingDown(timeout: Duration) async {
        await withGracefulShutdownHandler {
            await wait(timeout: timeout)
        } onGracefulShutdown: {
            self.close()
        }
    }

    /// Returns when rung, when `timeout` has passed, or when the task is cancelled.
    package func wait(timeout: Duration) async {
        if state.withLock({ $0.closed }) { return }
        guard timeout > .zero else {
            state.withLock { $0.rung = false }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed { return true }
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    // A timed-out wait must not eat a ring meant for another waiter.
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
