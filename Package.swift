// swift-tools-version: 6.0
import PackageDescription

// Versions are exact: packages resolve only from the workplace's mirror, which holds
// these versions (see docs/design.md for why each dependency is here).
let package = Package(
    name: "runwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runwatch", targets: ["runwatch"]),
        .executable(name: "cekura-sim", targets: ["cekura-sim"]),
        .executable(name: "runwatch-demo", targets: ["runwatch-demo"]),
        .executable(name: "runwatch-bench", targets: ["runwatch-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
    ],
    targets: [
        // The pure domain: no I/O, no clock reads, no randomness.
        .target(name: "RunWatchCore"),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // The I/O edges: Cekura client, store, spool, notifiers, systemd, the daemon.
        .target(
            name: "RunWatch",
            dependencies: [
                "RunWatchCore",
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The Cekura simulator and a recording webhook receiver, for tests, demo, benchmarks.
        .target(
            name: "RunWatchTesting",
            dependencies: [
                "RunWatch",
                "RunWatchCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "runwatch",
            dependencies: [
                "RunWatch",
                "RunWatchCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "cekura-sim",
            dependencies: [
                "RunWatchTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "runwatch-demo",
            dependencies: [
                "RunWatch",
                "RunWatchCore",
                "RunWatchTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Benchmarks (scripts/bench): print tables, assert nothing.
        .executableTarget(
            name: "runwatch-bench",
            dependencies: [
                "RunWatch",
                "RunWatchCore",
                "RunWatchTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "RunWatchCoreTests",
            dependencies: ["RunWatchCore", "RunWatchTesting"],
            resources: [.copy("Fixtures")]
        ),
        // Fast tests of the I/O layer against real parts: SQLite files, spool folders, config files.
        .testTarget(
            name: "RunWatchTests",
            dependencies: [
                "RunWatch",
                "RunWatchCore",
                "RunWatchTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The daemon end to end over loopback: simulator, receivers, child processes.
        .testTarget(
            name: "RunWatchEndToEndTests",
            dependencies: [
                "RunWatch",
                "RunWatchCore",
                "RunWatchTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
