/// The `labels` object of a JSON spool file, decoded key by key in sorted order.
///
/// `JSONDecoder` decodes a `[String: String]` in its dictionary's iteration order, which
/// differs from one decode to the next; with two bad values (or a bad value and a bad
/// string it checks lazily), the same file got a different rejection reason each time.
/// The fuzz target found it (Fuzz/regressions/spool/labels-reason-order).
struct SpoolLabels: Decodable {
    var values: [String: String] = [:]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            values[key.stringValue] = try container.decode(String.self, forKey: key)
        }
    }
}
