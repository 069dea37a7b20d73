import Foundation

/// An HTML document as Python's `html.parser` reads it (a parser that shares no code with
/// runwatch or its template engine): elements with their attributes, children and text
/// content (entities decoded, in document order). The browser tests parse the DOM
/// Chromium built with it and count elements by the console's markers.
package struct DOMNode: Sendable, Decodable {
    package var tag: String
    package var attributes: [String: String]
    /// All text inside, as a reader sees it (`textContent`).
    package var text: String
    package var children: [DOMNode]

    enum CodingKeys: String, CodingKey {
        case tag
        case attributes = "attrs"
        case text, children
    }

    package subscript(_ attribute: String) -> String? { attributes[attribute] }

    package var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }

    /// This element and every element inside it, in document order.
    package var all: [DOMNode] { [self] + children.flatMap(\.all) }

    /// Elements named `tag` (any tag when nil), inside this one or this one, that have
    /// every class in `classes` and every attribute in `having` (a nil value: any value).
    package func elements(_ tag: String? = nil, classes wanted: Set<String> = [], having: [String: String?] = [:]) -> [DOMNode] {
        all.filter { node in
            (tag == nil || node.tag == tag) && wanted.isSubset(of: node.classes)
                && having.allSatisfy { key, value in
                    guard let actual = node.attributes[key] else { return false }
                    return value.map { $0 == actual } ?? true
                }
        }
    }

    package func element(id: String) -> DOMNode? { all.first { $0.attributes["id"] == id } }

    /// The element's text as an integer (a count cell), nil when it is not one.
    package var integer: Int? { Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) }

    package struct ParseFailure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Parses `html` with python3's `html.parser`.
    package static func parse(_ html: String) async throws -> DOMNode {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dom-\(UUID().uuidString).html").path
        try html.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (status, output) = try await runProcess("/usr/bin/env", ["python3", "-c", script, file], environment: nil)
        let lastLine = output.split(separator: "\n").last.map(String.init) ?? ""
        guard status == 0, let root = try? JSONDecoder().decode(DOMNode.self, from: Data(lastLine.utf8)) else {
            throw ParseFailure(description: "html.parser failed (exit \(status)): \(output.suffix(600))")
        }
        return root
    }

    /// Builds the element tree; void elements have no end tag, and an end tag closes the
    /// nearest open element of its name (and any left open inside it), as browsers do.
    static let script = """
        import json, sys
        from html.parser import HTMLParser
        VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
        class Tree(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.root = {"tag": "#document", "attrs": {}, "parts": [], "children": []}
                self.stack = [self.root]
            def handle_starttag(self, tag, attrs):
                node = {"tag": tag, "attrs": {k: (v if v is not None else "") for k, v in attrs}, "parts": [], "children": []}
                self.stack[-1]["children"].append(node)
                if tag in VOID:
                    node["text"] = ""
                    del node["parts"]
                else:
                    self.stack.append(node)
            def handle_startendtag(self, tag, attrs):
                self.handle_starttag(tag, attrs)
                if tag not in VOID:
                    self.pop_to(len(self.stack) - 1)
            def handle_endtag(self, tag):
                for i in range(len(self.stack) - 1, 0, -1):
                    if self.stack[i]["tag"] == tag:
                        self.pop_to(i)
                        return
            def handle_data(self, data):
                self.stack[-1]["parts"].append(data)
            def pop_to(self, index):
                while len(self.stack) > index:
                    node = self.stack.pop()
                    node["text"] = "".join(node.pop("parts"))
                    self.stack[-1]["parts"].append(node["text"])
        tree = Tree()
        tree.feed(open(sys.argv[1], encoding="utf-8").read())
        tree.close()
        tree.pop_to(1)
        tree.root["text"] = "".join(tree.root.pop("parts"))
        print(json.dumps(tree.root))
        """
}
