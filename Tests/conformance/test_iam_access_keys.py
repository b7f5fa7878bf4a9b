"""IAM access keys: created with the secret shown once, at most two per user, Active/Inactive, deleted — and an
inactive or deleted key is refused at the very next request."""

from __future__ import annotations

import re

import pytest

from conftest import error_code, error_status, expect_error, expect_modelled, unique


def test_create_list_update_delete(tenant, iam):
    name = unique("keys")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert key["UserName"] == name
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key["AccessKeyId"])
    assert len(key["SecretAccessKey"]) == 40
    assert key["Status"] == "Active"
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    assert "SecretAccessKey" not in listed[0]  # the secret is shown once, at creation
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []


def test_at_most_two_keys_per_user(iam):
    name = unique("two")
    iam.create_user(UserName=name)
    iam.create_access_key(UserName=name)
    second = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    err = expect_modelled(iam, lambda: iam.create_access_key(UserName=name), "LimitExceededException")
    assert error_status(err) == 409
    assert err.response["Error"]["Message"] == "Cannot exceed quota for AccessKeysPerUser: 2"
    # An inactive key still counts; deleting one frees a slot (the rotation dance).
    iam.update_access_key(UserName=name, AccessKeyId=second, Status="Inactive")
    expect_modelled(iam, lambda: iam.create_access_key(UserName=name), "LimitExceededException")
    iam.delete_access_key(UserName=name, AccessKeyId=second)
    iam.create_access_key(UserName=name)


def test_missing_user_and_key_are_no_such_entity(iam):
    expect_modelled(iam, lambda: iam.create_access_key(UserName="ghost-user"), "NoSuchEntityException")
    name = unique("k")
    iam.create_user(UserName=name)
    bogus = "AKIAAAAAAAAAAAAAAAAA"
    err = expect_modelled(iam, lambda: iam.update_access_key(UserName=name, AccessKeyId=bogus, Status="Active"), "NoSuchEntityException")
    assert bogus in err.response["Error"]["Message"]
    expect_modelled(iam, lambda: iam.delete_access_key(UserName=name, AccessKeyId=bogus), "NoSuchEntityException")


def test_bad_status_is_a_validation_error(tenant):
    iam = tenant.iam_nv
    name = unique("s")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    expect_error(lambda: iam.update_access_key(UserName=name, AccessKeyId=key, Status="Sleeping"), "ValidationError")


def test_inactive_and_deleted_keys_stop_working_at_the_next_request(tenant, iam):
    user = tenant.create_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "personalize:ListDatasetGroups", "Resource": "*"}]})
    pz = user.personalize
    pz.list_dataset_groups()
    iam.update_access_key(UserName=user.name, AccessKeyId=user.access_key, Status="Inactive")
    err = expect_error(lambda: pz.list_dataset_groups(), "UnrecognizedClientException")
    iam.update_access_key(UserName=user.name, AccessKeyId=user.access_key, Status="Active")
    pz.list_dataset_groups()
    iam.delete_access_key(UserName=user.name, AccessKeyId=user.access_key)
    expect_error(lambda: pz.list_dataset_groups(), "UnrecognizedClientException")
    # Over the query protocol the same refusal is IAM's InvalidClientTokenId (403).
    err = expect_error(lambda: user.client("iam").list_users(), "InvalidClientTokenId")
    assert error_status(err) == 403


def test_a_user_manages_its_own_keys_without_naming_itself(tenant, iam):
    user = tenant.create_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:ListAccessKeys", "iam:CreateAccessKey"], "Resource": "arn:aws:iam::*:user/${aws:username}"}]})
    mine = user.iam.list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in mine] == [user.access_key]
    assert mine[0]["UserName"] == user.name
    second = user.iam.create_access_key()["AccessKey"]
    assert second["UserName"] == user.name
    # ... but not another user's.
    other = unique("other")
    iam.create_user(UserName=other)
    expect_error(lambda: user.iam.list_access_keys(UserName=other), "AccessDenied")


def test_root_keys_through_iam(tenant, iam):
    listed = iam.list_access_keys()["AccessKeyMetadata"]
    assert tenant.access_key in [k["AccessKeyId"] for k in listed]
    second = iam.create_access_key()["AccessKey"]
    expect_modelled(iam, lambda: iam.create_access_key(), "LimitExceededException")
    iam.delete_access_key(AccessKeyId=second["AccessKeyId"])


def test_get_access_key_last_used(tenant, iam):
    user = tenant.create_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "personalize:ListSchemas", "Resource": "*"}]})
    fresh = iam.get_access_key_last_used(AccessKeyId=user.access_key)
    assert fresh["UserName"] == user.name
    assert fresh["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    assert "LastUsedDate" not in fresh["AccessKeyLastUsed"]
    user.personalize.list_schemas()
    used = iam.get_access_key_last_used(AccessKeyId=user.access_key)["AccessKeyLastUsed"]
    assert used["ServiceName"] == "personalize"
    assert used["Region"] == "us-east-1"
    assert used["LastUsedDate"].tzinfo is not None
    expect_error(lambda: iam.get_access_key_last_used(AccessKeyId="AKIAAAAAAAAAAAAAAAAA"), "NoSuchEntity")


def test_another_accounts_key_is_invisible(tenant, tenant_b):
    expect_error(lambda: tenant_b.iam.get_access_key_last_used(AccessKeyId=tenant.access_key), "NoSuchEntity")
