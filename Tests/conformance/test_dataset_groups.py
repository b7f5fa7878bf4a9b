"""CreateDatasetGroup / DescribeDatasetGroup / ListDatasetGroups / DeleteDatasetGroup."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from conftest import (
    CREATE_SEQUENCE,
    DELETE_STATES,
    INTERACTIONS_SCHEMA,
    assert_output_shape,
    expect_error,
    expect_invalid_input,
    expect_modelled,
    signed_control_plane_call,
    unique,
    utcnow,
    wait_for_gone,
    wait_for_status,
)

RECENT = dt.timedelta(minutes=2)


def dsg_arn_re(account_id: str, name: str) -> str:
    return rf"arn:aws:personalize:[a-z0-9-]+:{account_id}:dataset-group/{re.escape(name)}"


def test_create_returns_arn_and_describe_walks_to_active(tenant, pz):
    name = unique("dsg")
    resp = pz.create_dataset_group(name=name)
    assert_output_shape(pz, "CreateDatasetGroup", resp)
    arn = resp["datasetGroupArn"]
    assert re.fullmatch(dsg_arn_re(tenant.account_id, name), arn), arn
    assert "domain" not in resp

    first = pz.describe_dataset_group(datasetGroupArn=arn)
    assert_output_shape(pz, "DescribeDatasetGroup", first)
    group = first["datasetGroup"]
    assert group["name"] == name
    assert group["datasetGroupArn"] == arn
    assert group["status"] in CREATE_SEQUENCE

    final, seen = wait_for_status(lambda: pz.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    assert final["status"] == "ACTIVE"
    assert seen[-1] == "ACTIVE"
    assert "failureReason" not in final


def test_timestamps_are_recent_timezone_aware_datetimes(tenant, pz):
    before = utcnow()
    _, arn = tenant.create_dataset_group()
    group = pz.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
    created, updated = group["creationDateTime"], group["lastUpdatedDateTime"]
    for ts in (created, updated):
        assert isinstance(ts, dt.datetime)
        assert ts.tzinfo is not None and ts.utcoffset() is not None
        assert abs(ts - utcnow()) < RECENT, ts
    assert created >= before - dt.timedelta(seconds=5)
    assert updated >= created


def test_timestamps_are_epoch_seconds_on_the_wire(tenant):
    _, arn = tenant.create_dataset_group()
    raw = signed_control_plane_call(
        tenant.server.url, tenant.access_key, tenant.secret_key, "DescribeDatasetGroup", {"datasetGroupArn": arn}
    )
    assert raw.status == 200, raw
    group = raw.json()["datasetGroup"]
    for key in ("creationDateTime", "lastUpdatedDateTime"):
        value = group[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{key} = {value!r}"
        assert abs(value - time.time()) < RECENT.total_seconds(), f"{key} = {value!r} is not epoch seconds of now"


def test_responses_are_amz_json_with_a_request_id(tenant):
    raw = signed_control_plane_call(tenant.server.url, tenant.access_key, tenant.secret_key, "ListDatasetGroups", {})
    assert raw.status == 200, raw
    headers = {k.lower(): v for k, v in raw.headers.items()}
    assert headers.get("content-type", "").startswith("application/x-amz-json-1.1"), headers
    assert headers.get("x-amzn-requestid"), headers
    resp = tenant.personalize.list_dataset_groups()
    assert resp["ResponseMetadata"].get("RequestId")


def test_list_shows_created_group_with_summary_fields(tenant, pz):
    name, arn = tenant.create_dataset_group()
    resp = pz.list_dataset_groups()
    assert_output_shape(pz, "ListDatasetGroups", resp)
    matches = [g for g in resp["datasetGroups"] if g["datasetGroupArn"] == arn]
    assert len(matches) == 1, resp["datasetGroups"]
    summary = matches[0]
    assert summary["name"] == name
    assert summary["status"] == "ACTIVE"
    assert isinstance(summary["creationDateTime"], dt.datetime)
    assert isinstance(summary["lastUpdatedDateTime"], dt.datetime)
    assert "nextToken" not in resp


def test_list_of_a_fresh_account_is_empty(pz):
    resp = pz.list_dataset_groups()
    assert resp["datasetGroups"] == []
    assert "nextToken" not in resp


def test_domain_dataset_group(tenant, pz):
    name = unique("dom")
    resp = pz.create_dataset_group(name=name, domain="ECOMMERCE")
    assert resp.get("domain") == "ECOMMERCE"
    final, _ = wait_for_status(lambda: tenant.describe_dataset_group(resp["datasetGroupArn"]))
    assert final["domain"] == "ECOMMERCE"
    listed = [g for g in pz.list_dataset_groups()["datasetGroups"] if g["name"] == name]
    assert listed and listed[0].get("domain") == "ECOMMERCE"


def test_duplicate_name_is_resource_already_exists(tenant, pz):
    name, _ = tenant.create_dataset_group(wait=False)
    err = expect_modelled(pz, lambda: pz.create_dataset_group(name=name), "ResourceAlreadyExistsException")
    assert name in err.response["Error"]["Message"] or "exist" in err.response["Error"]["Message"].lower()


def test_describe_unknown_arn_is_resource_not_found(tenant, pz):
    arn = tenant.arn(f"dataset-group/{unique('missing')}")
    expect_modelled(pz, lambda: pz.describe_dataset_group(datasetGroupArn=arn), "ResourceNotFoundException")


def test_delete_unknown_arn_is_resource_not_found(tenant, pz):
    arn = tenant.arn(f"dataset-group/{unique('missing')}")
    expect_modelled(pz, lambda: pz.delete_dataset_group(datasetGroupArn=arn), "ResourceNotFoundException")


def test_delete_goes_through_delete_pending_then_not_found(tenant, pz):
    name, arn = tenant.create_dataset_group()
    resp = pz.delete_dataset_group(datasetGroupArn=arn)
    assert_output_shape(pz, "DeleteDatasetGroup", resp)
    seen = wait_for_gone(pz, lambda: pz.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    assert all(s in DELETE_STATES for s in seen), seen
    assert arn not in [g["datasetGroupArn"] for g in pz.list_dataset_groups()["datasetGroups"]]
    # A second delete of the same ARN finds nothing.
    expect_modelled(pz, lambda: pz.delete_dataset_group(datasetGroupArn=arn), "ResourceNotFoundException")


def test_status_right_after_delete_is_a_delete_state(tenant, pz):
    _, arn = tenant.create_dataset_group()
    pz.delete_dataset_group(datasetGroupArn=arn)
    try:
        status = pz.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]
    except pz.exceptions.ResourceNotFoundException:
        return  # already gone: acceptable, the wait above covers the pending state
    assert status in DELETE_STATES, status


def test_name_can_be_reused_after_delete(tenant, pz):
    name, arn = tenant.create_dataset_group()
    pz.delete_dataset_group(datasetGroupArn=arn)
    wait_for_gone(pz, lambda: pz.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    _, arn2 = tenant.create_dataset_group(name=name)
    assert tenant.describe_dataset_group(arn2)["name"] == name


def test_delete_with_datasets_is_resource_in_use(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    dataset = tenant.create_dataset(dsg, schema, "Interactions")
    expect_modelled(pz, lambda: pz.delete_dataset_group(datasetGroupArn=dsg), "ResourceInUseException")
    assert tenant.describe_dataset_group(dsg)["status"] == "ACTIVE"
    # Once the dataset is gone the group can be deleted.
    pz.delete_dataset(datasetArn=dataset)
    wait_for_gone(pz, lambda: tenant.describe_dataset(dataset))
    pz.delete_dataset_group(datasetGroupArn=dsg)
    wait_for_gone(pz, lambda: tenant.describe_dataset_group(dsg))


def test_name_of_63_characters_is_accepted(tenant, pz):
    name = ("n" + unique("")).ljust(63, "x")
    assert len(name) == 63
    _, arn = tenant.create_dataset_group(name=name, wait=False)
    assert arn.endswith("/" + name)


@pytest.mark.parametrize(
    "bad_name",
    ["", "-leading-hyphen", "_leading_underscore", "has space", "slash/inside", "dot.inside", "x" * 64, "ünïcode"],
    ids=["empty", "leading-hyphen", "leading-underscore", "space", "slash", "dot", "64-chars", "non-ascii"],
)
def test_invalid_name_is_invalid_input_naming_the_field(pz, pz_nv, bad_name):
    expect_invalid_input(pz, lambda: pz_nv.create_dataset_group(name=bad_name), "name")


def test_missing_name_is_invalid_input(pz, pz_nv):
    expect_invalid_input(pz, lambda: pz_nv.create_dataset_group(), "name")


def test_invalid_domain_is_invalid_input(pz, pz_nv):
    expect_invalid_input(pz, lambda: pz_nv.create_dataset_group(name=unique("d"), domain="RETAIL"), "domain")


def test_invalid_role_arn_is_invalid_input(pz, pz_nv):
    expect_invalid_input(pz, lambda: pz_nv.create_dataset_group(name=unique("d"), roleArn="not-a-role"), "roleArn")


def test_invalid_arn_on_describe_is_invalid_input(pz, pz_nv):
    expect_invalid_input(pz, lambda: pz_nv.describe_dataset_group(datasetGroupArn="not-an-arn"), "datasetGroupArn")


def test_arn_longer_than_256_is_invalid_input(tenant, pz, pz_nv):
    arn = tenant.arn("dataset-group/" + "x" * 260)
    expect_invalid_input(pz, lambda: pz_nv.describe_dataset_group(datasetGroupArn=arn), "datasetGroupArn")


@pytest.mark.parametrize("max_results", [0, 101, -1])
def test_max_results_out_of_range_is_invalid_input(pz, pz_nv, max_results):
    expect_invalid_input(pz, lambda: pz_nv.list_dataset_groups(maxResults=max_results), "maxResults")


def test_wrong_json_type_is_rejected(pz, pz_nv):
    # Amazon answers a JSON type mismatch with SerializationException; InvalidInputException is accepted too.
    expect_error(lambda: pz_nv.create_dataset_group(name=12345), "InvalidInputException", "SerializationException")
