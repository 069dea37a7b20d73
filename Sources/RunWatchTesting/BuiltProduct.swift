import Foundation

/// The path of a built product (`runwatch`, `cekura-sim`) of the running build: the
/// folder holding it is an ancestor of this executable's folder.
package func builtProduct(_ name: String) -> String {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = exe.deletingLastPathComponent()
    // The test binary lives in `<products>/runwatchPackageTests.xctest` on Linux.
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), folder.path != "/" {
        folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent(name).path
}
