import Foundation

/// Reads the body of `GET /test_framework/v2/results/{id}/` (and its deprecated v1 twin).
///
/// Only three things matter: the keys of `runs` (an object keyed by run id as a string,
/// per Cekura's schema; an array of objects with `id` is accepted too, in case the shape
/// moves), `total_runs_count` (typed string in the schema; a number is accepted) and
/// `status`. Bodies are small next to bulk answers, so Foundation's parser is fine here.
/// A body that is not an object, or has no usable `runs`, is a clear error; a key that is
/// not a run id is skipped with a reason, never a crash and never a guessed id.
package enum ResultResponseDecoder {
    package struct DecodeError: Error, Equatable, CustomStringConvertible {
        package var description: String
    }

    /// More entries than this in one result is not a real result (Cekura caps a
    /// `run_scenarios` call far below): refused rather than flooding the watch list.
    package static let maxRuns = 10_000

    package static func decode(_ data: Data) throws(DecodeError) -> ResultBody {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw DecodeError(description: data.isEmpty ? "empty body" : "the body is not JSON (\(data.count) bytes)")
        }
        guard let result = object as? [String: Any] else {
            throw DecodeError(description: "the body is not a JSON object")
        }
        var ids: Set<RunID> = []
        var skipped: [String] = []
        switch result["runs"] {
        case let runs as [String: Any]:
            guard runs.count <= maxRuns else { throw DecodeError(description: "'runs' has \(runs.count) entries, more than \(maxRuns)") }
            for key in runs.keys.sorted() {
                if let id = runID(key) { ids.insert(id) } else { skipped.append("key '\(UntrustedText.printable(key, limit: 40))' is not a run id") }
            }
        case let runs as [Any]:
            guard runs.count <= maxRuns else { throw DecodeError(description: "'runs' has \(runs.count) entries, more than \(maxRuns)") }
            for (index, entry) in runs.enumerated() {
                if let id = ((entry as? [String: Any])?["id"]).flatMap(Self.number) {
                    ids.insert(id)
                } else {
                    skipped.append("entry \(index) has no run id")
                }
            }
        case nil, is NSNull:
            // A result with no runs yet may answer without them; its total says more.
            break
        default:
            throw DecodeError(description: "'runs' is neither an object nor an array")
        }
        let status = (result["status"] as? String).map { RunStatus(rawValue: String($0.prefix(64))) }
        let total = result["total_runs_count"].flatMap(Self.number)
        return ResultBody(runIDs: ids.sorted(), totalRuns: total, status: status, skipped: skipped)
    }

    /// A run id written as a key: plain ASCII digits, positive, within range.
    static func runID(_ text: String) -> RunID? {
        guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int(text), id > 0 else {
            return nil
        }
        return id
    }

    /// A count or id given as a JSON integer or a string of digits (never a bool or a fraction).
    static func number(_ value: Any) -> Int? {
        if let text = value as? String {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed == "0" ? 0 : runID(trimmed)
        }
        // A JSON bool is an NSNumber of type char ("c"); counts and ids are never bools.
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double >= 0, double == double.rounded(), double < 1e15 else { return nil }
        return Int(double)
    }
}
