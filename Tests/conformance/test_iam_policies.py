"""Managed policies (customer and built-in), versions, attachments, inline policies and permissions boundaries."""

from __future__ import annotations

import json

import pytest

from conftest import allow_policy, error_status, expect_error, expect_modelled, unique

READ_SCHEMAS = allow_policy(["personalize:ListSchemas", "personalize:DescribeSchema"])
BUILT_IN = {
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/service-role/AmazonPersonalizeFullAccess",
    "arn:aws:iam::aws:policy/PersimmonPersonalizeReadOnlyAccess",
    "arn:aws:iam::aws:policy/PersimmonPersonalizeRuntimeAccess",
    "arn:aws:iam::aws:policy/PersimmonPersonalizeEventsAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
}


def test_create_get_and_document_round_trip(tenant, iam):
    name = unique("readers")
    policy = iam.create_policy(PolicyName=name, Path="/team/", PolicyDocument=json.dumps(READ_SCHEMAS), Description="read schemas")["Policy"]
    arn = f"arn:aws:iam::{tenant.account_id}:policy/team/{name}"
    assert policy["Arn"] == arn
    assert policy["DefaultVersionId"] == "v1"
    assert policy["AttachmentCount"] == 0
    assert policy["IsAttachable"] is True
    assert policy["PolicyId"].startswith("ANPA")
    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert got["Description"] == "read schemas"
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    # IAM returns documents URL-encoded; boto3 decodes them into a dict.
    assert version["Document"] == READ_SCHEMAS
    assert version["IsDefaultVersion"] is True
    expect_modelled(iam, lambda: iam.create_policy(PolicyName=name.upper(), PolicyDocument=json.dumps(READ_SCHEMAS)), "EntityAlreadyExistsException")


def test_document_is_returned_percent_encoded_on_the_wire(tenant, iam):
    from conftest import http_request, sign_request

    name = unique("raw")
    arn = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(READ_SCHEMAS))["Policy"]["Arn"]
    body = f"Action=GetPolicyVersion&Version=2010-05-08&PolicyArn={arn}&VersionId=v1".encode()
    headers = sign_request(tenant.server.url, tenant.access_key, tenant.secret_key, body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, service="iam")
    response = http_request(tenant.server.url, "POST", "/", body, headers)
    assert response.status == 200
    assert b"<Document>%7B%22Version%22" in response.body


@pytest.mark.parametrize(
    "document,fragment",
    [
        ("not json", ""),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}), "Effect"),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}), "Action"),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}), "Resource"),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEqualz": {"aws:username": "x"}}}]}), "StringEqualz"),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}]}), "Principal"),
    ],
)
def test_malformed_documents(iam, document, fragment):
    err = expect_modelled(iam, lambda: iam.create_policy(PolicyName=unique("bad"), PolicyDocument=document), "MalformedPolicyDocumentException")
    assert error_status(err) == 400
    assert fragment in err.response["Error"]["Message"]


def test_policy_size_quota(iam):
    big = allow_policy([f"personalize:Describe{'X' * 40}{i}" for i in range(140)])
    err = expect_modelled(iam, lambda: iam.create_policy(PolicyName=unique("big"), PolicyDocument=json.dumps(big)), "LimitExceededException")
    assert err.response["Error"]["Message"] == "Cannot exceed quota for PolicySize: 6144"


def test_versions_at_most_five_default_and_delete_rules(iam):
    arn = iam.create_policy(PolicyName=unique("versioned"), PolicyDocument=json.dumps(READ_SCHEMAS))["Policy"]["Arn"]
    for n in range(2, 6):
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(allow_policy(f"personalize:Describe{n}")), SetAsDefault=(n == 3))["PolicyVersion"]
        assert v["VersionId"] == f"v{n}"
        assert v["IsDefaultVersion"] is (n == 3)
    err = expect_modelled(iam, lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(READ_SCHEMAS)), "LimitExceededException")
    assert "5 versions" in err.response["Error"]["Message"]
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v3"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    err = expect_modelled(iam, lambda: iam.delete_policy_version(PolicyArn=arn, VersionId="v3"), "DeleteConflictException")
    assert err.response["Error"]["Message"] == "Cannot delete the default version of a policy."
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    # Version IDs are never reused.
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(READ_SCHEMAS))["PolicyVersion"]["VersionId"] == "v6"
    expect_modelled(iam, lambda: iam.get_policy_version(PolicyArn=arn, VersionId="v3"), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.set_default_policy_version(PolicyArn=arn, VersionId="v9"), "NoSuchEntityException")
    # DeletePolicy needs the non-default versions gone first.
    expect_modelled(iam, lambda: iam.delete_policy(PolicyArn=arn), "DeleteConflictException")
    for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
        if not v["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
    iam.delete_policy(PolicyArn=arn)
    expect_modelled(iam, lambda: iam.get_policy(PolicyArn=arn), "NoSuchEntityException")


def test_attach_detach_and_list_attached(tenant, iam):
    user, group = unique("u"), unique("g")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    arn = iam.create_policy(PolicyName=unique("p"), PolicyDocument=json.dumps(READ_SCHEMAS))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    attached = iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
    assert {p["PolicyArn"] for p in attached} == {arn, "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}
    assert iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"] == [{"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn}]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 2
    assert arn in [p["Arn"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]]
    err = expect_modelled(iam, lambda: iam.delete_policy(PolicyArn=arn), "DeleteConflictException")
    assert "attached" in err.response["Error"]["Message"]
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    iam.detach_group_policy(GroupName=group, PolicyArn=arn)
    expect_modelled(iam, lambda: iam.detach_user_policy(UserName=user, PolicyArn=arn), "NoSuchEntityException")
    iam.delete_policy(PolicyArn=arn)
    missing = f"arn:aws:iam::{tenant.account_id}:policy/not-there"
    expect_modelled(iam, lambda: iam.attach_user_policy(UserName=user, PolicyArn=missing), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.attach_user_policy(UserName=user, PolicyArn="not-an-arn-at-all-but-long"), "InvalidInputException")


def test_at_most_ten_attached_policies(iam):
    user = unique("many")
    iam.create_user(UserName=user)
    for i in range(10):
        arn = iam.create_policy(PolicyName=unique(f"p{i}"), PolicyDocument=json.dumps(READ_SCHEMAS))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
    err = expect_modelled(iam, lambda: iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess"), "LimitExceededException")
    assert err.response["Error"]["Message"] == "Cannot exceed quota for PoliciesPerUser: 10"


def test_list_policies_scopes_and_built_ins(tenant, iam):
    local = iam.create_policy(PolicyName=unique("mine"), PolicyDocument=json.dumps(READ_SCHEMAS))["Policy"]["Arn"]
    aws = {p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]}
    assert BUILT_IN <= aws
    assert local not in aws
    assert {p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]} == {local}
    every = [p["Arn"] for page in iam.get_paginator("list_policies").paginate(PaginationConfig={"PageSize": 3}) for p in page["Policies"]]
    assert len(every) == len(set(every)) and set(every) == aws | {local}
    full = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonPersonalizeFullAccess")["Policy"]
    assert full["Path"] == "/service-role/"
    doc = iam.get_policy_version(PolicyArn=full["Arn"], VersionId=full["DefaultVersionId"])["PolicyVersion"]["Document"]
    assert {"Effect": "Allow", "Action": ["personalize:*"], "Resource": "*"} in doc["Statement"]
    assert [p["Arn"] for p in iam.list_policies(Scope="AWS", PathPrefix="/service-role/")["Policies"]] == [full["Arn"]]


def test_list_policies_usage_filter_only_attached_and_path(tenant, iam):
    def make(name, path="/"):
        return iam.create_policy(PolicyName=unique(name), Path=path, PolicyDocument=json.dumps(READ_SCHEMAS))["Policy"]["Arn"]

    attached, boundary, unused, team = make("attached"), make("boundary"), make("unused"), make("team", path="/team/a/")
    user = unique("u")
    iam.create_user(UserName=user, PermissionsBoundary=boundary)
    iam.attach_user_policy(UserName=user, PolicyArn=attached)
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")

    def arns(**kwargs):
        return {p["Arn"] for page in iam.get_paginator("list_policies").paginate(**kwargs) for p in page["Policies"]}

    assert arns(Scope="Local") == {attached, boundary, unused, team}
    assert arns(Scope="Local", OnlyAttached=True) == {attached, boundary}
    assert arns(Scope="Local", OnlyAttached=True, PolicyUsageFilter="PermissionsPolicy") == {attached}
    assert arns(Scope="Local", OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary") == {boundary}
    # Without OnlyAttached every policy can serve either way, so the usage filter keeps them all.
    assert arns(Scope="Local", PolicyUsageFilter="PermissionsBoundary") == {attached, boundary, unused, team}
    assert arns(Scope="All", OnlyAttached=True, PolicyUsageFilter="PermissionsPolicy") == {
        attached, "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}
    assert arns(Scope="AWS", OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary") == set()
    assert arns(Scope="Local", PathPrefix="/team/") == {team}
    assert arns(PathPrefix="/team/b/") == set()
    # Moving the boundary moves the listing at once.
    iam.delete_user_permissions_boundary(UserName=user)
    assert arns(Scope="Local", OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary") == set()
    err = expect_error(lambda: tenant.iam_nv.list_policies(PolicyUsageFilter="Sometimes"), "ValidationError")
    assert "policyUsageFilter" in err.response["Error"]["Message"]
    expect_error(lambda: iam.list_policies(PathPrefix="team"), "ValidationError", "InvalidInput")


def test_built_in_policies_cannot_be_changed(iam):
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    for call in (
        lambda: iam.delete_policy(PolicyArn=arn),
        lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(READ_SCHEMAS)),
        lambda: iam.set_default_policy_version(PolicyArn=arn, VersionId="v1"),
        lambda: iam.delete_policy_version(PolicyArn=arn, VersionId="v1"),
    ):
        err = expect_error(call, "AccessDenied")
        assert error_status(err) == 403


def test_another_accounts_policy_is_not_found_or_denied(tenant, tenant_b):
    arn = tenant.iam.create_policy(PolicyName=unique("private"), PolicyDocument=json.dumps(READ_SCHEMAS))["Policy"]["Arn"]
    expect_error(lambda: tenant_b.iam.get_policy(PolicyArn=arn), "AccessDenied")
    user = unique("u")
    tenant_b.iam.create_user(UserName=user)
    expect_error(lambda: tenant_b.iam.attach_user_policy(UserName=user, PolicyArn=arn), "NoSuchEntity")


def test_inline_user_and_group_policies(iam):
    user, group = unique("u"), unique("g")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.put_user_policy(UserName=user, PolicyName="one", PolicyDocument=json.dumps(READ_SCHEMAS))
    iam.put_user_policy(UserName=user, PolicyName="two", PolicyDocument=json.dumps(allow_policy("s3:GetObject")))
    iam.put_user_policy(UserName=user, PolicyName="one", PolicyDocument=json.dumps(allow_policy("s3:PutObject")))  # replaces
    got = iam.get_user_policy(UserName=user, PolicyName="one")
    assert got["UserName"] == user and got["PolicyName"] == "one"
    assert got["PolicyDocument"] == allow_policy("s3:PutObject")
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == ["one", "two"]
    iam.delete_user_policy(UserName=user, PolicyName="two")
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == ["one"]
    err = expect_modelled(iam, lambda: iam.get_user_policy(UserName=user, PolicyName="two"), "NoSuchEntityException")
    assert err.response["Error"]["Message"] == "The user policy with name two cannot be found."
    expect_modelled(iam, lambda: iam.delete_user_policy(UserName=user, PolicyName="two"), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.put_user_policy(UserName=user, PolicyName="bad", PolicyDocument="{}"), "MalformedPolicyDocumentException")
    expect_modelled(iam, lambda: iam.put_user_policy(UserName="ghost-user", PolicyName="x", PolicyDocument=json.dumps(READ_SCHEMAS)), "NoSuchEntityException")

    iam.put_group_policy(GroupName=group, PolicyName="g1", PolicyDocument=json.dumps(READ_SCHEMAS))
    assert iam.get_group_policy(GroupName=group, PolicyName="g1")["PolicyDocument"] == READ_SCHEMAS
    assert iam.list_group_policies(GroupName=group)["PolicyNames"] == ["g1"]
    iam.delete_group_policy(GroupName=group, PolicyName="g1")
    expect_modelled(iam, lambda: iam.get_group_policy(GroupName=group, PolicyName="g1"), "NoSuchEntityException")


def test_user_inline_policies_share_a_2048_character_budget(iam):
    user = unique("budget")
    iam.create_user(UserName=user)
    half = allow_policy([f"personalize:Describe{'Y' * 30}{i}" for i in range(22)])
    iam.put_user_policy(UserName=user, PolicyName="first", PolicyDocument=json.dumps(half))
    err = expect_modelled(iam, lambda: iam.put_user_policy(UserName=user, PolicyName="second", PolicyDocument=json.dumps(half)), "LimitExceededException")
    assert "2048" in err.response["Error"]["Message"]


def test_permissions_boundary_caps_a_user(tenant, iam):
    boundary = iam.create_policy(PolicyName=unique("boundary"), PolicyDocument=json.dumps(allow_policy("personalize:List*")))["Policy"]["Arn"]
    user = tenant.create_user(managed=["arn:aws:iam::aws:policy/PersimmonPersonalizeReadOnlyAccess"])
    user.personalize.describe_recipe(recipeArn="arn:aws:personalize:::recipe/aws-user-personalization")
    iam.put_user_permissions_boundary(UserName=user.name, PermissionsBoundary=boundary)
    got = iam.get_user(UserName=user.name)["User"]
    assert got["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary}
    assert iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    user.personalize.list_recipes()  # allowed by both
    err = expect_error(lambda: user.personalize.describe_recipe(recipeArn="arn:aws:personalize:::recipe/aws-user-personalization"), "AccessDeniedException")
    assert "permissions boundary" in err.response["Error"]["Message"]
    expect_modelled(iam, lambda: iam.delete_policy(PolicyArn=boundary), "DeleteConflictException")
    iam.delete_user_permissions_boundary(UserName=user.name)
    assert "PermissionsBoundary" not in iam.get_user(UserName=user.name)["User"]
    user.personalize.describe_recipe(recipeArn="arn:aws:personalize:::recipe/aws-user-personalization")
    expect_modelled(iam, lambda: iam.put_user_permissions_boundary(UserName=user.name, PermissionsBoundary=f"arn:aws:iam::{tenant.account_id}:policy/missing"), "NoSuchEntityException")
    # A boundary can also be set at creation.
    capped = unique("capped")
    iam.create_user(UserName=capped, PermissionsBoundary=boundary)
    assert iam.get_user(UserName=capped)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
