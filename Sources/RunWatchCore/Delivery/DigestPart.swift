/// Where a digest stands in a burst too big for one message: the plan cuts a burst at the
/// sink's digest capacity, so every run is named in some message, and numbers the parts
/// in the order they are sent.
package struct DigestPart: Sendable, Equatable {
    /// 1 for the first message of the burst.
    package var number: Int
    /// More of the same burst waits for the next message.
    package var more: Bool

    package init(number: Int, more: Bool) {
        self.number = number
        self.more = more
    }
}
