/// A strict single-pass JSON reader over a byte buffer, for `BulkResponseDecoder`: it
/// checks every byte against RFC 8259 but builds only the values its caller asks for, so
/// skipping a 30 KB transcript costs a scan and no allocation.
///
/// Structure (objects, arrays, literals, depth) is here; strings and numbers are in
/// `JSONScanner+Strings.swift` and `JSONScanner+Numbers.swift`.
struct JSONScanner {
    enum Failure: Error {
        case syntax(String)
        case notAnArray(String)
    }

    /// An object key as found: its bytes when it holds no escape (the usual case, read
    /// without a copy), or its text when it had to be unescaped.
    enum Key {
        case raw(Range<Int>)
        case unescaped(String)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Nesting depth: bounded, so a body of a million '[' cannot exhaust the stack.
    private var depth = 0
    static let maxDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Calls `member` for each key of the object at the cursor, with the cursor on the
    /// value; `member` must consume the value.
    mutating func object(_ member: (inout JSONScanner, Key) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "}") { throw .syntax("trailing comma before byte \(index)") }
            let key = try self.key()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            try member(&self, key)
            skipSpace()
            guard let next = peek() else { throw .syntax("an object ends early (truncated body?)") }
            index += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw .syntax("expected ',' or '}' at byte \(index - 1)") }
        }
    }

    /// Calls `element` for each element of the array at the cursor, with the cursor on it;
    /// `element` must consume it.
    mutating func array(_ element: (inout JSONScanner) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "]") { throw .syntax("trailing comma before byte \(index)") }
            try element(&self)
            skipSpace()
            guard let next = peek() else { throw .syntax("an array ends early (truncated body?)") }
            index += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw .syntax("expected ',' or ']' at byte \(index - 1)") }
        }
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue() throws(Failure) {
        guard let byte = peek() else { throw .syntax("a value is missing at the end") }
        switch byte {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"): try object { (scanner: inout JSONScanner, _: Key) throws(Failure) in try scanner.skipValue() }
        case UInt8(ascii: "["): try array { (scanner: inout JSONScanner) throws(Failure) in try scanner.skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try skipNumber()
        }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw .syntax("nested deeper than \(Self.maxDepth) levels") }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .syntax("a value ends early (truncated body?)") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw .syntax("unexpected character at byte \(index + offset)")
        }
        index += count
    }

    mutating func expect(_ byte: UInt8) throws(Failure) {
        guard index < bytes.count else { throw .syntax("the body ends early (truncated body?)") }
        guard bytes[index] == byte else { throw .syntax("expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)") }
        index += 1
    }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    /// RFC 8259's four whitespace bytes only (no form feed, no vertical tab).
    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
