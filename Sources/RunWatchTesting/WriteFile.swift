import Foundation

/// Writes `content` to `path` as UTF-8, replacing the file: for configs, keys and spool
/// files the tests set up.
package func writeFile(_ path: String, _ content: String) throws {
    try Data(content.utf8).write(to: URL(fileURLWithPath: path))
}
