import Synchronization

/// The configuration in force: the daemon replaces it on reload; readers that must see
/// the latest (the console's facts) ask at each use.
package final class CurrentConfiguration: Sendable {
    private let value: Mutex<Configuration>

    package init(_ configuration: Configuration) {
        value = Mutex(configuration)
    }

    package var current: Configuration { value.withLock { $0 } }

    package func replace(with new: Configuration) {
        value.withLock { $0 = new }
    }
}
