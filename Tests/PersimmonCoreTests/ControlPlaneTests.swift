import PersimmonAPIModel
import PersimmonCore
import Testing

@Suite struct DatasetGroupTests {
    @Test("a dataset group starts CREATE PENDING and becomes ACTIVE once its job runs")
    func lifecycle() async throws {
        let h = try Harness()
        let created = try await h.service.createDatasetGroup(.init(name: "movies"), context: h.context())
        #expect(created.datasetGroupArn == "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies")
        let arn = try #require(created.datasetGroupArn)
        var group = try await h.service.describeDatasetGroup(.init(datasetGroupArn: arn), context: h.context())
        #expect(group.datasetGroup?.status == "CREATE PENDING")
        try await h.runJobs()
        group = try await h.service.describeDatasetGroup(.init(datasetGroupArn: arn), context: h.context())
        #expect(group.datasetGroup?.status == "ACTIVE")
        #expect(group.datasetGroup?.name == "movies")
    }

    @Test("a second dataset group with the same name is ResourceAlreadyExists")
    func duplicateName() async throws {
        let h = try Harness()
        _ = try await h.service.createDatasetGroup(.init(name: "movies"), context: h.context())
        let error = await #expect(throws: ServiceError.self) {
            _ = try await h.service.createDatasetGroup(.init(name: "movies"), context: h.context())
        }
        #expect(error?.code == .resourceAlreadyExists)
    }

    @Test("another account's ARN is AccessDenied whether or not it exists")
    func crossAccount() async throws {
        let h = try Harness()
        let arn = try #require(
            try await h.service.createDatasetGroup(.init(name: "movies"), context: h.context()).datasetGroupArn
        )
        let other = h.context("444455556666")
        let existing = await #expect(throws: ServiceError.self) {
            _ = try await h.service.describeDatasetGroup(.init(datasetGroupArn: arn), context: other)
        }
        let missing = await #expect(throws: ServiceError.self) {
            _ = try await h.service.describeDatasetGroup(
                .init(datasetGroupArn: arn.replacingSuffix("movies", with: "nothing")), context: other
            )
        }
        #expect(existing?.code == .accessDenied)
        #expect(missing?.code == .accessDenied)
        #expect(existing?.message.contains("dataset-group/movies") == true)
        let listed = try await h.service.listDatasetGroups(.init(), context: other)
        #expect(listed.datasetGroups?.isEmpty == true)
    }

    @Test("deleting a dataset group that still has a dataset is ResourceInUse; after the dataset goes, it goes")
    func deleteInUse() async throws {
        let h = try Harness()
        let ctx = h.context()
        let group = try #require(try await h.service.createDatasetGroup(.init(name: "g"), context: ctx).datasetGroupArn)
        let schema = try #require(
            try await h.service.createSchema(.init(name: "s", schema: Harness.interactionsSchema), context: ctx)
                .schemaArn
        )
        try await h.runJobs()
        let dataset = try #require(
            try await h.service.createDataset(
                .init(name: "d", schemaArn: schema, datasetGroupArn: group, datasetType: "Interactions"), context: ctx
            ).datasetArn
        )
        #expect(dataset == "arn:aws:personalize:us-east-1:111122223333:dataset/g/INTERACTIONS")
        try await h.runJobs()
        let inUse = await #expect(throws: ServiceError.self) {
            try await h.service.deleteDatasetGroup(.init(datasetGroupArn: group), context: ctx)
        }
        #expect(inUse?.code == .resourceInUse)
        let schemaInUse = await #expect(throws: ServiceError.self) {
            try await h.service.deleteSchema(.init(schemaArn: schema), context: ctx)
        }
        #expect(schemaInUse?.code == .resourceInUse)

        try await h.service.deleteDataset(.init(datasetArn: dataset), context: ctx)
        let pending = try await h.service.describeDataset(.init(datasetArn: dataset), context: ctx)
        #expect(pending.dataset?.status == "DELETE PENDING")
        try await h.runJobs()
        try await h.service.deleteDatasetGroup(.init(datasetGroupArn: group), context: ctx)
        try await h.runJobs()
        let gone = await #expect(throws: ServiceError.self) {
            _ = try await h.service.describeDatasetGroup(.init(datasetGroupArn: group), context: ctx)
        }
        #expect(gone?.code == .resourceNotFound)
        try await h.service.deleteSchema(.init(schemaArn: schema), context: ctx)
    }

    @Test("pages cover every dataset group once, and a token works only for its own account")
    func pagination() async throws {
        let h = try Harness()
        for i in 0..<25 {
            h.clock.advance(by: 1)
            _ = try await h.service.createDatasetGroup(.init(name: "g\(i)"), context: h.context(operation: "C"))
        }
        var seen: [String] = []
        var token: String?
        let ctx = h.context(operation: "ListDatasetGroups")
        repeat {
            let page = try await h.service.listDatasetGroups(.init(nextToken: token, maxResults: 10), context: ctx)
            seen += page.datasetGroups?.compactMap(\.name) ?? []
            token = page.nextToken
            if let token {
                let foreign = await #expect(throws: ServiceError.self) {
                    _ = try await h.service.listDatasetGroups(
                        .init(nextToken: token), context: h.context("444455556666", operation: "ListDatasetGroups")
                    )
                }
                #expect(foreign?.code == .invalidNextToken)
            }
        } while token != nil
        #expect(seen.count == 25)
        #expect(Set(seen).count == 25)
        #expect(seen.first == "g24")  // newest first

        let tampered = await #expect(throws: ServiceError.self) {
            _ = try await h.service.listDatasetGroups(.init(nextToken: "not-a-token"), context: ctx)
        }
        #expect(tampered?.code == .invalidNextToken)
    }
}

@Suite struct SchemaAndDatasetTests {
    @Test("a schema that breaks Personalize's rules is InvalidInput with the reason")
    func invalidSchema() async throws {
        let h = try Harness()
        let error = await #expect(throws: ServiceError.self) {
            _ = try await h.service.createSchema(.init(name: "bad", schema: "{not json"), context: h.context())
        }
        #expect(error?.code == .invalidInput)
    }

    @Test("an Items schema cannot back an Interactions dataset")
    func schemaMustFitType() async throws {
        let h = try Harness()
        let ctx = h.context()
        let group = try #require(try await h.service.createDatasetGroup(.init(name: "g"), context: ctx).datasetGroupArn)
        let items = try #require(
            try await h.service.createSchema(.init(name: "items", schema: Harness.itemsSchema), context: ctx).schemaArn
        )
        let error = await #expect(throws: ServiceError.self) {
            _ = try await h.service.createDataset(
                .init(name: "d", schemaArn: items, datasetGroupArn: group, datasetType: "Interactions"), context: ctx
            )
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("USER_ID") == true)
    }

    @Test("a dataset group holds one dataset per type")
    func oneDatasetPerType() async throws {
        let h = try Harness()
        let ctx = h.context()
        let group = try #require(try await h.service.createDatasetGroup(.init(name: "g"), context: ctx).datasetGroupArn)
        let schema = try #require(
            try await h.service.createSchema(.init(name: "s", schema: Harness.interactionsSchema), context: ctx)
                .schemaArn
        )
        _ = try await h.service.createDataset(
            .init(name: "a", schemaArn: schema, datasetGroupArn: group, datasetType: "Interactions"), context: ctx
        )
        let error = await #expect(throws: ServiceError.self) {
            _ = try await h.service.createDataset(
                .init(name: "b", schemaArn: schema, datasetGroupArn: group, datasetType: "interactions"), context: ctx
            )
        }
        #expect(error?.code == .resourceAlreadyExists)
    }
}

@Suite struct TagAndRecipeTests {
    @Test("tags round-trip, and more than 50 is TooManyTags")
    func tags() async throws {
        let h = try Harness()
        let ctx = h.context()
        let arn = try #require(
            try await h.service.createDatasetGroup(
                .init(name: "g", tags: [Tag(tagKey: "team", tagValue: "recs")]), context: ctx
            ).datasetGroupArn
        )
        _ = try await h.service.tagResource(
            .init(resourceArn: arn, tags: [Tag(tagKey: "env", tagValue: "prod")]), context: ctx)
        var tags = try await h.service.listTagsForResource(.init(resourceArn: arn), context: ctx).tags ?? []
        #expect(tags.map(\.tagKey) == ["env", "team"])
        _ = try await h.service.untagResource(.init(resourceArn: arn, tagKeys: ["team"]), context: ctx)
        tags = try await h.service.listTagsForResource(.init(resourceArn: arn), context: ctx).tags ?? []
        #expect(tags.map(\.tagKey) == ["env"])
        let many = (0..<50).map { Tag(tagKey: "k\($0)", tagValue: "v") }
        let error = await #expect(throws: ServiceError.self) {
            _ = try await h.service.tagResource(.init(resourceArn: arn, tags: many), context: ctx)
        }
        #expect(error?.code == .tooManyTags)
    }

    @Test("the recipe catalogue lists AWS's recipes and describes their algorithms")
    func recipes() async throws {
        let h = try Harness()
        let catalog = try Catalog.load()
        #expect(catalog.recipes.count >= 20)
        let ctx = h.context(operation: "ListRecipes")
        let all = try await h.service.listRecipes(.init(), context: ctx)
        let arns = Set(all.recipes?.compactMap(\.recipeArn) ?? [])
        #expect(arns.contains("arn:aws:personalize:::recipe/aws-user-personalization"))
        #expect(arns.contains("arn:aws:personalize:::recipe/aws-sims"))
        let ecommerce = try await h.service.listRecipes(.init(domain: "ECOMMERCE"), context: ctx)
        #expect(ecommerce.recipes?.isEmpty == false)
        #expect(ecommerce.recipes?.allSatisfy { $0.domain == "ECOMMERCE" } == true)

        let sims = try await h.service.describeRecipe(
            .init(recipeArn: "arn:aws:personalize:::recipe/aws-sims"), context: ctx
        )
        let algorithmArn = try #require(sims.recipe?.algorithmArn)
        let algorithm = try await h.service.describeAlgorithm(.init(algorithmArn: algorithmArn), context: ctx)
        #expect(algorithm.algorithm?.algorithmArn == algorithmArn)

        let missing = await #expect(throws: ServiceError.self) {
            _ = try await h.service.describeRecipe(.init(recipeArn: "arn:aws:personalize:::recipe/nope"), context: ctx)
        }
        #expect(missing?.code == .resourceNotFound)

        var paged: [String] = []
        var token: String?
        repeat {
            let page = try await h.service.listRecipes(.init(nextToken: token, maxResults: 7), context: ctx)
            paged += page.recipes?.compactMap(\.recipeArn) ?? []
            token = page.nextToken
        } while token != nil
        #expect(Set(paged) == arns)
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
