"""`persimmon admin create-account | list-accounts | close-account` against the running server.

Contract assumed: create-account prints {"AccountId": 12 digits, "AccessKeyId": "AKIA" + 16 upper-case
alphanumerics, "SecretAccessKey": 40 chars}; list-accounts prints {"Accounts": [{AccountId, Name, Status}]}
with Status "ACTIVE" for an open account; after close-account the account is either gone from the list or
no longer ACTIVE, and its keys are refused with a 4xx (UnrecognizedClientException / AccessDenied style).
Admin commands signed with anything but the operator credentials exit non-zero.
"""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from conftest import INTERACTIONS_SCHEMA, assert_parsed_aws_error, error_code, unique

REFUSED_KEY_CODES = re.compile(r"Unrecognized|AccessDenied|InvalidClientTokenId|Forbidden|Closed|Suspended|Expired")


def test_create_account_output(server):
    name = unique("acct")
    doc = server.admin_json("create-account", "--name", name)
    assert set(doc) >= {"AccountId", "AccessKeyId", "SecretAccessKey"}
    assert re.fullmatch(r"\d{12}", doc["AccountId"]), doc
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", doc["AccessKeyId"]), doc["AccessKeyId"]
    assert len(doc["SecretAccessKey"]) == 40, "secret access keys are 40 characters"
    assert doc["AccessKeyId"] != server.operator_key


def test_accounts_get_distinct_ids_and_keys(server):
    a = server.create_account()
    b = server.create_account()
    assert a.account_id != b.account_id
    assert a.access_key != b.access_key
    assert a.secret_key != b.secret_key


def test_new_account_keys_work_immediately(tenant):
    assert tenant.personalize.list_dataset_groups()["datasetGroups"] == []


def test_list_accounts_shows_created_accounts(server):
    a = server.create_account(unique("listed-a"))
    b = server.create_account(unique("listed-b"))
    accounts = server.list_accounts()
    by_id = {acct["AccountId"]: acct for acct in accounts}
    for t in (a, b):
        assert t.account_id in by_id, accounts
        entry = by_id[t.account_id]
        assert entry["Name"] == t.name
        assert isinstance(entry["Status"], str) and entry["Status"].upper() == "ACTIVE", entry
    assert len(by_id) == len(accounts), "an account is listed twice"


def test_close_account_revokes_its_keys(server):
    victim = server.create_account(unique("closing"))
    bystander = server.create_account(unique("bystander"))
    victim.create_schema(INTERACTIONS_SCHEMA)
    server.close_account(victim.account_id)

    with pytest.raises(ClientError) as excinfo:
        victim.personalize.list_schemas()
    err = excinfo.value
    assert_parsed_aws_error(err)
    assert 400 <= err.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    assert REFUSED_KEY_CODES.search(error_code(err)), error_code(err)

    # a brand-new client with the same keys is refused too (no cached session)
    with pytest.raises(ClientError):
        victim.client("personalize").list_dataset_groups()

    entry = [a for a in server.list_accounts() if a["AccountId"] == victim.account_id]
    assert not entry or entry[0]["Status"].upper() != "ACTIVE", entry

    # other accounts are unaffected
    assert bystander.personalize.list_dataset_groups()["datasetGroups"] == []


def test_close_unknown_account_fails(server):
    proc = server.admin("close-account", "--account-id", "000000000000", check=False)
    assert proc.returncode != 0, proc.stdout


@pytest.mark.parametrize("command", ["list-accounts", "create-account", "close-account"])
def test_tenant_credentials_cannot_run_admin_commands(server, tenant, command):
    args = {
        "list-accounts": ["list-accounts"],
        "create-account": ["create-account", "--name", unique("sneaky")],
        "close-account": ["close-account", "--account-id", tenant.account_id],
    }[command]
    before = {a["AccountId"] for a in server.list_accounts()}
    proc = server.admin(*args, access_key=tenant.access_key, secret_key=tenant.secret_key, check=False)
    assert proc.returncode != 0, f"admin {command} with tenant keys succeeded: {proc.stdout}"
    if proc.stdout.strip():
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            doc = None
        assert not (isinstance(doc, dict) and ("Accounts" in doc or "SecretAccessKey" in doc)), proc.stdout
    assert {a["AccountId"] for a in server.list_accounts()} == before
    # the tenant is still open
    assert tenant.personalize.list_dataset_groups()["datasetGroups"] == []


def test_unknown_credentials_cannot_run_admin_commands(server):
    proc = server.admin("list-accounts", access_key="AKIA" + "Q" * 16, secret_key="z" * 40, check=False)
    assert proc.returncode != 0, proc.stdout
    proc = server.admin("list-accounts", access_key=server.operator_key, secret_key="z" * 40, check=False)
    assert proc.returncode != 0, proc.stdout
