/// Strings, per RFC 8259 §7 and §8.1: no raw control characters, only the eight short
/// escapes and `\uXXXX`, surrogates only in high-low pairs, and well-formed UTF-8 (no
/// overlong forms, no encoded surrogates, nothing above U+10FFFF). Skipped strings are
/// checked as strictly as read ones: most of a bulk answer's bytes are in strings nobody
/// reads, and a corrupt transcript is still a corrupt body.
extension JSONScanner {
    /// Skips the string at the cursor. Eight bytes at a time while none of them is a
    /// quote, a backslash, a control character or non-ASCII: transcripts are long runs
    /// of plain text, and this loop is where the decoder spends its time.
    mutating func skipString() throws(Failure) {
        try expect(UInt8(ascii: "\""))
        _ = try skipStringBody()
    }

    /// An object key, without copying it unless it holds an escape.
    mutating func key() throws(Failure) -> Key {
        let start = index
        try expect(UInt8(ascii: "\""))
        if try !skipStringBody() { return .raw(start + 1..<index - 1) }
        index = start
        return .unescaped(try string())
    }

    /// The string at the cursor, unescaped.
    mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        guard try skipStringBody() else {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
        }
        // Escapes: a second pass that builds the text, over bytes already checked.
        index = start
        var utf8: [UInt8] = []
        utf8.reserveCapacity(64)
        while true {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: utf8, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                UTF8.encode(try escape()) { utf8.append($0) }
            } else {
                utf8.append(byte)
            }
        }
    }

    /// Checks the rest of a string up to and past its closing quote; true when it held an
    /// escape.
    private mutating func skipStringBody() throws(Failure) -> Bool {
        var escaped = false
        let base = UnsafeRawPointer(bytes.baseAddress)
        while true {
            if let base {
                while index + 8 <= bytes.count {
                    let flags = Self.attention(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                    if flags != 0 {
                        index += flags.trailingZeroBitCount / 8  // straight to the first byte that matters
                        break
                    }
                    index += 8
                }
            }
            guard index < bytes.count else { throw .syntax("a string ends early (truncated body?)") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                index += 1
                _ = try escape()
                escaped = true
            case 0x00..<0x20:
                throw .syntax("control character in a string at byte \(index)")
            case 0x80...:
                try utf8Sequence()
            default:
                index += 1
            }
        }
    }

    /// The high bit set in each of eight bytes (read little-endian) that is '"', '\',
    /// below 0x20 or above 0x7F. Zero exactly when none is, and the lowest flag is always
    /// a true one (the borrow tricks can only add false flags above a true one).
    @inline(__always)
    private static func attention(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let quote = hasZeroByte(word ^ (ones &* 0x22))
        let backslash = hasZeroByte(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highs
        return quote | backslash | control | (word & highs)
    }

    /// One well-formed UTF-8 sequence of two to four bytes at the cursor (RFC 3629 table).
    private mutating func utf8Sequence() throws(Failure) {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F  // not the encoded surrogates
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F  // not above U+10FFFF
        default: throw .syntax("invalid UTF-8 at byte \(index)")
        }
        guard index + length <= bytes.count else { throw .syntax("a string ends early (truncated body?)") }
        guard (low...high).contains(bytes[index + 1]) else { throw .syntax("invalid UTF-8 at byte \(index)") }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
            throw .syntax("invalid UTF-8 at byte \(index)")
        }
        index += length
    }

    /// The escape after a backslash (the cursor is past the backslash).
    private mutating func escape() throws(Failure) -> Unicode.Scalar {
        guard index < bytes.count else { throw .syntax("a string ends early (truncated body?)") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let code = try hex4()
            switch code {
            case 0xDC00..<0xE000:
                throw .syntax("lone low surrogate at byte \(index - 6)")
            case 0xD800..<0xDC00:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw .syntax("lone high surrogate at byte \(index - 6)")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw .syntax("invalid surrogate pair at byte \(index - 12)") }
                return Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))!
            default:
                return Unicode.Scalar(code)!  // any code outside the surrogates is a scalar
            }
        default:
            throw .syntax("invalid escape at byte \(index - 2)")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .syntax("a \\u escape ends early") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw .syntax("invalid \\u escape at byte \(index - 1)")
            }
            value = value << 4 | digit
        }
        return value
    }
}
