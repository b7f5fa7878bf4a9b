import Foundation
import Hummingbird
import Logging
import NIOCore
import PersimmonCore
import PersimmonHTTP
import PersimmonS3
import PersimmonStore
import PersimmonWorkers
import ServiceLifecycle
import UnixSignals

/// The composition root: the only place that knows every concrete type.
package enum PersimmonServer {
    /// Opens the configured database: PostgreSQL when a URL is given, else SQLite in the data directory.
    /// - Returns: the storage and, for PostgreSQL, the connection pool service that must run in the group.
    package static func openStorage(_ configuration: ServerConfiguration, dataDirectory: DataDirectory, logger: Logger)
        throws -> (storage: any PersimmonStorage, service: (any Service)?)
    {
        if let url = configuration.databaseURL {
            let postgres = try PostgresStorage(url: url, logger: logger)
            return (postgres, postgres)
        }
        return (try SQLiteStorage(path: dataDirectory.databasePath), nil)
    }

    /// The request-serving graph over a storage: shared by `serve` and the HTTP tests.
    ///
    /// `audit` must be run (``AuditRecorderService``) for events to be written in the background; without it they
    /// are written whenever the trail is read. `compute` runs CPU-heavy IAM work (password hashes): `serve` passes the
    /// compute pool; tests may run it inline.
    package static func makeComponents(
        storage: any PersimmonStorage, box: SecretBox, clock: any WallClock,
        operatorCredentials: DataDirectory.OperatorCredentials, region: String,
        locations: any DataLocations = NoDataLocations(), trustedProxies: TrustedProxies = TrustedProxies(),
        engine: any RecommendationEngine = NoRecommendationEngine(), sink: any EventSink = NoEventSink(),
        compute: any ComputeExecutor = InlineComputeExecutor(), logger: Logger = Logger(label: "persimmon"),
        datasetStats: (any DatasetStatsSource)? = nil
    ) -> (frontDoor: FrontDoor, resources: ResourceManager, accounts: AccountService, audit: AuditRecorder) {
        let accounts = AccountService(
            store: storage, box: box, clock: clock, operatorAccessKeyID: operatorCredentials.AccessKeyId,
            operatorSecret: operatorCredentials.SecretAccessKey
        )
        let tokens = PageTokenCodec(box: box)
        let resources = ResourceManager(store: storage, jobs: storage, tokens: tokens)
        let (apis, security) = makeIAM(
            storage: storage, box: box, clock: clock, accounts: accounts, tokens: tokens, region: region,
            trustedProxies: trustedProxies, compute: compute, logger: logger, datasetStats: datasetStats)
        let frontDoor = FrontDoor(
            apis: FrontDoor.APIs(
                controlPlane: ControlPlaneService(resources: resources, locations: locations),
                runtime: RuntimeService(resources: resources, engine: engine),
                events: EventsService(resources: resources, sink: sink),
                admin: apis.admin, iam: apis.iam, sts: apis.sts, organizations: apis.organizations,
                cloudTrail: apis.cloudTrail
            ),
            security: security,
            region: region,
            clock: clock
        )
        return (frontDoor, resources, accounts, security.audit)
    }

    /// IAM, STS, Organizations, CloudTrail and the admin API, with the authorizer and the audit recorder.
    static func makeIAM(
        storage: any PersimmonStorage, box: SecretBox, clock: any WallClock, accounts: AccountService,
        tokens: PageTokenCodec, region: String, trustedProxies: TrustedProxies, compute: any ComputeExecutor,
        logger: Logger, datasetStats: (any DatasetStatsSource)? = nil
    ) -> (
        apis: (admin: AdminAPI, iam: IAMAPI, sts: STSAPI, organizations: OrganizationsAPI, cloudTrail: CloudTrailAPI),
        security: FrontDoor.Security
    ) {
        let cache = IAMSnapshotCache(store: storage)
        let audit = AuditRecorder(store: storage, logger: logger)
        let directory = AccountDirectory(store: storage, clock: clock)
        let cloudTrail = CloudTrailAPI(store: storage, recorder: audit, tokens: tokens)
        let iam = IAMAPI(
            service: IAMService(store: storage, credentials: storage, cache: cache, box: box, compute: compute),
            simulator: PolicySimulator(cache: cache),
            lastUse: { account, keyID in
                await audit.flush()
                return try await storage.auditEvents(account: account, AuditQuery(accessKeyID: keyID, limit: 1)).first
            }
        )
        let security = FrontDoor.Security(
            authenticator: Authenticator(accounts: accounts, region: region),
            authorizer: Authorizer(cache: cache),
            resourceTags: { account, arn in try await storage.tags(account: account, arn: arn) },
            audit: audit, trustedProxies: trustedProxies
        )
        return (
            (
                AdminAPI(
                    accounts: accounts, directory: directory, audit: cloudTrail, clock: clock,
                    datasetStats: datasetStats
                ), iam,
                STSAPI(cache: cache), OrganizationsAPI(accounts: accounts, directory: directory), cloudTrail
            ),
            security
        )
    }

    /// The S3 endpoint and import root that data locations may name.
    static func makeDataSources(_ configuration: ServerConfiguration) throws -> DataSources {
        var s3: S3Client?
        if let endpoint = configuration.s3EndpointURL, let keyID = configuration.s3AccessKeyID,
            let secret = configuration.s3SecretAccessKey
        {
            s3 = try S3Client(
                configuration: S3Configuration(
                    endpointURL: endpoint, region: configuration.s3Region ?? configuration.region,
                    accessKeyID: keyID, secretAccessKey: secret, pathStyle: configuration.s3PathStyle
                )
            )
        }
        return try DataSources(s3: s3, importRoot: configuration.importRoot)
    }

    /// The shared dataset store (`--dataset-store s3://bucket/prefix`), or nil to keep datasets local.
    static func makeSharedDatasetStore(_ configuration: ServerConfiguration) throws -> SharedDatasetStore? {
        guard let url = configuration.datasetStoreURL, let endpoint = configuration.s3EndpointURL,
            let keyID = configuration.s3AccessKeyID, let secret = configuration.s3SecretAccessKey
        else { return nil }
        let client = try S3Client(
            configuration: S3Configuration(
                endpointURL: endpoint, region: configuration.s3Region ?? configuration.region,
                accessKeyID: keyID, secretAccessKey: secret, pathStyle: configuration.s3PathStyle
            )
        )
        return try SharedDatasetStore(url: url, client: client)
    }

    /// Runs migrations and exits: `persimmon migrate`.
    package static func migrate(_ configuration: ServerConfiguration, logger: Logger) async throws {
        try configuration.validate()
        let dataDirectory = try DataDirectory(path: configuration.dataDirectory)
        let (storage, service) = try openStorage(configuration, dataDirectory: dataDirectory, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let service { group.addTask { try await service.run() } }
            try await storage.migrate()
            try await storage.close()
            group.cancelAll()
        }
    }

    /// Starts the server and runs until SIGTERM or SIGINT.
    /// - Parameter onListening: called with the bound address once the socket is listening.
    package static func serve(
        _ configuration: ServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void
    ) async throws {
        try configuration.validate()
        let dataDirectory = try DataDirectory(path: configuration.dataDirectory)
        let box = try SecretBox(masterKey: try dataDirectory.masterKey(configured: configuration.masterKey))
        let operatorCredentials = try dataDirectory.operatorCredentials(
            accessKeyID: configuration.operatorAccessKeyID, secret: configuration.operatorSecretAccessKey
        )
        let (storage, storageService) = try openStorage(configuration, dataDirectory: dataDirectory, logger: logger)
        let clock = SystemWallClock()

        let dataSources = try makeDataSources(configuration)
        let pool = ComputePool(threads: configuration.computeThreads)
        let datasetStores = try DatasetStores(
            root: dataDirectory.datasetsPath, shared: makeSharedDatasetStore(configuration))
        let modelFiles = ModelFiles(root: dataDirectory.modelsPath)
        let engine = ModelServer(store: storage, stores: datasetStores, models: modelFiles, pool: pool)
        // PutEvents' durable log; what a crash left in it goes into the datasets before the server answers.
        let eventLog = try EventLog(directory: (dataDirectory.path as NSString).appendingPathComponent("events"))
        let compactor = EventCompactor(
            log: eventLog, stores: datasetStores, pool: pool,
            // Test hook (conformance: recovery from the log alone): no compaction while running.
            automatic: ProcessInfo.processInfo.environment["PERSIMMON_TEST_HOLD_EVENT_LOG"] != "1", logger: logger
        )
        // On the compute pool: with a shared dataset store, its imports wait for S3 calls, which must not block
        // the cooperative pool.
        try await pool.run { try compactor.recover() }
        let parts = makeComponents(
            storage: storage, box: box, clock: clock,
            operatorCredentials: operatorCredentials, region: configuration.region, locations: dataSources,
            trustedProxies: TrustedProxies(parsing: configuration.trustedProxies.joined(separator: ","))
                ?? TrustedProxies(),
            engine: engine,
            sink: EventRecorder(stores: datasetStores, pool: pool, live: engine, compactor: compactor), compute: pool,
            logger: logger,
            datasetStats: DatasetStatsService(
                resources: storage, stores: datasetStores, pool: pool, flushStreamed: { try await compactor.compact() }
            )
        )
        let lifecycle = LifecycleJobHandler(resources: parts.resources, clock: clock) { deleted in
            // A deleted dataset's bulk data goes with it, so a new dataset of the same ARN starts empty.
            guard deleted.kind == .dataset else { return }
            try await pool.run { try datasetStores.remove(account: deleted.account, datasetARN: deleted.arn) }
        }
        let importer = ImportJobHandler(
            resources: parts.resources, stores: datasetStores, sources: dataSources, pool: pool, clock: clock,
            logger: logger
        )
        let exporter = ExportJobHandler(
            resources: parts.resources, stores: datasetStores, sources: dataSources, pool: pool, clock: clock,
            logger: logger, flushStreamed: { try await compactor.compact() }
        )
        let deleter = DataDeletionJobHandler(
            resources: parts.resources, stores: datasetStores, sources: dataSources, pool: pool, clock: clock,
            logger: logger, flushStreamed: { try await compactor.compact() },
            onDeleted: { account, group, users in engine.forget(users: users, account: account, datasetGroupARN: group) }
        )
        let trainer = TrainingJobHandler(
            resources: parts.resources, stores: datasetStores, models: modelFiles,
            pool: pool, threads: configuration.computeThreads, clock: clock, logger: logger,
            flushStreamed: { try await compactor.compact() }
        )
        let batchInference = BatchInferenceJobHandler(
            resources: parts.resources, sources: dataSources, engine: engine, pool: pool, clock: clock, logger: logger
        )
        let worker = JobWorker(
            queue: storage,
            handlers: [lifecycle, importer, exporter, deleter, trainer, batchInference],
            configuration: .init(
                workerID: "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"),
            clock: clock,
            logger: logger
        )
        let app = Application(
            responder: parts.frontDoor,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "persimmon"
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                onListening(configuration.host, port)
            },
            logger: logger
        )
        let gate = StartupGate()
        var services: [any Service] = []
        if let storageService { services.append(storageService) }
        services.append(pool)
        services.append(MigrationService(gate: gate, migrate: { try await storage.migrate() }))
        services.append(GatedService(gate: gate, service: worker))
        services.append(GatedService(gate: gate, service: compactor))
        services.append(
            GatedService(
                gate: gate,
                service: AuditRetentionService(
                    retention: AuditRetention(
                        store: storage, clock: clock, retentionDays: configuration.auditRetentionDays),
                    logger: logger)))
        services.append(
            GatedService(
                gate: gate,
                service: AutoTrainingScheduler(
                    scan: storage, resources: parts.resources, clock: clock, region: configuration.region,
                    newData: AutoTrainingScheduler.interactionsChanged(
                        resources: parts.resources, stores: datasetStores, pool: pool
                    ),
                    logger: logger
                )
            )
        )
        // Before the app: it stops after the listener, writing every buffered audit event.
        services.append(GatedService(gate: gate, service: AuditRecorderService(recorder: parts.audit)))
        services.append(GatedService(gate: gate, service: app))
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        try await storage.close()
    }
}

/// Password hashing (IAM login profiles) runs on the compute pool.
extension ComputePool: ComputeExecutor {}
