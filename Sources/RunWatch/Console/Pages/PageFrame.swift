import Foundation

/// What the layout needs of every page: its title, whether it reloads, when it was made,
/// and which nav entry is current. Field names are unique across view models, because a
/// mustache name missing at one level is looked up in the levels around it.
package struct PageFrame: Sendable, Equatable {
    package enum Section: Sendable { case overview, suites, deliveries, none }

    package var pageTitle: String
    package var refresh: Bool
    package var generatedISO: String?
    package var atOverview: Bool
    package var atSuites: Bool
    package var atDeliveries: Bool

    package init(title: String, section: Section, refresh: Bool, generatedAt: Date?) {
        self.pageTitle = title
        self.refresh = refresh
        self.generatedISO = generatedAt.map(ConsolePageText.iso)
        self.atOverview = section == .overview
        self.atSuites = section == .suites
        self.atDeliveries = section == .deliveries
    }
}
