import Foundation
import RunWatch
import RunWatchTesting
import Testing

/// Secrets are refused when they could break a header, and no error names their content.
@Suite struct SecretHygieneTests {
    @Test func aKeyFileWithAnInternalLineBreakIsRefusedNamingTheFileOnly() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir + "/key", "first-half-SECRET\nsecond-half-SECRET\n")
            var config = Configuration()
            config.api.apiKeyFile = dir + "/key"
            #expect {
                try SecretSource.apiKey(configuration: config, environment: [:])
            } throws: { error in
                let text = "\(error)"
                return text.contains(dir + "/key") && text.contains("control character") && !text.contains("SECRET")
            }
        }
    }

    @Test func aKeyInTheEnvironmentWithALineBreakIsRefused() {
        #expect {
            try SecretSource.apiKey(configuration: Configuration(), environment: ["CEKURA_API_KEY": "abc\r\nX-Injected: SECRET"])
        } throws: { error in
            "\(error)".contains("$CEKURA_API_KEY") && !"\(error)".contains("SECRET")
        }
    }

    @Test func surroundingWhitespaceIsStillTrimmed() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir + "/key", "\n  the-key\t\r\n")
            var config = Configuration()
            config.api.apiKeyFile = dir + "/key"
            #expect(try SecretSource.apiKey(configuration: config, environment: [:]).value == "the-key")
        }
    }

    @Test func aNotifierURLFileWithALineBreakIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir + "/url", "https://hooks.example/SECRET\nhttps://other.example/\n")
            let notifier = try Configuration.parse(yaml: "notifiers:\n  - name: ops\n    kind: slack\n    url_file: \(dir)/url\n").notifiers[0]
            #expect {
                try NotifierQueue.Endpoint.resolve(notifier, environment: [:])
            } throws: { error in
                "\(error)".contains("notifier 'ops' url_file") && !"\(error)".contains("SECRET")
            }
        }
    }

    @Test func anInlineURLWithALineBreakIsRefused() throws {
        let notifier = try Configuration.parse(yaml: "notifiers:\n  - name: ops\n    kind: slack\n    url: \"https://hooks.example/SECRET\\nX: y\"\n")
            .notifiers[0]
        #expect {
            try NotifierQueue.Endpoint.resolve(notifier, environment: [:])
        } throws: { error in
            "\(error)".contains("notifier 'ops' url") && !"\(error)".contains("SECRET")
        }
    }

    @Test func aYAMLSyntaxErrorDoesNotQuoteTheLineItIsOn() {
        // The broken line holds an inline webhook URL; Yams' own message would quote it.
        let yaml = "notifiers:\n  - name: ops\n    kind: slack\n    url: https://hooks.slack.com/services/SECRET: [\n"
        #expect {
            try Configuration.parse(yaml: yaml, file: "x.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("config x.yaml: ") && text.contains("line 4") && !text.contains("SECRET")
        }
    }
}
