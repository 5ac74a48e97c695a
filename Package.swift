// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Pilothouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pilothouse", targets: ["pilothouse"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // Already in the graph (the MCP SDK's and AsyncHTTPClient's); named for the transport's `Logger`.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // No `pkgConfig:` on purpose: ncursesw's pkg-config only adds -D_XOPEN_SOURCE flags that
        // SwiftPM refuses (with a warning on every build); shim.h defines what they would, and
        // module.modulemap links ncursesw from the standard include and library paths.
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(name: "PilothouseCore"),
        .target(
            name: "PilothouseEngine",
            dependencies: [
                "PilothouseCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The SQLite backend of the engine's persistence protocols; the engine itself does not
        // see GRDB, so the compiler keeps storage details out of it.
        .target(
            name: "PilothouseSQLiteStore",
            dependencies: [
                "PilothouseCore", "PilothouseEngine", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // `--metrics`: the Prometheus exposition of the store and the engine's events, served over
        // HTTP/1 by SwiftNIO.
        .target(
            name: "PilothouseMetrics",
            dependencies: [
                "PilothouseCore", "PilothouseEngine",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // `pilothouse mcp`: the MCP server's tools over the operations layer and the store
        // protocols; the executable picks the store and the transport.
        .target(
            name: "PilothouseMCP",
            dependencies: [
                "PilothouseCore", "PilothouseEngine", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The PostgreSQL backend of the same protocols, for a fleet of engines sharing one queue;
        // only this target sees postgres-nio.
        .target(
            name: "PilothousePostgresStore",
            dependencies: [
                "PilothouseCore", "PilothouseEngine", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "PilothouseConsole",
            dependencies: ["PilothouseCore", "CNcurses"]
        ),
        .executableTarget(
            name: "pilothouse",
            dependencies: [
                "PilothouseCore",
                "PilothouseEngine",
                "PilothouseSQLiteStore",
                "PilothousePostgresStore",
                "PilothouseConsole",
                "PilothouseMetrics",
                "PilothouseMCP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Prints frame timings; not part of `swift test`. Run: swift run -c release ConsoleRender
        .executableTarget(
            name: "ConsoleRender", dependencies: ["PilothouseConsole", "PilothouseCore"],
            path: "Benchmarks/ConsoleRender"),
        // Claims per second with several handles on one store. Run: swift run StoreClaims sqlite|postgres://…
        .executableTarget(
            name: "StoreClaims",
            dependencies: [
                "PilothouseCore", "PilothouseEngine", "PilothouseSQLiteStore", "PilothousePostgresStore",
            ],
            path: "Benchmarks/StoreClaims"),
        .testTarget(name: "PilothouseCoreTests", dependencies: ["PilothouseCore"]),
        .testTarget(
            name: "PilothouseEngineTests",
            dependencies: [
                "PilothouseEngine", "PilothouseSQLiteStore", "PilothousePostgresStore", "PilothouseCore",
                "PilothouseMetrics",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PilothouseMCPTests",
            dependencies: [
                "PilothouseMCP", "PilothouseEngine", "PilothouseSQLiteStore", "PilothouseCore",
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
        // Snapshots/ holds recorded pane snapshots that the tests read by path, not bundle resources.
        .testTarget(
            name: "PilothouseConsoleTests", dependencies: ["PilothouseConsole", "PilothouseCore"],
            exclude: ["Snapshots"]),
    ],
    swiftLanguageModes: [.v6]
)
