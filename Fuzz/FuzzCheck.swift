/// An invariant failure in a fuzz target: abort, so libFuzzer saves the input as a crash
/// reproducer and prints what broke. Shared by the targets in Fuzz/.
func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("invariant failed: \(what())") }
}
