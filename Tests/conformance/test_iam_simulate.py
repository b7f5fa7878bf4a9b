"""SimulatePrincipalPolicy and SimulateCustomPolicy, answered by the evaluator that authorizes real requests."""

from __future__ import annotations

import json

from conftest import allow_policy, expect_error, expect_modelled, unique


def test_simulate_principal_policy_matches_real_decisions(tenant, iam):
    user = tenant.create_user(
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Action": "personalize:Describe*", "Resource": "*"},
                {"Sid": "NoSchemas", "Effect": "Deny", "Action": "personalize:DescribeSchema", "Resource": "*"},
            ],
        }
    )
    schema = tenant.arn("schema/x")
    results = iam.simulate_principal_policy(
        PolicySourceArn=user.arn,
        ActionNames=["personalize:DescribeDatasetGroup", "personalize:DescribeSchema", "personalize:CreateSchema"],
        ResourceArns=[schema],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {
        "personalize:DescribeDatasetGroup": "allowed",
        "personalize:DescribeSchema": "explicitDeny",
        "personalize:CreateSchema": "implicitDeny",
    }
    allowed = next(r for r in results if r["EvalDecision"] == "allowed")
    assert allowed["EvalResourceName"] == schema
    statement = allowed["MatchedStatements"][0]
    assert statement["SourcePolicyId"] == "inline"
    assert statement["SourcePolicyType"] == "user"
    assert statement["StartPosition"]["Line"] >= 1
    # ... and the real requests agree.
    expect_error(lambda: user.personalize.describe_schema(schemaArn=schema), "AccessDeniedException")
    expect_error(lambda: user.personalize.describe_dataset_group(datasetGroupArn=tenant.arn("dataset-group/x")), "ResourceNotFoundException")


def test_missing_context_values_and_context_entries(tenant, iam):
    user = tenant.create_user(policy=allow_policy("personalize:ListSchemas", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    without = iam.simulate_principal_policy(PolicySourceArn=user.arn, ActionNames=["personalize:ListSchemas"])["EvaluationResults"][0]
    assert without["EvalDecision"] == "implicitDeny"
    assert without["MissingContextValues"] == ["aws:SourceIp"]
    inside = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["personalize:ListSchemas"],
        ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}],
    )["EvaluationResults"][0]
    assert inside["EvalDecision"] == "allowed"
    assert inside["MissingContextValues"] == []


def test_simulate_with_groups_boundaries_and_extra_policies(tenant, iam):
    group = unique("g")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/PersimmonPersonalizeRuntimeAccess")
    user = tenant.create_user()
    iam.add_user_to_group(GroupName=group, UserName=user.name)
    result = iam.simulate_principal_policy(PolicySourceArn=user.arn, ActionNames=["personalize:GetRecommendations"])["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "PersimmonPersonalizeRuntimeAccess"
    group_result = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{tenant.account_id}:group/{group}", ActionNames=["personalize:GetRecommendations"]
    )["EvaluationResults"][0]
    assert group_result["EvalDecision"] == "allowed"
    capped = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["personalize:GetRecommendations"],
        PermissionsBoundaryPolicyInputList=[json.dumps(allow_policy("personalize:List*"))],
    )["EvaluationResults"][0]
    assert capped["EvalDecision"] == "implicitDeny"
    assert capped["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    extra = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["personalize:CreateSchema"], PolicyInputList=[json.dumps(allow_policy("personalize:CreateSchema"))]
    )["EvaluationResults"][0]
    assert extra["EvalDecision"] == "allowed"
    expect_modelled(iam, lambda: iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{tenant.account_id}:user/ghost-user", ActionNames=["s3:GetObject"]), "NoSuchEntityException")


def test_simulate_custom_policy(iam):
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "personalize:*", "Resource": "*"},
                {"Effect": "Deny", "NotAction": "personalize:Describe*", "Resource": "arn:aws:personalize:*:*:campaign/prod-*"},
            ],
        }
    )
    results = iam.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["personalize:DescribeCampaign", "personalize:DeleteCampaign"],
        ResourceArns=["arn:aws:personalize:us-east-1:111122223333:campaign/prod-main"],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    # Another account's resource is never allowed by identity policies alone.
    assert decisions["personalize:DeleteCampaign"] == "explicitDeny"
    assert decisions["personalize:DescribeCampaign"] == "implicitDeny"
    mine = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["personalize:ListCampaigns"])["EvaluationResults"][0]
    assert mine["EvalDecision"] == "allowed"
    assert mine["EvalResourceName"] == "*"
    expect_modelled(iam, lambda: iam.simulate_custom_policy(PolicyInputList=["{not json"], ActionNames=["s3:GetObject"]), "InvalidInputException")


def test_paging_simulation_results(iam):
    actions = [f"personalize:Describe{n}" for n in ("Schema", "Dataset", "Solution", "Campaign", "Filter")]
    page = iam.simulate_custom_policy(PolicyInputList=[json.dumps(allow_policy("personalize:*"))], ActionNames=actions, MaxItems=2)
    assert page["IsTruncated"] is True and len(page["EvaluationResults"]) == 2
    names = [r["EvalActionName"] for p in iam.get_paginator("simulate_custom_policy").paginate(
        PolicyInputList=[json.dumps(allow_policy("personalize:*"))], ActionNames=actions, PaginationConfig={"PageSize": 2}) for r in p["EvaluationResults"]]
    assert names == actions


def _bucket_policy(principal, effect="Allow", action="s3:GetObject", resource="arn:aws:s3:::shared/*"):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Share", "Effect": effect, "Principal": principal, "Action": action, "Resource": resource}],
        }
    )


def test_resource_policy_grants_within_the_account(tenant, iam):
    user = tenant.create_user()
    # No identity policy: a resource policy naming the user is enough inside its own account.
    result = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::shared/report.csv"],
        ResourcePolicy=_bucket_policy({"AWS": user.arn}),
    )["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    statement = result["MatchedStatements"][0]
    assert statement["SourcePolicyId"] == "ResourcePolicy"
    assert statement["SourcePolicyType"] == "resource"
    assert statement["StartPosition"] == {"Line": 1, "Column": statement["StartPosition"]["Column"]}
    assert statement["EndPosition"]["Column"] > statement["StartPosition"]["Column"]
    # Same account, a named resource: the details are present but empty; one resource-specific result.
    assert result["EvalDecisionDetails"] == {}
    [specific] = result["ResourceSpecificResults"]
    assert specific["EvalResourceName"] == "arn:aws:s3:::shared/report.csv"
    assert specific["EvalResourceDecision"] == "allowed"
    # A statement for someone else grants nothing; an explicit deny in the resource policy wins over an identity allow.
    other = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::shared/report.csv"],
        ResourcePolicy=_bucket_policy({"AWS": f"arn:aws:iam::{tenant.account_id}:user/somebody-else"}),
    )["EvaluationResults"][0]
    assert other["EvalDecision"] == "implicitDeny"
    denied = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::shared/report.csv"],
        PolicyInputList=[json.dumps(allow_policy("s3:*"))],
        ResourcePolicy=_bucket_policy("*", effect="Deny"),
    )["EvaluationResults"][0]
    assert denied["EvalDecision"] == "explicitDeny"
    assert [s["SourcePolicyType"] for s in denied["MatchedStatements"]] == ["resource"]
    # Without any resource ARN the details are absent.
    star = iam.simulate_principal_policy(PolicySourceArn=user.arn, ActionNames=["s3:ListAllMyBuckets"])["EvaluationResults"][0]
    assert "EvalDecisionDetails" not in star
    assert "ResourceSpecificResults" not in star


def test_cross_account_needs_both_policies_and_reports_each(tenant, iam):
    user = tenant.create_user(policy=allow_policy("s3:GetObject"))
    owner = "arn:aws:iam::444455556666:root"
    resource = "arn:aws:s3:::partner-bucket/data.csv"
    without = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:GetObject"], ResourceArns=[resource], ResourceOwner=owner
    )["EvaluationResults"][0]
    assert without["EvalDecision"] == "implicitDeny"
    assert without["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "implicitDeny"}
    granted = iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:GetObject"], ResourceArns=[resource], ResourceOwner=owner,
        ResourcePolicy=_bucket_policy({"AWS": tenant.account_id}, resource="arn:aws:s3:::partner-bucket/*"),
    )["EvaluationResults"][0]
    assert granted["EvalDecision"] == "allowed"
    assert granted["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "allowed"}
    assert {s["SourcePolicyType"] for s in granted["MatchedStatements"]} == {"user", "resource"}
    # The resource policy alone is not enough across accounts.
    bare = tenant.create_user()
    alone = iam.simulate_principal_policy(
        PolicySourceArn=bare.arn, ActionNames=["s3:GetObject"], ResourceArns=[resource], ResourceOwner=owner,
        ResourcePolicy=_bucket_policy("*", resource="arn:aws:s3:::partner-bucket/*"),
    )["EvaluationResults"][0]
    assert alone["EvalDecision"] == "implicitDeny"
    assert alone["EvalDecisionDetails"] == {"IAM Policy": "implicitDeny", "Resource Policy": "allowed"}


def test_caller_arn_and_missing_context_per_resource(tenant, iam):
    group = unique("g")
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName="read", PolicyDocument=json.dumps(allow_policy("s3:GetObject")))
    group_arn = f"arn:aws:iam::{tenant.account_id}:group/{group}"
    caller = tenant.create_user()
    policy = _bucket_policy({"AWS": caller.arn}, effect="Deny")
    # A group has no caller to match the resource policy's Principal: CallerArn is required.
    expect_modelled(iam, lambda: iam.simulate_principal_policy(
        PolicySourceArn=group_arn, ActionNames=["s3:GetObject"], ResourcePolicy=policy), "InvalidInputException")
    result = iam.simulate_principal_policy(
        PolicySourceArn=group_arn, ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::shared/x"],
        ResourcePolicy=policy, CallerArn=caller.arn,
    )["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    expect_modelled(iam, lambda: iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(allow_policy("s3:*"))], ActionNames=["s3:GetObject"], ResourcePolicy=policy), "InvalidInputException")
    expect_modelled(iam, lambda: iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(allow_policy("s3:*"))], ActionNames=["s3:GetObject"],
        CallerArn=f"arn:aws:iam::{tenant.account_id}:role/not-a-user"), "InvalidInputException")
    expect_modelled(iam, lambda: iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(allow_policy("s3:*"))], ActionNames=["s3:GetObject"],
        ResourceHandlingOption="EC2-Nowhere"), "InvalidInputException")
    ok = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(allow_policy("s3:*"))], ActionNames=["s3:GetObject"],
        ResourceHandlingOption="EC2-VPC-EBS")["EvaluationResults"][0]
    assert ok["EvalDecision"] == "allowed"
    # With named resources, AWS reports missing context keys per resource, not at the top.
    conditional = json.dumps(allow_policy("s3:GetObject", Condition={"StringEquals": {"s3:prefix": "home/"}}))
    named = iam.simulate_custom_policy(
        PolicyInputList=[conditional], ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::shared/x"]
    )["EvaluationResults"][0]
    assert named["MissingContextValues"] == []
    assert named["ResourceSpecificResults"][0]["MissingContextValues"] == ["s3:prefix"]
