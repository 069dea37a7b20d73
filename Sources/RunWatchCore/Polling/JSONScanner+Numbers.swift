/// Numbers, per RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
/// No leading zeros, no `+`, no bare `.` or exponent, no `NaN` or `Infinity`. A number
/// beyond a Double's range is grammatical and is read as infinite (RFC 8259 §6 lets a
/// parser limit range; turning one huge `duration` into an anomaly beats failing a batch).
extension JSONScanner {
    /// Skips the number at the cursor, checking its grammar; true when it is an integer
    /// (no fraction, no exponent). Skipped numbers are never converted.
    mutating func skipNumber() throws(Failure) -> Bool {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw .syntax("unexpected character at byte \(start)") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }  // a leading 0 stands alone
        var integer = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw .syntax("a number needs digits after '.' at byte \(index)") }
            integer = false
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw .syntax("a number needs exponent digits at byte \(index)") }
            integer = false
        }
        return integer
    }

    /// The number at the cursor, with its integer value when it has one that fits.
    mutating func number() throws(Failure) -> FieldValue {
        let start = index
        let integer = try skipNumber()
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // The grammar was checked, so only range can make this fail; read it as infinite.
        let value = Double(text) ?? (text.hasPrefix("-") ? -.infinity : .infinity)
        let integral = integer ? Int(text) : (value == value.rounded() && abs(value) < 1e15 ? Int(value) : nil)
        return .number(value, integral: integral)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        return index - start
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
