import Logging

/// Test logs go to stderr at warning and above: quiet when all is well, useful when not.
package func testLogger() -> Logger {
    var logger = Logger(label: "runwatch-test") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = .warning
    return logger
}
