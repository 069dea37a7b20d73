import Mustache

/// The console's templates, held as Swift string literals so the installed binary needs
/// no resource files. Every `{{value}}` is escaped for HTML (`& < > " '`, per Unicode
/// scalar: `ConsoleHTMLContentType`); the one unescaped value is `{{{svg}}}`, a chart the
/// renderer escaped itself (`ConsoleTemplateTests` scans every template for any other).
package enum ConsoleTemplates {
    /// Every template by the name pages and partials use.
    package static let all: [(name: String, text: String)] = [
        ("header", header), ("footer", footer), ("moment", moment),
        ("overview", overview), ("suites", suites), ("suite", suite), ("run", run),
        ("deliveries", deliveries), ("delivery-row", deliveryRow), ("problem", problem),
    ]

    /// Parsed once. The templates are constants: one that does not parse is a bug the
    /// tests catch, not a condition to run with.
    /// Each template starts by selecting `ConsoleHTMLContentType`: swift-mustache resets
    /// a partial to its own HTML escaper, so pages and partials alike carry the pragma.
    package static let library: MustacheLibrary = {
        MustacheContentTypes.register(ConsoleHTMLContentType(), named: ConsoleHTMLContentType.name)
        var library = MustacheLibrary()
        for (name, text) in all {
            do {
                try library.register("{{% CONTENT_TYPE: \(ConsoleHTMLContentType.name)}}\n" + text, named: name)
            } catch {
                preconditionFailure("console template '\(name)' does not parse: \(error)")
            }
        }
        return library
    }()
}
