"""The Organizations-compatible operator API over boto3.client("organizations"): CreateAccount,
DescribeCreateAccountStatus, DescribeAccount, ListAccounts, CloseAccount — operator only."""

from __future__ import annotations

import re

from conftest import expect_error, expect_modelled, make_client, unique


def test_create_describe_list_close(server, organizations):
    name = unique("org-acct")
    status = organizations.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED"
    assert re.fullmatch(r"\d{12}", status["AccountId"])
    assert re.fullmatch(r"car-[a-z0-9]{8,32}", status["Id"])
    account_id = status["AccountId"]
    again = organizations.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    assert again["AccountId"] == account_id and again["State"] == "SUCCEEDED"

    account = organizations.describe_account(AccountId=account_id)["Account"]
    assert account["Id"] == account_id
    assert account["Name"] == name
    assert account["Email"] == f"{name}@example.com"
    assert account["Status"] == "ACTIVE"
    assert account["JoinedMethod"] == "CREATED"
    assert account["Arn"].endswith(f"/{account_id}")

    listed = [a["Id"] for page in organizations.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 5}) for a in page["Accounts"]]
    assert account_id in listed and len(listed) == len(set(listed))

    # The account has no key yet; the operator issues its root's first one.
    key = server.admin_json("create-root-key", "--account-id", account_id)
    tenant_sts = make_client(server, "sts", key["AccessKeyId"], key["SecretAccessKey"])
    assert tenant_sts.get_caller_identity()["Account"] == account_id

    organizations.close_account(AccountId=account_id)
    assert organizations.describe_account(AccountId=account_id)["Account"]["Status"] == "SUSPENDED"
    expect_modelled(organizations, lambda: organizations.close_account(AccountId=account_id), "AccountAlreadyClosedException")
    expect_error(lambda: tenant_sts.get_caller_identity(), "InvalidClientTokenId")


def test_errors(organizations):
    expect_modelled(organizations, lambda: organizations.describe_account(AccountId="999999999999"), "AccountNotFoundException")
    expect_modelled(organizations, lambda: organizations.close_account(AccountId="999999999999"), "AccountNotFoundException")
    expect_modelled(organizations, lambda: organizations.describe_create_account_status(CreateAccountRequestId="car-000000000000"), "CreateAccountStatusNotFoundException")
    expect_modelled(organizations, lambda: organizations.create_account(Email="not-an-email", AccountName="x"), "ConstraintViolationException")


def test_only_the_operator(tenant):
    client = tenant.client("organizations")
    err = expect_modelled(client, lambda: client.list_accounts(), "AccessDeniedException")
    assert tenant.account_id in err.response["Error"]["Message"]
    expect_modelled(client, lambda: client.create_account(Email="a@example.com", AccountName="sneaky"), "AccessDeniedException")
    # Not even an IAM administrator of a tenant.
    admin = tenant.create_user(managed=["arn:aws:iam::aws:policy/AdministratorAccess"])
    expect_modelled(admin.client("organizations"), lambda: admin.client("organizations").list_accounts(), "AccessDeniedException")
