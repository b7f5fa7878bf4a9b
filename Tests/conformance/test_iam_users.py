"""IAM users over the query protocol with unmodified boto3: create, get, list (paths, Marker/IsTruncated), update,
delete (DeleteConflict while anything remains), tags; errors with IAM's codes and statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, error_status, expect_error, expect_modelled, unique


def test_create_get_and_the_user_shape(tenant, iam):
    name = unique("alice")
    created = iam.create_user(UserName=name, Path="/eng/", Tags=[{"Key": "team", "Value": "recs"}])["User"]
    assert created["UserName"] == name
    assert created["Path"] == "/eng/"
    assert created["Arn"] == f"arn:aws:iam::{tenant.account_id}:user/eng/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert isinstance(created["CreateDate"], dt.datetime) and created["CreateDate"].tzinfo is not None
    assert created["Tags"] == [{"Key": "team", "Value": "recs"}]
    got = iam.get_user(UserName=name)["User"]
    assert got["UserId"] == created["UserId"]
    assert got["Tags"] == [{"Key": "team", "Value": "recs"}]
    # Names are case-insensitive: the same user answers under another case.
    assert iam.get_user(UserName=name.upper())["User"]["UserName"] == name


def test_duplicate_user_in_any_case_is_entity_already_exists(iam):
    name = unique("bob")
    iam.create_user(UserName=name)
    err = expect_modelled(iam, lambda: iam.create_user(UserName=name.upper()), "EntityAlreadyExistsException")
    assert error_status(err) == 409
    assert name.upper() in err.response["Error"]["Message"]


def test_get_missing_user_is_no_such_entity_404(iam):
    err = expect_modelled(iam, lambda: iam.get_user(UserName="nobody-here"), "NoSuchEntityException")
    assert error_status(err) == 404
    assert err.response["Error"]["Message"] == "The user with name nobody-here cannot be found."
    assert err.response["Error"]["Type"] == "Sender"


def test_root_get_user_without_name_describes_the_root(tenant):
    """As AWS does for the root: UserId is the account ID and there is no UserName, although botocore's model says
    both are required (botocore does not check responses), so this client has no wire checks."""
    import boto3

    iam = boto3.session.Session().client(
        "iam", endpoint_url=tenant.server.url, region_name="us-east-1", aws_access_key_id=tenant.access_key,
        aws_secret_access_key=tenant.secret_key,
    )
    user = iam.get_user()["User"]
    assert "UserName" not in user
    assert user["Arn"] == f"arn:aws:iam::{tenant.account_id}:root"
    assert user["UserId"] == tenant.account_id


@pytest.mark.parametrize(
    "kwargs,member",
    [
        ({"UserName": "has space"}, "userName"),
        ({"UserName": "slash/not-allowed"}, "userName"),
        ({"UserName": "ok", "Path": "no-leading-slash/"}, "path"),
        ({"UserName": "ok", "Path": "/no-trailing-slash"}, "path"),
    ],
)
def test_invalid_names_and_paths_are_validation_errors(tenant, kwargs, member):
    iam = tenant.iam_nv
    err = expect_error(lambda: iam.create_user(**kwargs), "ValidationError")
    assert error_status(err) == 400
    assert member in err.response["Error"]["Message"]


def test_list_users_by_path_and_in_pages(iam):
    names = sorted(unique(f"u{i}") for i in range(7))
    for i, name in enumerate(names):
        iam.create_user(UserName=name, Path="/team-a/" if i % 2 == 0 else "/team-b/")
    everyone = iam.list_users()
    assert everyone["IsTruncated"] is False
    assert [u["UserName"] for u in everyone["Users"]] == names
    team_a = [u["UserName"] for u in iam.list_users(PathPrefix="/team-a/")["Users"]]
    assert team_a == names[0::2]
    seen = []
    page = iam.list_users(MaxItems=3)
    while True:
        seen += [u["UserName"] for u in page["Users"]]
        assert len(page["Users"]) <= 3
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        page = iam.list_users(MaxItems=3, Marker=page["Marker"])
    assert seen == names
    paginated = [u["UserName"] for p in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2}) for u in p["Users"]]
    assert paginated == names


def test_update_user_renames_and_moves_and_keeps_its_key_working(tenant, iam):
    user = tenant.create_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})
    new_name = unique("renamed")
    iam.update_user(UserName=user.name, NewUserName=new_name, NewPath="/moved/")
    got = iam.get_user(UserName=new_name)["User"]
    assert got["Path"] == "/moved/"
    assert got["Arn"] == f"arn:aws:iam::{tenant.account_id}:user/moved/{new_name}"
    expect_modelled(iam, lambda: iam.get_user(UserName=user.name), "NoSuchEntityException")
    # The key follows the user: it now signs as the new ARN.
    me = user.client("sts").get_caller_identity()
    assert me["Arn"] == got["Arn"]
    assert me["UserId"] == got["UserId"]
    other = unique("other")
    iam.create_user(UserName=other)
    expect_modelled(iam, lambda: iam.update_user(UserName=new_name, NewUserName=other), "EntityAlreadyExistsException")


def test_delete_user_conflicts_until_everything_is_gone(tenant, iam):
    name = unique("carol")
    iam.create_user(UserName=name)
    group = unique("g")
    iam.create_group(GroupName=group)
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    iam.add_user_to_group(GroupName=group, UserName=name)
    iam.create_login_profile(UserName=name, Password="correct-horse-battery")

    steps = [
        lambda: iam.delete_access_key(UserName=name, AccessKeyId=key),
        lambda: iam.delete_login_profile(UserName=name),
        lambda: iam.delete_user_policy(UserName=name, PolicyName="p"),
        lambda: iam.detach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
        lambda: iam.remove_user_from_group(GroupName=group, UserName=name),
    ]
    for step in steps:
        err = expect_modelled(iam, lambda: iam.delete_user(UserName=name), "DeleteConflictException")
        assert error_status(err) == 409
        assert err.response["Error"]["Message"].startswith("Cannot delete entity, must")
        step()
    iam.delete_user(UserName=name)
    expect_modelled(iam, lambda: iam.get_user(UserName=name), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.delete_user(UserName=name), "NoSuchEntityException")
    # The name is free again.
    iam.create_user(UserName=name)


def test_tag_untag_and_list_user_tags(iam):
    name = unique("tagged")
    iam.create_user(UserName=name, Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_user(UserName=name, Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "updated"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName=name)["Tags"]}
    assert tags == {"a": "updated", "b": "2"}
    iam.untag_user(UserName=name, TagKeys=["a"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "b", "Value": "2"}]
    expect_modelled(iam, lambda: iam.tag_user(UserName="missing-user", Tags=[{"Key": "x", "Value": "y"}]), "NoSuchEntityException")
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    expect_modelled(iam, lambda: iam.tag_user(UserName=name, Tags=too_many), "LimitExceededException")
    expect_modelled(iam, lambda: iam.tag_user(UserName=name, Tags=[{"Key": "aws:reserved", "Value": "v"}]), "InvalidInputException")


def test_users_are_per_account(tenant, tenant_b):
    name = unique("same-name")
    tenant.iam.create_user(UserName=name)
    tenant_b.iam.create_user(UserName=name)  # no clash across accounts
    arn_b = tenant_b.iam.get_user(UserName=name)["User"]["Arn"]
    assert tenant_b.account_id in arn_b and tenant.account_id not in arn_b
    assert [u["UserName"] for u in tenant_b.iam.list_users()["Users"]] == [name]


def test_unknown_action_is_invalid_action(tenant):
    from conftest import http_request, sign_request

    body = b"Action=FrobnicateUser&Version=2010-05-08"
    headers = sign_request(
        tenant.server.url, tenant.access_key, tenant.secret_key, body,
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, service="iam",
    )
    response = http_request(tenant.server.url, "POST", "/", body, headers)
    assert response.status == 400
    assert b"<Code>InvalidAction</Code>" in response.body
    assert response.body.startswith(b"<ErrorResponse")


def test_query_parameters_in_the_url_are_accepted(tenant):
    """AWS accepts query-protocol parameters in a GET's query string (hand-made or presigned requests)."""
    import urllib.parse

    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from conftest import http_request

    name = unique("via-get")
    tenant.iam.create_user(UserName=name)
    query = urllib.parse.urlencode({"Action": "GetUser", "Version": "2010-05-08", "UserName": name})
    request = AWSRequest(method="GET", url=f"{tenant.server.url}/?{query}")
    botocore.auth.SigV4Auth(Credentials(tenant.access_key, tenant.secret_key), "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    path = prepared.url[len(tenant.server.url):]
    response = http_request(tenant.server.url, "GET", path, b"", dict(prepared.headers))
    assert response.status == 200, response.body
    assert f"<UserName>{name}</UserName>".encode() in response.body
