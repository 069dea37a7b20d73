import RunWatchCore
import Testing

@Suite struct UntrustedTextTests {
    @Test(arguments: [
        ("plain", "plain"), ("two\nlines", "two\\nlines"), ("tab\there", "tab\\there"), ("esc\u{1B}[31mred", "esc\\u{1B}[31mred"),
        ("bidi\u{202E}txt", "bidi\\u{202E}txt"), ("nul\u{0}", "nul\\u{0}"), ("del\u{7F}", "del\\u{7F}"), ("back\\slash", "back\\\\slash"),
        ("é ✓ 日本", "é ✓ 日本"),
    ])
    func printableEscapesControlCharacters(input: String, expected: String) {
        #expect(UntrustedText.printable(input) == expected)
    }

    @Test func printableAndCappedAreBounded() {
        let long = String(repeating: "a", count: 10_000)
        #expect(UntrustedText.printable(long, limit: 50).count == 51)
        #expect(UntrustedText.printable(String(repeating: "\n", count: 1000), limit: 50).count <= 51)
        #expect(UntrustedText.capped(long, to: 100).count == 100)
        #expect(UntrustedText.capped(long, to: 100).hasSuffix("…"))
        #expect(UntrustedText.capped("short", to: 100) == "short")
    }
}

@Suite struct RedirectAnswerTests {
    @Test(arguments: [
        ("https://evil.example.org/steal?token=abc", "host evil.example.org"), ("http://127.0.0.1:9/x", "host 127.0.0.1"),
        ("/relative/path?token=abc", "a location on the same host"), ("", "no Location"),
        ("https://EXAMPLE.org/", "host example.org"), ("::garbage", "an unreadable Location"),
    ])
    func onlyTheHostOfTheLocationIsNamed(location: String, expected: String) {
        #expect(RedirectAnswer.target(of: location.isEmpty ? nil : location) == expected)
    }

    @Test func reasonsSayWhatToDo() {
        let notifier = RedirectAnswer.notifierReason(status: 301, location: "https://example.org/hooks/T0KEN")
        #expect(notifier == "answered 301 (redirect to host example.org); runwatch does not follow redirects: configure the final URL and reload")
        let api = RedirectAnswer.apiReason(status: 302, location: "https://other.example/bulk?key=k")
        #expect(api.contains("host other.example") && api.contains("api.base_url") && !api.contains("key=k"))
        #expect(RedirectAnswer.isRedirect(307) && !RedirectAnswer.isRedirect(200) && !RedirectAnswer.isRedirect(404))
    }
}

@Suite struct ByteCountTextTests {
    @Test(arguments: [("4096", 4096), ("4KiB", 4096), ("32MiB", 32 << 20), ("32 MB", 32 << 20), ("1GiB", 1 << 30), ("1g", 1 << 30)])
    func parses(text: String, bytes: Int) throws {
        #expect(try ByteCountText.parse(text) == bytes)
    }

    @Test(arguments: ["", "MiB", "12 parsecs", "-1", "99999999999999999999GiB"])
    func refuses(text: String) {
        #expect(throws: ByteCountText.ParseError.self) { try ByteCountText.parse(text) }
    }

    @Test func formats() {
        #expect(ByteCountText.format(32 << 20) == "32 MiB")
        #expect(ByteCountText.format(4096) == "4 KiB")
        #expect(ByteCountText.format(1000) == "1000 bytes")
    }
}
