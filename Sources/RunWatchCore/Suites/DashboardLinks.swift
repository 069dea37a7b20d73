/// Links into Cekura's dashboard. The API gives a run's `result_id` but no project, and
/// agent ids are unique per region only, so the base (`cekura.dashboard_url`, e.g.
/// `https://dashboard.cekura.ai/<project>`) comes from the operator. Without it there is
/// no link: a guessed one would lead people to the wrong project or a 404.
package struct DashboardLinks: Sendable, Equatable {
    /// The configured base without a trailing slash; nil when not configured.
    package var base: String?

    package init(base: String? = nil) {
        self.base = Self.normalizedBase(base)
    }

    package static let none = DashboardLinks()

    /// A configured base without trailing slashes (paths are appended to it); nil when
    /// unset or empty. Console links (`ConsoleLinks`) take their base the same way.
    package static func normalizedBase(_ base: String?) -> String? {
        var trimmed = base
        while let text = trimmed, text.hasSuffix("/") { trimmed = String(text.dropLast()) }
        return trimmed.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The page of one result (where the dashboard shows its runs).
    package func result(_ id: ResultID?) -> String? {
        guard let base, let id, id > 0 else { return nil }
        return "\(base)/results/\(id)"
    }
}
