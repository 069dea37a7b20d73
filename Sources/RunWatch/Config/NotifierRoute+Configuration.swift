import RunWatchCore

extension NotifierRoute {
    package init(_ notifier: Configuration.Notifier) {
        self.init(
            name: notifier.name, kind: notifier.kind, events: notifier.events, transitions: notifier.transitions, labels: notifier.labels,
            suites: notifier.suites)
    }
}
