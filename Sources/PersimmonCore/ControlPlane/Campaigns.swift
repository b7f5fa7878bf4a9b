import PersimmonAPIModel

extension ControlPlaneService {
    package func createCampaign(_ input: CreateCampaignRequest, context: OperationContext) async throws
        -> CreateCampaignResponse
    {
        try ResourceManager.checkTagLimit(input.tags)
        var versionARN = input.solutionVersionArn
        if versionARN.hasSuffix("/$LATEST") {
            // `solution/NAME/$LATEST`: the solution's newest ACTIVE version.
            let solution = try await resources.require(
                String(versionARN.dropLast("/$LATEST".count)), kind: .solution, context: context
            )
            guard let latest = try await resources.latestActiveVersion(of: solution.arn, account: context.account) else {
                throw ServiceError(.invalidInput, "The solution \(solution.arn) has no ACTIVE solution version yet.")
            }
            versionARN = latest
        }
        let version = try await resources.requireActive(versionARN, kind: .solutionVersion, context: context)
        guard let solutionARN = version.parentARN else {
            throw ServiceError(.internalFailure, "solution version \(version.arn) has no solution")
        }
        let arn = ResourceARN.make(.campaign, input.name, in: context)
        let campaign = Campaign(
            name: input.name, campaignArn: arn, solutionVersionArn: version.arn,
            minProvisionedTPS: input.minProvisionedTPS ?? 1, campaignConfig: input.campaignConfig,
            status: LifecycleStatus.createPending, creationDateTime: context.now, lastUpdatedDateTime: context.now
        )
        try await resources.create(
            kind: .campaign, name: input.name, arn: arn, parentARN: solutionARN, document: campaign, tags: input.tags,
            context: context
        )
        return CreateCampaignResponse(campaignArn: arn)
    }

    package func describeCampaign(_ input: DescribeCampaignRequest, context: OperationContext) async throws
        -> DescribeCampaignResponse
    {
        DescribeCampaignResponse(
            campaign: try await resources.describe(Campaign.self, arn: input.campaignArn, kind: .campaign, context: context)
        )
    }

    package func listCampaigns(_ input: ListCampaignsRequest, context: OperationContext) async throws
        -> ListCampaignsResponse
    {
        let page = try await resources.listSummaries(
            CampaignSummary.self, kind: .campaign, under: input.solutionArn.map { ($0, .solution) },
            maxResults: input.maxResults, nextToken: input.nextToken, context: context
        )
        return ListCampaignsResponse(campaigns: page.summaries, nextToken: page.nextToken)
    }

    package func updateCampaign(_ input: UpdateCampaignRequest, context: OperationContext) async throws
        -> UpdateCampaignResponse
    {
        let record = try await resources.require(input.campaignArn, kind: .campaign, context: context)
        guard record.status == LifecycleStatus.active else {
            throw ServiceError(
                .resourceInUse,
                "The campaign \(record.arn) is \(record.status ?? "unavailable"); it must be ACTIVE to update."
            )
        }
        var campaign = try ResourceManager.decode(Campaign.self, from: record)
        if let versionARN = input.solutionVersionArn {
            let version = try await resources.requireActive(versionARN, kind: .solutionVersion, context: context)
            guard version.parentARN == record.parentARN else {
                throw ServiceError(
                    .invalidInput,
                    "The solution version \(version.arn) belongs to another solution than the campaign's."
                )
            }
            campaign.solutionVersionArn = version.arn
        }
        if let tps = input.minProvisionedTPS { campaign.minProvisionedTPS = tps }
        if let config = input.campaignConfig { campaign.campaignConfig = config }
        campaign.lastUpdatedDateTime = context.now
        // The switch is atomic for readers: serving reads the document, which now names the new version.
        campaign.latestCampaignUpdate = CampaignUpdateSummary(
            solutionVersionArn: campaign.solutionVersionArn, minProvisionedTPS: campaign.minProvisionedTPS,
            campaignConfig: campaign.campaignConfig, status: LifecycleStatus.active, creationDateTime: context.now,
            lastUpdatedDateTime: context.now
        )
        try await resources.replaceDocument(record, with: campaign, now: context.now)
        ServingLookups.invalidateAll()
        return UpdateCampaignResponse(campaignArn: record.arn)
    }

    package func deleteCampaign(_ input: DeleteCampaignRequest, context: OperationContext) async throws {
        let record = try await resources.require(input.campaignArn, kind: .campaign, context: context)
        try await resources.beginDelete(record, context: context)
        ServingLookups.invalidateAll()
    }
}

extension ResourceManager {
    /// The newest ACTIVE solution version of a solution (by creation time), if any.
    package func latestActiveVersion(of solutionARN: String, account: AccountID) async throws -> String? {
        var newest: ResourceRecord?
        var cursor: ListCursor?
        repeat {
            let page = try await store.list(
                account: account,
                ResourceQuery(
                    kind: .solutionVersion, parentARN: solutionARN, statuses: [LifecycleStatus.active], after: cursor,
                    limit: 500
                )
            )
            for record in page where newest.map({ record.createdAt >= $0.createdAt }) ?? true { newest = record }
            cursor = page.count == 500 ? page.last.map { ListCursor(createdAt: $0.createdAt, arn: $0.arn) } : nil
        } while cursor != nil
        return newest?.arn
    }
}
