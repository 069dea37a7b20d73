import Mustache
import RunWatch
import RunWatchCore
import Testing

/// The templates' one unescaped value is a chart's SVG: anything else a template printed
/// unescaped would be an injection waiting for a hostile label.
@Suite struct ConsoleTemplateTests {
    @Test func theOnlyUnescapedValueIsTheChartSVG() {
        for (name, text) in ConsoleTemplates.all {
            var rest = Substring(text)
            while let start = rest.range(of: "{{{") {
                let tail = rest[start.lowerBound...]
                #expect(tail.hasPrefix("{{{svg}}}"), "template '\(name)' prints something unescaped")
                rest = rest[start.upperBound...]
            }
            // `{{&x}}` is the other unescaped form; `{{%` pragmas could switch escaping off
            // (CONTENT_TYPE: TEXT); `{{=` changes delimiters, which would hide both from this scan.
            for form in ["{{&", "{{ &", "{{%", "{{ %", "{{=", "{{ ="] {
                #expect(!text.contains(form), "template '\(name)' uses \(form)")
            }
        }
        let svgUses = ConsoleTemplates.all.map { $0.text.components(separatedBy: "{{{svg}}}").count - 1 }.reduce(0, +)
        #expect(svgUses == 1, "the charts are rendered in one place, the overview")
    }

    @Test func everyTemplateParsesAndEveryPartialIsRegistered() throws {
        let names = Set(ConsoleTemplates.all.map(\.name))
        #expect(names.count == ConsoleTemplates.all.count, "no name registered twice")
        for (name, text) in ConsoleTemplates.all {
            _ = try MustacheTemplate(string: text)
            for partial in text.matches(of: /\{\{>\s*([a-z-]+)\s*\}\}/) {
                #expect(names.contains(String(partial.output.1)), "template '\(name)' uses an unregistered partial")
            }
        }
    }

    /// `SuiteView.RunRow` answers lookups itself (speed): every stored field must be
    /// answered, with the value the engine's Mirror lookup would find.
    @Test(arguments: [0, 1, 2, 3])
    func aSuiteRunRowAnswersEveryFieldAsMirrorWould(index: Int) {
        let row = SuiteView.RunRow(ConsoleFixtures.runs()[index])
        for child in Mirror(reflecting: row).children {
            let label = child.label ?? ""
            let direct = row.child(named: label).map { String(describing: $0) }
            let mirrored: String? = {
                let value = Mirror(reflecting: child.value)
                guard value.displayStyle == .optional else { return String(describing: child.value) }
                return value.children.first.map { String(describing: $0.value) }
            }()
            #expect(direct == mirrored, "\(label)")
        }
        #expect(row.child(named: "noSuchField") == nil)
    }
}
