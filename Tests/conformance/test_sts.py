"""STS GetCallerIdentity: who am I, for the root, an IAM user and the operator; never denied."""

from __future__ import annotations

from conftest import expect_error, make_client, unique


def test_root(tenant):
    me = tenant.sts.get_caller_identity()
    assert me == {**me, "Account": tenant.account_id, "Arn": f"arn:aws:iam::{tenant.account_id}:root", "UserId": tenant.account_id}


def test_iam_user_without_any_policy(tenant):
    user = tenant.create_user(path=None)
    me = user.client("sts").get_caller_identity()
    assert me["Account"] == tenant.account_id
    assert me["Arn"] == user.arn
    assert me["UserId"] == tenant.iam.get_user(UserName=user.name)["User"]["UserId"]


def test_cannot_be_denied(tenant):
    user = tenant.create_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
    assert user.client("sts").get_caller_identity()["Arn"] == user.arn


def test_operator(server):
    me = make_client(server, "sts", server.operator_key, server.operator_secret).get_caller_identity()
    assert me["Arn"].endswith(":persimmon-operator")


def test_bad_signature_is_a_query_protocol_error(tenant):
    client = make_client(tenant.server, "sts", tenant.access_key, "x" * 40)
    err = expect_error(lambda: client.get_caller_identity(), "SignatureDoesNotMatch")
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    unknown = make_client(tenant.server, "sts", "AKIA" + "Z" * 16, "x" * 40)
    expect_error(lambda: unknown.get_caller_identity(), "InvalidClientTokenId")
