/// The kinds of notification sink runwatch speaks.
package enum NotifierKind: String, Sendable, Equatable, CaseIterable, Codable {
    case slack, webhook
}
