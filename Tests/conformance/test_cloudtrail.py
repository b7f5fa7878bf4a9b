"""The audit trail: every authenticated request, allowed or denied, read with CloudTrail's LookupEvents and with
`persimmon admin audit`; no secret ever appears in it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from conftest import _clean_env, allow_policy, expect_error, expect_modelled, unique, utcnow


def lookup(client, key=None, value=None, **kwargs):
    attrs = [{"AttributeKey": key, "AttributeValue": value}] if key else []
    return client.lookup_events(LookupAttributes=attrs, **kwargs)["Events"]


def test_allowed_and_denied_requests_are_recorded(tenant):
    trail = tenant.client("cloudtrail")
    user = tenant.create_user(policy=allow_policy("personalize:ListDatasetGroups"))
    user.personalize.list_dataset_groups()
    expect_error(lambda: user.personalize.list_schemas(), "AccessDeniedException")

    events = lookup(trail, "Username", user.name)
    by_name = {e["EventName"]: e for e in events}
    allowed = json.loads(by_name["ListDatasetGroups"]["CloudTrailEvent"])
    denied = json.loads(by_name["ListSchemas"]["CloudTrailEvent"])
    assert allowed["additionalEventData"]["authorizationDecision"] == "Allow"
    assert allowed["additionalEventData"]["decidingStatement"].startswith(f"user/{user.name}/inline#0")
    assert allowed["additionalEventData"]["action"] == "personalize:ListDatasetGroups"
    assert "errorCode" not in allowed
    assert denied["additionalEventData"]["authorizationDecision"] == "ImplicitDeny"
    assert denied["errorCode"] == "AccessDeniedException"
    for record in (allowed, denied):
        assert record["userIdentity"]["type"] == "IAMUser"
        assert record["userIdentity"]["arn"] == user.arn
        assert record["userIdentity"]["accessKeyId"] == user.access_key
        assert record["userIdentity"]["accountId"] == tenant.account_id
        assert record["sourceIPAddress"] == "127.0.0.1"
        assert record["eventSource"] == "personalize.amazonaws.com"
        assert record["awsRegion"] == "us-east-1"
        assert record["requestID"] and record["eventID"]
    assert by_name["ListDatasetGroups"]["AccessKeyId"] == user.access_key
    assert by_name["ListDatasetGroups"]["ReadOnly"] == "true"


def test_filters_time_range_and_paging(tenant):
    trail = tenant.client("cloudtrail")
    name, arn = tenant.create_dataset_group(wait=False)
    tenant.personalize.describe_dataset_group(datasetGroupArn=arn)
    on_resource = lookup(trail, "ResourceName", arn)
    assert {e["EventName"] for e in on_resource} >= {"DescribeDatasetGroup", "CreateDatasetGroup"}
    assert all(r["ResourceName"] == arn for e in on_resource for r in e["Resources"])
    assert on_resource[0]["Resources"][0]["ResourceType"] == "AWS::Personalize::DatasetGroup"
    creates = lookup(trail, "EventName", "CreateDatasetGroup")
    assert [e["EventName"] for e in creates] == ["CreateDatasetGroup"]
    assert lookup(trail, "Username", "root")
    future = utcnow() + dt.timedelta(hours=1)
    assert lookup(trail, StartTime=future) == []
    assert lookup(trail, EndTime=utcnow() - dt.timedelta(days=1)) == []

    for _ in range(6):
        tenant.personalize.list_schemas()
    events = [e["EventId"] for page in trail.get_paginator("lookup_events").paginate(PaginationConfig={"PageSize": 4}) for e in page["Events"]]
    assert len(events) == len(set(events)) >= 8
    times = [e["EventTime"] for e in lookup(trail, MaxResults=50)]
    assert times == sorted(times, reverse=True)
    expect_modelled(trail, lambda: trail.lookup_events(NextToken="forged-token"), "InvalidNextTokenException")
    expect_modelled(trail, lambda: trail.lookup_events(StartTime=future, EndTime=utcnow()), "InvalidTimeRangeException")
    expect_modelled(
        trail,
        lambda: trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "a"}, {"AttributeKey": "Username", "AttributeValue": "b"}]),
        "InvalidLookupAttributesException",
    )


def test_lookup_by_resource_type(tenant):
    trail = tenant.client("cloudtrail")
    _, arn = tenant.create_dataset_group(wait=False)
    tenant.personalize.describe_dataset_group(datasetGroupArn=arn)
    user = tenant.create_user()
    groups = lookup(trail, "ResourceType", "AWS::Personalize::DatasetGroup")
    assert {e["EventName"] for e in groups} >= {"CreateDatasetGroup", "DescribeDatasetGroup"}
    assert all(r["ResourceType"] == "AWS::Personalize::DatasetGroup" for e in groups for r in e["Resources"])
    users = lookup(trail, "ResourceType", "AWS::IAM::User")
    assert "CreateUser" in {e["EventName"] for e in users}
    assert any(r["ResourceName"].endswith(f":user/{user.name}") for e in users for r in e["Resources"])
    assert all(r["ResourceType"] == "AWS::IAM::User" for e in users for r in e["Resources"])
    # Datasets are another type than dataset groups, though one name prefixes the other.
    assert lookup(trail, "ResourceType", "AWS::Personalize::Dataset") == []
    pages = list(trail.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "ResourceType", "AttributeValue": "AWS::Personalize::DatasetGroup"}],
        PaginationConfig={"PageSize": 1}))
    assert sum(len(p["Events"]) for p in pages) == len(groups)
    expect_modelled(trail, lambda: lookup(trail, "ResourceType", "Personalize DatasetGroup"), "InvalidLookupAttributesException")


def test_each_account_reads_only_its_own_trail(tenant, tenant_b):
    tenant.personalize.list_schemas()
    ids_a = {e["EventId"] for e in lookup(tenant.client("cloudtrail"))}
    ids_b = {e["EventId"] for e in lookup(tenant_b.client("cloudtrail"))}
    assert ids_a and not (ids_a & ids_b)
    assert all(tenant.account_id not in e["CloudTrailEvent"] for e in lookup(tenant_b.client("cloudtrail")))


def test_lookup_needs_permission(tenant):
    user = tenant.create_user()
    expect_error(lambda: user.client("cloudtrail").lookup_events(), "AccessDeniedException")
    tenant.iam.attach_user_policy(UserName=user.name, PolicyArn="arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess")
    assert lookup(user.client("cloudtrail"), "Username", user.name)


def test_no_secret_or_signature_in_the_trail(tenant):
    user = tenant.create_user(policy=allow_policy("iam:CreateAccessKey"))
    trail = tenant.client("cloudtrail")
    everything = json.dumps([e["CloudTrailEvent"] for e in lookup(trail, MaxResults=50)])
    assert user.secret_key not in everything
    assert tenant.secret_key not in everything
    assert "Signature=" not in everything and "AWS4-HMAC-SHA256" not in everything


def test_admin_audit_command(tenant):
    tenant.personalize.list_schemas()
    server = tenant.server
    operator_view = server.admin_json("audit", "--account-id", tenant.account_id, "--event-name", "ListSchemas")
    assert operator_view["Events"] and all(e["EventName"] == "ListSchemas" for e in operator_view["Events"])
    # A tenant reads its own trail with its own keys (through CloudTrail's LookupEvents).
    env = _clean_env()
    env.update(AWS_ACCESS_KEY_ID=tenant.access_key, AWS_SECRET_ACCESS_KEY=tenant.secret_key, AWS_REGION="us-east-1")
    proc = subprocess.run(
        [str(server.binary), "admin", "audit", "--user-name", "root", "--max-items", "5", "--endpoint-url", server.url],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    own = json.loads(proc.stdout)["Events"]
    assert 0 < len(own) <= 5
    assert all(e["Username"] == "root" for e in own)
    # A tenant cannot read another account's trail with --account-id (that is the operator's admin API).
    proc = subprocess.run(
        [str(server.binary), "admin", "audit", "--account-id", tenant.account_id, "--endpoint-url", server.url],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode != 0


def test_buffered_events_survive_a_graceful_shutdown(tmp_path):
    """Events are written off the request path; SIGTERM right after the requests must not lose them."""
    from conftest import Server, persimmon_binary

    binary = persimmon_binary()
    data = tmp_path / "data"
    first = Server(binary, data)
    first.start()
    try:
        tenant = first.create_account(unique("restart"))
        marker = unique("schema")
        for _ in range(5):
            tenant.personalize.list_schemas()
        expect_error(lambda: tenant.personalize.describe_schema(schemaArn=tenant.arn(f"schema/{marker}")), "ResourceNotFoundException")
    finally:
        assert first.stop(), "the server did not stop on SIGTERM"
    second = Server(binary, data, operator=(first.operator_key, first.operator_secret))
    second.start()
    try:
        from conftest import Tenant

        again = Tenant(second, tenant.account_id, tenant.access_key, tenant.secret_key, tenant.name)
        names = [e["EventName"] for e in again.client("cloudtrail").lookup_events(MaxResults=50)["Events"]]
        assert names.count("ListSchemas") == 5
        assert "DescribeSchema" in names
    finally:
        second.stop()


def test_audit_retention_prunes_old_events_at_start(tmp_path):
    """`--audit-retention-days`: events older than the period are gone from LookupEvents after a restart."""
    import os
    import sqlite3

    import pytest

    from conftest import Server, Tenant, persimmon_binary

    if os.environ.get("PERSIMMON_TEST_DATABASE_URL"):
        pytest.skip("ages events by editing the SQLite file; PostgreSQL pruning is covered by the store contract tests")
    binary = persimmon_binary()
    data = tmp_path / "data"
    first = Server(binary, data, extra_args=["--audit-retention-days", "0"])
    first.start()
    try:
        tenant = first.create_account(unique("retention"))
        for _ in range(3):
            tenant.personalize.list_schemas()
        tenant.personalize.list_dataset_groups()
        # With 0 days nothing is pruned; all four requests are in the trail.
        names = [e["EventName"] for e in tenant.client("cloudtrail").lookup_events(MaxResults=50)["Events"]]
        assert names.count("ListSchemas") == 3 and "ListDatasetGroups" in names
    finally:
        assert first.stop()
    # Age the ListSchemas events by 40 days, as if they had been recorded then.
    with sqlite3.connect(data / "persimmon.sqlite") as db:
        aged = db.execute(
            "UPDATE audit_events SET event_time = event_time - ? WHERE account_id = ? AND event_name = 'ListSchemas'",
            (40 * 86_400_000, tenant.account_id),
        ).rowcount
    assert aged == 3
    second = Server(binary, data, operator=(first.operator_key, first.operator_secret), extra_args=["--audit-retention-days", "30"])
    second.start()
    try:
        again = Tenant(second, tenant.account_id, tenant.access_key, tenant.secret_key, tenant.name)
        trail = again.client("cloudtrail")

        def names():
            return [e["EventName"] for e in trail.lookup_events(MaxResults=50)["Events"]]

        from conftest import wait_until

        # Pruning runs when the server starts; the recent event stays.
        wait_until(lambda: "ListSchemas" not in names())
        assert "ListDatasetGroups" in names()
    finally:
        second.stop()
    bad = Server(binary, tmp_path / "bad", extra_args=["--audit-retention-days", "40000"])
    with pytest.raises(pytest.fail.Exception, match="audit-retention-days must be between"):
        bad.start()
    bad.stop()
