import ArgumentParser
import RunWatch

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file without starting (exit 0 when valid)."
    )

    @OptionGroup var options: ConfigOption

    func run() throws {
        _ = try loadConfiguration(options.config)
        print("\(options.config): OK")
    }
}
