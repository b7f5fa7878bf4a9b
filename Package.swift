// swift-tools-version:6.2
import PackageDescription

// PersimmonKernelsWide alone is compiled for x86-64-v3 on x86-64 hosts (see its doc comment); elsewhere it is an
// ordinary build.
#if arch(x86_64)
let wideVectorSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let wideVectorSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "persimmon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "persimmon", targets: ["persimmon"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // Pure modules: no IO library.
        .target(
            name: "PersimmonSigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "PersimmonAPIModel"),
        .target(name: "PersimmonCatalog"),
        .target(name: "PersimmonIAM"),
        .target(name: "PersimmonRecipes", dependencies: ["PersimmonKernelsWide"]),
        // The weighted-ALS inner loop built for x86-64-v3 (AVX2 + FMA), called only after a CPU check.
        .target(name: "PersimmonKernelsWide", swiftSettings: wideVectorSettings),
        .target(name: "PersimmonFilters"),
        .target(name: "PersimmonData", dependencies: ["PersimmonCatalog"]),
        .target(
            name: "PersimmonCore",
            dependencies: [
                "PersimmonAPIModel",
                "PersimmonCatalog",
                "PersimmonFilters",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // IO modules.
        .target(
            name: "PersimmonStore",
            dependencies: [
                "PersimmonCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "PersimmonWorkers",
            dependencies: [
                "PersimmonCore",
                "PersimmonS3",
                "PersimmonData",
                "PersimmonCatalog",
                "PersimmonAPIModel",
                "PersimmonRecipes",
                "PersimmonFilters",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "PersimmonHTTP",
            dependencies: [
                "PersimmonCore",
                "PersimmonAPIModel",
                "PersimmonSigV4",
                "PersimmonIAM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .target(
            name: "PersimmonS3",
            dependencies: [
                "PersimmonSigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Composition root.
        .target(
            name: "PersimmonServer",
            dependencies: [
                "PersimmonCore",
                "PersimmonStore",
                "PersimmonWorkers",
                "PersimmonS3",
                "PersimmonHTTP",
                "PersimmonSigV4",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "persimmon",
            dependencies: [
                "PersimmonServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "persimmon-bench-import", dependencies: ["PersimmonData", "PersimmonCatalog"],
            path: "Sources/persimmon-bench-import"
        ),
        .executableTarget(
            name: "persimmon-bench-recipes", dependencies: ["PersimmonRecipes"],
            path: "Sources/persimmon-bench-recipes"
        ),
        .testTarget(name: "PersimmonSigV4Tests", dependencies: ["PersimmonSigV4"]),
        .testTarget(name: "PersimmonCatalogTests", dependencies: ["PersimmonCatalog"]),
        .testTarget(name: "PersimmonIAMTests", dependencies: ["PersimmonIAM"]),
        .testTarget(name: "PersimmonS3Tests", dependencies: ["PersimmonS3"]),
        .testTarget(name: "PersimmonRecipesTests", dependencies: ["PersimmonRecipes"]),
        .testTarget(name: "PersimmonFiltersTests", dependencies: ["PersimmonFilters"]),
        .testTarget(name: "PersimmonDataTests", dependencies: ["PersimmonData", "PersimmonCatalog"]),
        .testTarget(name: "PersimmonAPIModelTests", dependencies: ["PersimmonAPIModel"]),
        .testTarget(name: "PersimmonCoreTests", dependencies: ["PersimmonCore", "PersimmonAPIModel"]),
        .testTarget(name: "PersimmonWorkersTests", dependencies: ["PersimmonWorkers", "PersimmonCore"]),
        .testTarget(name: "PersimmonStoreTests", dependencies: ["PersimmonStore", "PersimmonCore"]),
        .testTarget(
            name: "PersimmonHTTPTests",
            dependencies: [
                "PersimmonHTTP", "PersimmonServer", "PersimmonSigV4",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)

let isCI = Context.environment["CI"] != nil
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    if isCI {
        settings.append(.treatAllWarnings(as: .error))
    }
    target.swiftSettings = settings
}
