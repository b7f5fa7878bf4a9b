import Foundation
import PersimmonIAM
import Testing

@Suite("Generated Personalize authorization table")
struct PersonalizeAuthorizationTests {
    @Test("covers the 79 operations of the three APIs, each with its same-named action")
    func coverage() {
        let rows = PersonalizeAuthorization.operations
        #expect(rows.count == 79)
        #expect(rows.filter { $0.service == "personalize" }.count == 71)
        #expect(rows.filter { $0.service == "personalize-runtime" }.count == 3)
        #expect(rows.filter { $0.service == "personalize-events" }.count == 5)
        #expect(PersonalizeAuthorization.byOperation.count == 79)
        for row in rows {
            #expect(row.action == "personalize:\(row.operation)")
        }
        #expect(
            PersonalizeAuthorization.actionsWithoutOperation == [
                "personalize:CreateDataInsightsJob", "personalize:DescribeDataInsightsJob",
                "personalize:GetDataInsights", "personalize:ListDataInsightsJobs",
            ]
        )
    }

    @Test(
        "actions without a resource type authorize against *",
        arguments: [
            "personalize:ListDatasetGroups", "personalize:ListSolutionVersions", "personalize:TagResource",
            "personalize:UntagResource", "personalize:ListTagsForResource", "personalize-events:PutEvents",
            "personalize-events:PutActionInteractions",
        ]
    )
    func wildcardOperations(key: String) throws {
        let row = try #require(PersonalizeAuthorization.byOperation[key])
        #expect(row.resource == .wildcard)
        #expect(row.resourceTypes.isEmpty)
        #expect(row.resource.resourceARN(partition: "aws", region: "us-east-1", account: "1") { _ in nil } == "*")
    }

    @Test(
        "operations on an existing resource read its ARN from the input",
        arguments: [
            ("personalize:DescribeDatasetGroup", "datasetGroupArn", "datasetGroup"),
            ("personalize:DeleteCampaign", "campaignArn", "campaign"),
            ("personalize:DescribeSolutionVersion", "solutionVersionArn", "solution"),
            ("personalize:CreateSolutionVersion", "solutionArn", "solution"),
            ("personalize:DescribeRecipe", "recipeArn", "recipe"),
            ("personalize-events:PutItems", "datasetArn", "dataset"),
            ("personalize-runtime:GetPersonalizedRanking", "campaignArn", "campaign"),
        ]
    )
    func inputMembers(key: String, member: String, resourceType: String) throws {
        let row = try #require(PersonalizeAuthorization.byOperation[key])
        #expect(row.resource == .inputMember([member]))
        #expect(row.resourceTypes == [resourceType])
        let arn = row.resource.resourceARN(partition: "aws", region: "us-east-1", account: "1") { name in
            name == member ? "arn:aws:personalize:us-east-1:1:x/y" : nil
        }
        #expect(arn == "arn:aws:personalize:us-east-1:1:x/y")
    }

    @Test("GetRecommendations takes a campaign or a recommender ARN")
    func getRecommendations() throws {
        let row = try #require(
            PersonalizeAuthorization.authorization(service: "personalize-runtime", operation: "GetRecommendations"))
        #expect(row.resource == .inputMember(["campaignArn", "recommenderArn"]))
        let recommender = "arn:aws:personalize:us-east-1:1:recommender/r"
        let arn = row.resource.resourceARN(partition: "aws", region: "us-east-1", account: "1") { name in
            name == "recommenderArn" ? recommender : nil
        }
        #expect(arn == recommender)
    }

    @Test("create operations build the new resource's ARN from its name")
    func createTemplates() throws {
        let group = try #require(PersonalizeAuthorization.byOperation["personalize:CreateDatasetGroup"])
        #expect(group.resource == .template("arn:${Partition}:personalize:${Region}:${Account}:dataset-group/${name}"))
        let input = ["name": "movies", "roleArn": "arn:aws:iam::111122223333:role/p"]
        #expect(
            group.resource.resourceARN(partition: "aws", region: "eu-west-1", account: "111122223333") { input[$0] }
                == "arn:aws:personalize:eu-west-1:111122223333:dataset-group/movies"
        )
        let job = try #require(PersonalizeAuthorization.byOperation["personalize:CreateDatasetImportJob"])
        #expect(
            job.resource.resourceARN(partition: "aws", region: "eu-west-1", account: "1") {
                $0 == "jobName" ? "import-1" : nil
            }
                == "arn:aws:personalize:eu-west-1:1:dataset-import-job/import-1"
        )
        let dataset = try #require(PersonalizeAuthorization.byOperation["personalize:CreateDataset"])
        let datasetInput = [
            "name": "interactions", "datasetType": "Interactions",
            "datasetGroupArn": "arn:aws:personalize:eu-west-1:1:dataset-group/movies",
        ]
        #expect(
            dataset.resource.resourceARN(partition: "aws", region: "eu-west-1", account: "1") { datasetInput[$0] }
                == "arn:aws:personalize:eu-west-1:1:dataset/movies/INTERACTIONS"
        )
        // A missing member: no ARN.
        #expect(group.resource.resourceARN(partition: "aws", region: "eu-west-1", account: "1") { _ in nil } == nil)
    }

    @Test("tags on create need personalize:TagResource; a roleArn needs iam:PassRole")
    func additionalAuthorizations() throws {
        let group = try #require(PersonalizeAuthorization.byOperation["personalize:CreateDatasetGroup"])
        #expect(group.tagsMember == "tags")
        #expect(group.additionalAuthorizations.map(\.action) == ["personalize:TagResource", "iam:PassRole"])
        let passRole = try #require(group.additionalAuthorizations.last)
        #expect(passRole.member == "roleArn")
        #expect(passRole.resource == .inputMember(["roleArn"]))
        #expect(passRole.context == ["iam:PassedToService": "personalize.amazonaws.com"])
        #expect(group.additionalAuthorizations.first?.resource == .wildcard)

        let withRole = PersonalizeAuthorization.operations.filter { row in
            row.additionalAuthorizations.contains { $0.action == "iam:PassRole" }
        }
        #expect(
            Set(withRole.map(\.operation)) == [
                "CreateBatchInferenceJob", "CreateBatchSegmentJob", "CreateDataDeletionJob", "CreateDatasetExportJob",
                "CreateDatasetGroup", "CreateDatasetImportJob",
            ]
        )
        let schema = try #require(PersonalizeAuthorization.byOperation["personalize:CreateSchema"])
        #expect(schema.additionalAuthorizations.isEmpty)
        #expect(schema.tagsMember == nil)
        let untag = try #require(PersonalizeAuthorization.byOperation["personalize:UntagResource"])
        #expect(untag.tagsMember == "tagKeys")
        #expect(untag.additionalAuthorizations.isEmpty)
    }

    @Test(
        "agrees with the Service Authorization Reference extract",
        .enabled(if: SharedCases.serviceReferenceURL != nil)
    )
    func matchesReference() throws {
        let url = try #require(SharedCases.serviceReferenceURL)
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let actions = try #require(reference["actions"] as? [String: [String: Any]])
        for row in PersonalizeAuthorization.operations {
            let action = try #require(actions[row.operation], "\(row.operation) is not in the reference")
            #expect(action["access_level"] as? String == row.accessLevel)
            let types = (action["resource_types"] as? [[String: Any]] ?? []).compactMap {
                $0["resource_type"] as? String
            }
            .filter { !$0.isEmpty }
            #expect(types == row.resourceTypes, "\(row.operation)")
            #expect((row.resource == .wildcard) == types.isEmpty, "\(row.operation)")
        }
    }
}

extension SharedCases {
    /// `shared/iam-service-reference/personalize.json`, when the shared folder is present.
    static let serviceReferenceURL: URL? = {
        guard let root = coreEngineRoot else { return nil }
        let url = root.appendingPathComponent("../../../iam-service-reference/personalize.json").standardizedFileURL
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()
}
