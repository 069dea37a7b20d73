import Yams

extension YamlError {
    /// What went wrong and where, without the file's text. Yams' own description quotes
    /// the offending line with a caret under it; in a config that line can hold an
    /// inline webhook URL (a secret), and the message goes to the journal, `STATUS=` and
    /// `check-config`'s output.
    var positionOnlyDescription: String {
        func at(_ mark: Mark) -> String { "line \(mark.line), column \(mark.column)" }
        func within(_ context: Context?) -> String { context.map { " (\($0.text) from \(at($0.mark)))" } ?? "" }
        switch self {
        case .no: return "no error"
        case .memory: return "out of memory"
        case .reader(let problem, let offset, _, _): return "\(problem)" + (offset.map { " at character \($0)" } ?? "")
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return "\(at(mark)): \(problem)\(within(context))"
        case .writer(let problem), .emitter(let problem), .representer(let problem): return problem
        case .dataCouldNotBeDecoded: return "the file is not UTF-8 text"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "\(at(context.mark)): duplicate key(s) \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
        @unknown default: return "not valid YAML"
        }
    }
}
