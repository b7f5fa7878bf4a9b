"""Authorization of real requests: global condition keys filled from the request, policy variables, tags on
create, iam:PassRole, IAM's own actions, and aws:SourceIp behind (un)trusted proxies."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import (
    Server,
    allow_policy,
    expect_error,
    http_request,
    persimmon_binary,
    sign_request,
    unique,
)

DENIED = "AccessDeniedException"


def statement(action, resource="*", effect="Allow", **condition):
    s = {"Effect": effect, "Action": action, "Resource": resource}
    if condition:
        s["Condition"] = condition
    return s


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_source_ip_is_the_socket_peer(tenant):
    inside = tenant.create_user(policy=policy(statement("personalize:ListSchemas", IpAddress={"aws:SourceIp": "127.0.0.0/8"})))
    inside.personalize.list_schemas()
    outside = tenant.create_user(policy=policy(statement("personalize:ListSchemas", IpAddress={"aws:SourceIp": "10.0.0.0/8"})))
    expect_error(lambda: outside.personalize.list_schemas(), DENIED)
    # X-Forwarded-For from an untrusted peer is ignored: it cannot be used to claim another address.
    body = b"{}"
    headers = sign_request(
        tenant.server.url, outside.access_key, outside.secret_key, body,
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonPersonalize.ListSchemas", "X-Forwarded-For": "10.1.2.3"},
    )
    response = http_request(tenant.server.url, "POST", "/", body, headers)
    assert response.status >= 400 and response.error_type() == DENIED


def test_trusted_proxy_forwards_the_client_address(tmp_path):
    binary = persimmon_binary()
    if not binary.is_file():
        pytest.skip("persimmon binary not built")
    server = Server(binary, tmp_path / "data", extra_args=["--trusted-proxy", "127.0.0.1/32"])
    server.start()
    try:
        tenant = server.create_account(unique("proxied"))
        user = tenant.create_user(policy=policy(statement("personalize:ListSchemas", IpAddress={"aws:SourceIp": "10.0.0.0/8"})))
        body = b"{}"
        base = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonPersonalize.ListSchemas"}
        for forwarded, allowed in (("10.1.2.3", True), ("6.6.6.6, 10.1.2.3", True), ("10.1.2.3, 6.6.6.6", False), (None, False)):
            headers = dict(base)
            if forwarded:
                headers["X-Forwarded-For"] = forwarded
            signed = sign_request(server.url, user.access_key, user.secret_key, body, headers)
            response = http_request(server.url, "POST", "/", body, signed)
            assert (response.status == 200) == allowed, (forwarded, response)
        events = tenant.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": user.name}]
        )["Events"]
        assert {json.loads(e["CloudTrailEvent"])["sourceIPAddress"] for e in events} >= {"10.1.2.3", "6.6.6.6"}
    finally:
        server.stop()


def test_secure_transport_and_time_and_region(tenant):
    user = tenant.create_user(
        policy=policy(
            statement("personalize:ListSchemas", Bool={"aws:SecureTransport": "false"}),
            statement("personalize:ListDatasetGroups", DateGreaterThan={"aws:CurrentTime": "2020-01-01T00:00:00Z"}),
            statement("personalize:ListSolutions", DateGreaterThan={"aws:CurrentTime": "2999-01-01T00:00:00Z"}),
            statement("personalize:ListRecipes", StringEquals={"aws:RequestedRegion": "us-east-1"}),
            statement("personalize:ListDatasets", NumericGreaterThan={"aws:EpochTime": "1600000000"}),
        )
    )
    pz = user.personalize
    pz.list_schemas()
    pz.list_dataset_groups()
    expect_error(lambda: pz.list_solutions(), DENIED)
    pz.list_recipes()
    pz.list_datasets()
    # Deny everything over plain HTTP: the classic guard, which Persimmon (plain HTTP, no proxy) must trip.
    tenant.iam.put_user_policy(
        UserName=user.name, PolicyName="tls",
        PolicyDocument=json.dumps(policy(statement("*", effect="Deny", Bool={"aws:SecureTransport": "false"}))),
    )
    err = expect_error(lambda: pz.list_schemas(), DENIED)
    assert "explicit deny" in err.response["Error"]["Message"]


def test_principal_keys_and_policy_variables(tenant):
    name = unique("vars")
    tenant.iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "recs"}])
    tenant.iam.put_user_policy(
        UserName=name, PolicyName="inline",
        PolicyDocument=json.dumps(
            policy(
                statement(["personalize:CreateDatasetGroup", "personalize:DescribeDatasetGroup"], "arn:aws:personalize:*:*:dataset-group/${aws:username}-*"),
                statement("personalize:ListSchemas", StringEquals={"aws:PrincipalTag/team": "recs", "aws:PrincipalType": "User", "aws:PrincipalAccount": tenant.account_id}),
                statement("personalize:ListRecipes", StringEquals={"aws:PrincipalTag/team": "other"}),
                statement("personalize:ListSolutions", ArnEquals={"aws:PrincipalArn": f"arn:aws:iam::{tenant.account_id}:user/{name}"}),
            )
        ),
    )
    key = tenant.iam.create_access_key(UserName=name)["AccessKey"]
    from conftest import make_client

    pz = make_client(tenant.server, "personalize", key["AccessKeyId"], key["SecretAccessKey"])
    pz.create_dataset_group(name=f"{name}-mine")
    expect_error(lambda: pz.create_dataset_group(name=f"someone-{name}"), DENIED)
    pz.list_schemas()
    expect_error(lambda: pz.list_recipes(), DENIED)
    pz.list_solutions()
    # A tag change is seen by the very next request.
    tenant.iam.tag_user(UserName=name, Tags=[{"Key": "team", "Value": "other"}])
    expect_error(lambda: pz.list_schemas(), DENIED)
    pz.list_recipes()


def test_tags_on_create_need_tag_resource_and_request_tag_conditions(tenant):
    owner_tag = [{"tagKey": "owner", "tagValue": "alice"}]
    user = tenant.create_user(policy=policy(statement("personalize:CreateDatasetGroup")))
    user.personalize.create_dataset_group(name=unique("untagged"))
    err = expect_error(lambda: user.personalize.create_dataset_group(name=unique("tagged"), tags=owner_tag), DENIED)
    assert "personalize:TagResource" in err.response["Error"]["Message"]
    tenant.iam.put_user_policy(
        UserName=user.name, PolicyName="inline",
        PolicyDocument=json.dumps(
            policy(
                statement("personalize:CreateDatasetGroup"),
                statement("personalize:TagResource", StringEquals={"aws:RequestTag/owner": "alice"}, **{"ForAllValues:StringEquals": {"aws:TagKeys": ["owner"]}}),
            )
        ),
    )
    user.personalize.create_dataset_group(name=unique("tagged"), tags=owner_tag)
    expect_error(lambda: user.personalize.create_dataset_group(name=unique("tagged"), tags=[{"tagKey": "owner", "tagValue": "bob"}]), DENIED)
    expect_error(
        lambda: user.personalize.create_dataset_group(name=unique("tagged"), tags=owner_tag + [{"tagKey": "cost", "tagValue": "1"}]),
        DENIED,
    )


def test_resource_tags_decide_access_to_existing_resources(tenant):
    _, mine = tenant.create_dataset_group(wait=False, tags=[{"tagKey": "owner", "tagValue": "alice"}])
    _, theirs = tenant.create_dataset_group(wait=False, tags=[{"tagKey": "owner", "tagValue": "bob"}])
    user = tenant.create_user(policy=policy(statement("personalize:DescribeDatasetGroup", StringEquals={"aws:ResourceTag/owner": "alice"})))
    user.personalize.describe_dataset_group(datasetGroupArn=mine)
    expect_error(lambda: user.personalize.describe_dataset_group(datasetGroupArn=theirs), DENIED)
    # Retagging takes effect at once.
    tenant.personalize.tag_resource(resourceArn=theirs, tags=[{"tagKey": "owner", "tagValue": "alice"}])
    user.personalize.describe_dataset_group(datasetGroupArn=theirs)


def test_passing_a_role_needs_iam_pass_role(tenant):
    params = {
        "jobName": unique("del"),
        "datasetGroupArn": tenant.arn("dataset-group/x"),
        "dataSource": {"dataLocation": "s3://bucket/users.csv"},
        "roleArn": f"arn:aws:iam::{tenant.account_id}:role/PersonalizeRole",
    }
    user = tenant.create_user(policy=policy(statement("personalize:CreateDataDeletionJob")))
    err = expect_error(lambda: user.personalize.create_data_deletion_job(**params), DENIED)
    assert "iam:PassRole" in err.response["Error"]["Message"]
    tenant.iam.put_user_policy(
        UserName=user.name, PolicyName="inline",
        PolicyDocument=json.dumps(
            policy(
                statement("personalize:CreateDataDeletionJob"),
                statement("iam:PassRole", StringEquals={"iam:PassedToService": "personalize.amazonaws.com"}),
            )
        ),
    )
    from conftest import error_code
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as excinfo:
        user.personalize.create_data_deletion_job(**params)
    assert error_code(excinfo.value) != DENIED
    # Another account's role is never passable.
    foreign = dict(params, roleArn="arn:aws:iam::111122223333:role/PersonalizeRole")
    expect_error(lambda: user.personalize.create_data_deletion_job(**foreign), DENIED)


def test_iam_actions_are_authorized_by_policy(tenant):
    user = tenant.create_user()
    err = expect_error(lambda: user.iam.create_user(UserName=unique("x")), "AccessDenied")
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert f"is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::{tenant.account_id}:user/" in err.response["Error"]["Message"]
    tenant.iam.attach_user_policy(UserName=user.name, PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    created = unique("made-by-admin")
    user.iam.create_user(UserName=created)
    user.iam.attach_user_policy(UserName=created, PolicyArn="arn:aws:iam::aws:policy/PersimmonPersonalizeReadOnlyAccess")
    # An IAM administrator still cannot use Personalize unless a policy says so.
    expect_error(lambda: user.personalize.list_schemas(), DENIED)
    # Resource-scoped IAM permissions: only users under /team/.
    scoped = tenant.create_user(policy=policy(statement("iam:GetUser", f"arn:aws:iam::{tenant.account_id}:user/team/*")))
    teammate = unique("teammate")
    tenant.iam.create_user(UserName=teammate, Path="/team/")
    scoped.iam.get_user(UserName=teammate)
    expect_error(lambda: scoped.iam.get_user(UserName=created), "AccessDenied")


def test_denied_requests_change_nothing(tenant):
    user = tenant.create_user(policy=policy(statement("personalize:*"), statement("personalize:DeleteDatasetGroup", effect="Deny")))
    name, arn = tenant.create_dataset_group(wait=True)
    expect_error(lambda: user.personalize.delete_dataset_group(datasetGroupArn=arn), DENIED)
    assert tenant.describe_dataset_group(arn)["status"] == "ACTIVE"
