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
