import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document for assertions: Foundation's parser (libxml2 underneath) in
/// process, so the well-formedness checks run even where Python is missing.
final class XMLTree {
    final class Node {
        let name: String
        let attributes: [String: String]
        var children: [Node] = []
        var text = ""

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        func all(_ name: String) -> [Node] { children.filter { $0.name == name } }
        func first(_ name: String) -> Node? { children.first { $0.name == name } }
        subscript(_ attribute: String) -> String? { attributes[attribute] }

        /// The `<properties>` child as a dictionary.
        var properties: [String: String] {
            (first("properties")?.all("property") ?? []).reduce(into: [:]) { $0[$1["name"] ?? ""] = $1["value"] ?? "" }
        }
    }

    let root: Node

    /// nil when the parser refuses the document; `error` then says why.
    static func parse(_ text: String) -> (tree: XMLTree?, error: String?) {
        let collector = Collector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        guard parser.parse(), let root = collector.root else {
            return (nil, parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return (XMLTree(root: root), nil)
    }

    private init(root: Node) { self.root = root }

    private final class Collector: NSObject, XMLParserDelegate {
        var root: Node?
        var stack: [Node] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let node = Node(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
