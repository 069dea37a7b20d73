import Foundation

/// Parsers runwatch's reports are checked with that share no code with it: the
/// `junitparser` and `markdown-it-py` Python packages and `xmllint` (libxml2) with
/// docs/junit.xsd. scripts/setup installs all three, so CI runs these checks; a machine
/// without them skips the tests that need them, saying which tool is missing. Shared by
/// the renderers' tests and the end-to-end tests of `runwatch wait --junit/--summary`.
package enum IndependentParsers {
    /// Sources/RunWatchTesting/ is two folders below the repository.
    package static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    package static let schema = repositoryRoot + "/docs/junit.xsd"

    package static func hasPython(_ module: String) async -> Bool {
        (try? await runProcess("/usr/bin/env", ["python3", "-c", "import \(module)"], environment: nil).status) == 0
    }

    package static func hasXmllint() async -> Bool {
        (try? await runProcess("/usr/bin/env", ["xmllint", "--version"], environment: nil).status) == 0
    }

    /// `script` run by the caller's python3 (the one scripts/setup installed packages
    /// for), its standard output decoded as JSON.
    package static func python(_ script: String, _ arguments: [String]) async throws -> (status: Int32, json: Any?, output: String) {
        let (status, output) = try await runProcess("/usr/bin/env", ["python3", "-c", script] + arguments, environment: nil)
        let lastLine = output.split(separator: "\n").last.map(String.init) ?? ""
        return (status, try? JSONSerialization.jsonObject(with: Data(lastLine.utf8)), output)
    }

    package static func xmllint(_ file: String) async throws -> (status: Int32, output: String) {
        try await runProcess("/usr/bin/env", ["xmllint", "--noout", "--schema", schema, file], environment: nil)
    }

    /// The JUnit file as junitparser reads it: the attributes it reports and the counts
    /// it derives from the cases itself.
    package static let junitScript = """
        import json, sys
        from junitparser import JUnitXml, Properties, Failure, Error, Skipped
        xml = JUnitXml.fromfile(sys.argv[1])
        out = {"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped, "suites": []}
        for suite in xml:
            cases = []
            for case in suite:
                props = {}
                p = case.child(Properties)
                if p is not None:
                    for prop in p:
                        props[prop.name] = prop.value
                results = [[type(r).__name__, r.type, r.message, r.text] for r in case.result]
                cases.append({"name": case.name, "classname": case.classname, "time": case.time, "results": results, "props": props})
            out["suites"].append({
                "name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                "skipped": suite.skipped, "time": suite.time, "timestamp": suite.timestamp, "cases": cases,
                "counted": {
                    "failures": sum(1 for c in suite if any(isinstance(r, Failure) for r in c.result)),
                    "errors": sum(1 for c in suite if any(isinstance(r, Error) for r in c.result)),
                    "skipped": sum(1 for c in suite if any(isinstance(r, Skipped) for r in c.result)),
                },
            })
        print(json.dumps(out))
        """

    /// The Markdown as markdown-it-py (CommonMark plus GFM tables and strikethrough)
    /// reads it: headings, paragraphs' text, and per table its header and body rows as
    /// cell texts; any token in a heading or cell that is not plain text or a link is
    /// reported, since untrusted text must never turn into markup there.
    package static let markdownScript = """
        import json, sys
        from markdown_it import MarkdownIt
        md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        tokens = md.parse(open(sys.argv[1], encoding="utf-8").read())
        out = {"headings": [], "tables": [], "markup": [], "paragraphs": []}
        table = section = row = None
        heading = paragraph = False
        for t in tokens:
            if t.type == "html_block":
                out["markup"].append("html_block")
            elif t.type == "table_open":
                table = {"header": [], "body": []}
                out["tables"].append(table)
            elif t.type == "thead_open":
                section = "header"
            elif t.type == "tbody_open":
                section = "body"
            elif t.type == "tr_open":
                row = []
            elif t.type == "tr_close":
                table[section].append(row)
            elif t.type == "table_close":
                table = None
            elif t.type == "heading_open":
                heading = True
            elif t.type == "heading_close":
                heading = False
            elif t.type == "paragraph_open":
                paragraph = True
            elif t.type == "paragraph_close":
                paragraph = False
            elif t.type == "inline":
                text = ""
                for c in t.children or []:
                    if c.type in ("text", "text_special"):
                        text += c.content
                    elif c.type == "link_open":
                        text += "<link " + c.attrs.get("href", "") + ">"
                    elif c.type == "link_close":
                        text += "</link>"
                    elif c.type == "softbreak":
                        text += "\\n"
                    elif table is not None or heading:
                        out["markup"].append(c.type)
                if heading:
                    out["headings"].append(text)
                elif table is not None:
                    row.append(text)
                elif paragraph:
                    out["paragraphs"].append(text)
        print(json.dumps(out))
        """
}
