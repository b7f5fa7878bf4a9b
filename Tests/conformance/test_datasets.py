"""CreateDataset / DescribeDataset / ListDatasets / UpdateDataset / DeleteDataset."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import (
    CREATE_SEQUENCE,
    DELETE_STATES,
    INTERACTIONS_SCHEMA,
    INTERACTIONS_SCHEMA_WITH_EVENTS,
    ITEMS_SCHEMA,
    SCHEMA_FOR_TYPE,
    USERS_SCHEMA,
    assert_output_shape,
    avro,
    expect_invalid_input,
    expect_modelled,
    expect_schema_rejected,
    unique,
    utcnow,
    wait_for_gone,
    wait_for_status,
)


def dataset_arn_re(account_id: str, dsg_name: str, dataset_type: str) -> str:
    return rf"arn:aws:personalize:[a-z0-9-]+:{account_id}:dataset/{re.escape(dsg_name)}/{dataset_type.upper()}"


@pytest.mark.parametrize("dataset_type", ["Interactions", "Items", "Users"])
def test_create_describe_and_walk_to_active(tenant, pz, dataset_type):
    dsg_name, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(SCHEMA_FOR_TYPE[dataset_type])
    name = unique("ds")
    resp = pz.create_dataset(name=name, schemaArn=schema, datasetGroupArn=dsg, datasetType=dataset_type)
    assert_output_shape(pz, "CreateDataset", resp)
    arn = resp["datasetArn"]
    assert re.fullmatch(dataset_arn_re(tenant.account_id, dsg_name, dataset_type), arn), arn

    described = pz.describe_dataset(datasetArn=arn)
    assert_output_shape(pz, "DescribeDataset", described)
    ds = described["dataset"]
    assert ds["name"] == name
    assert ds["datasetArn"] == arn
    assert ds["datasetGroupArn"] == dsg
    assert ds["schemaArn"] == schema
    assert ds["datasetType"].lower() == dataset_type.lower()
    assert ds["status"] in CREATE_SEQUENCE
    for key in ("creationDateTime", "lastUpdatedDateTime"):
        assert isinstance(ds[key], dt.datetime) and ds[key].tzinfo is not None
        assert abs(ds[key] - utcnow()) < dt.timedelta(minutes=2)

    final, _ = wait_for_status(lambda: tenant.describe_dataset(arn))
    assert final["status"] == "ACTIVE"


def test_dataset_type_is_case_insensitive(tenant, pz):
    dsg_name, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    arn = tenant.create_dataset(dsg, schema, "interactions", wait=False)
    assert re.fullmatch(dataset_arn_re(tenant.account_id, dsg_name, "Interactions"), arn), arn


def test_list_by_group_and_for_the_account(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, other_dsg = tenant.create_dataset_group()
    inter = tenant.create_dataset(dsg, tenant.create_schema(INTERACTIONS_SCHEMA)[1], "Interactions")
    items = tenant.create_dataset(dsg, tenant.create_schema(ITEMS_SCHEMA)[1], "Items")
    users = tenant.create_dataset(other_dsg, tenant.create_schema(USERS_SCHEMA)[1], "Users")

    resp = pz.list_datasets(datasetGroupArn=dsg)
    assert_output_shape(pz, "ListDatasets", resp)
    by_arn = {d["datasetArn"]: d for d in resp["datasets"]}
    assert set(by_arn) == {inter, items}
    assert by_arn[inter]["datasetType"].lower() == "interactions"
    assert by_arn[items]["datasetType"].lower() == "items"
    for d in by_arn.values():
        assert d["status"] == "ACTIVE"
        assert d["name"]
        assert isinstance(d["creationDateTime"], dt.datetime)

    everything = {d["datasetArn"] for d in pz.list_datasets()["datasets"]}
    assert {inter, items, users} <= everything


def test_list_datasets_of_unknown_group(tenant, pz):
    arn = tenant.arn(f"dataset-group/{unique('missing')}")
    # Amazon returns an empty list or ResourceNotFoundException; either way never another tenant's data.
    try:
        resp = pz.list_datasets(datasetGroupArn=arn)
    except pz.exceptions.ResourceNotFoundException:
        return
    assert resp["datasets"] == []


def test_second_dataset_of_same_type_in_group_already_exists(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    tenant.create_dataset(dsg, schema, wait=False)
    expect_modelled(
        pz,
        lambda: pz.create_dataset(name=unique("ds"), schemaArn=schema, datasetGroupArn=dsg, datasetType="Interactions"),
        "ResourceAlreadyExistsException",
    )


def test_unknown_group_or_schema_is_resource_not_found(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    missing_dsg = tenant.arn(f"dataset-group/{unique('missing')}")
    missing_schema = tenant.arn(f"schema/{unique('missing')}")
    expect_modelled(
        pz,
        lambda: pz.create_dataset(name=unique("ds"), schemaArn=schema, datasetGroupArn=missing_dsg, datasetType="Interactions"),
        "ResourceNotFoundException",
    )
    expect_modelled(
        pz,
        lambda: pz.create_dataset(name=unique("ds"), schemaArn=missing_schema, datasetGroupArn=dsg, datasetType="Interactions"),
        "ResourceNotFoundException",
    )


def test_describe_and_delete_unknown_dataset(tenant, pz):
    arn = tenant.arn(f"dataset/{unique('missing')}/INTERACTIONS")
    expect_modelled(pz, lambda: pz.describe_dataset(datasetArn=arn), "ResourceNotFoundException")
    expect_modelled(pz, lambda: pz.delete_dataset(datasetArn=arn), "ResourceNotFoundException")


def test_delete_dataset_lifecycle(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    arn = tenant.create_dataset(dsg, tenant.create_schema(INTERACTIONS_SCHEMA)[1])
    resp = pz.delete_dataset(datasetArn=arn)
    assert_output_shape(pz, "DeleteDataset", resp)
    seen = wait_for_gone(pz, lambda: tenant.describe_dataset(arn))
    assert all(s in DELETE_STATES for s in seen), seen
    assert arn not in [d["datasetArn"] for d in pz.list_datasets(datasetGroupArn=dsg)["datasets"]]
    # the slot is free again
    tenant.create_dataset(dsg, tenant.create_schema(INTERACTIONS_SCHEMA)[1], wait=False)


# ---- schema rules checked against the dataset type ----------------------------------------------


INTERACTIONS_RULE_BREAKERS = {
    "missing-timestamp": (
        [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"}, {"name": "GENRE", "type": "string", "categorical": True}],
        ("TIMESTAMP",),
    ),
    "timestamp-as-string": (
        [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"}, {"name": "TIMESTAMP", "type": "string"}],
        ("TIMESTAMP",),
    ),
    "missing-item-id": (
        [{"name": "USER_ID", "type": "string"}, {"name": "TIMESTAMP", "type": "long"}, {"name": "EVENT_TYPE", "type": "string"}],
        ("ITEM_ID",),
    ),
    "user-id-as-int": (
        [{"name": "USER_ID", "type": "int"}, {"name": "ITEM_ID", "type": "string"}, {"name": "TIMESTAMP", "type": "long"}],
        ("USER_ID",),
    ),
}


@pytest.mark.parametrize("case", sorted(INTERACTIONS_RULE_BREAKERS))
def test_interactions_schema_rules(tenant, case):
    fields, mentions = INTERACTIONS_RULE_BREAKERS[case]
    _, dsg = tenant.create_dataset_group()
    expect_schema_rejected(tenant, avro("Interactions", fields), "Interactions", dsg, *mentions)


def test_items_dataset_needs_item_id(tenant):
    _, dsg = tenant.create_dataset_group()
    schema = avro("Items", [{"name": "GENRES", "type": "string", "categorical": True}, {"name": "PRICE", "type": "float"}])
    expect_schema_rejected(tenant, schema, "Items", dsg, "ITEM_ID")


def test_users_dataset_needs_user_id(tenant):
    _, dsg = tenant.create_dataset_group()
    schema = avro("Users", [{"name": "MEMBERSHIP", "type": "string", "categorical": True}, {"name": "AGE", "type": "int"}])
    expect_schema_rejected(tenant, schema, "Users", dsg, "USER_ID")


def test_unknown_dataset_type_is_invalid_input(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    expect_invalid_input(
        pz,
        lambda: pz.create_dataset(name=unique("ds"), schemaArn=schema, datasetGroupArn=dsg, datasetType="Purchases"),
        "datasetType",
        "dataset type",
    )


def test_dataset_type_pattern_is_invalid_input(tenant, pz, pz_nv):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    expect_invalid_input(
        pz,
        lambda: pz_nv.create_dataset(name=unique("ds"), schemaArn=schema, datasetGroupArn=dsg, datasetType="Inter-actions 1"),
        "datasetType",
    )


def test_invalid_dataset_name_is_invalid_input(tenant, pz, pz_nv):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    expect_invalid_input(
        pz,
        lambda: pz_nv.create_dataset(name="bad name", schemaArn=schema, datasetGroupArn=dsg, datasetType="Interactions"),
        "name",
    )


# ---- UpdateDataset ------------------------------------------------------------------------------------


def test_update_dataset_replaces_schema(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, old_schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    _, new_schema = tenant.create_schema(INTERACTIONS_SCHEMA_WITH_EVENTS)
    arn = tenant.create_dataset(dsg, old_schema)
    # A dataset that was never updated has no latestDatasetUpdate.
    assert "latestDatasetUpdate" not in tenant.describe_dataset(arn)

    resp = pz.update_dataset(datasetArn=arn, schemaArn=new_schema)
    assert_output_shape(pz, "UpdateDataset", resp)
    assert resp["datasetArn"] == arn

    def latest_update():
        ds = tenant.describe_dataset(arn)
        update = ds.get("latestDatasetUpdate")
        assert update is not None, f"DescribeDataset has no latestDatasetUpdate after UpdateDataset: {ds}"
        return update

    update, _ = wait_for_status(latest_update)
    assert update["schemaArn"] == new_schema
    assert isinstance(update["creationDateTime"], dt.datetime) and update["creationDateTime"].tzinfo is not None
    ds = tenant.describe_dataset(arn)
    assert ds["schemaArn"] == new_schema
    assert ds["status"] == "ACTIVE"
    # the old schema is no longer in use
    pz.delete_schema(schemaArn=old_schema)


def test_update_dataset_with_incompatible_schema_is_invalid_input(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    _, items_schema = tenant.create_schema(ITEMS_SCHEMA)  # no USER_ID / TIMESTAMP
    arn = tenant.create_dataset(dsg, schema)
    expect_invalid_input(pz, lambda: pz.update_dataset(datasetArn=arn, schemaArn=items_schema), "USER_ID", "TIMESTAMP", "schema")
    assert tenant.describe_dataset(arn)["schemaArn"] == schema


def test_update_unknown_dataset_or_schema_is_resource_not_found(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    arn = tenant.create_dataset(dsg, schema)
    expect_modelled(
        pz,
        lambda: pz.update_dataset(datasetArn=tenant.arn(f"dataset/{unique('missing')}/INTERACTIONS"), schemaArn=schema),
        "ResourceNotFoundException",
    )
    expect_modelled(
        pz,
        lambda: pz.update_dataset(datasetArn=arn, schemaArn=tenant.arn(f"schema/{unique('missing')}")),
        "ResourceNotFoundException",
    )


# ---- ARN validation across the supported operations -------------------------------------------------

BAD_ARN = "not:an-arn"


def with_account(params: dict, account_id: str) -> dict:
    """Put the caller's own account into ARN templates, so authorization never masks validation."""
    return {k: v.replace("{acct}", account_id) if isinstance(v, str) else v for k, v in params.items()}

ARN_MEMBERS = [
    ("describe_dataset_group", {"datasetGroupArn": BAD_ARN}, "datasetGroupArn"),
    ("delete_dataset_group", {"datasetGroupArn": BAD_ARN}, "datasetGroupArn"),
    ("describe_schema", {"schemaArn": BAD_ARN}, "schemaArn"),
    ("delete_schema", {"schemaArn": BAD_ARN}, "schemaArn"),
    ("describe_dataset", {"datasetArn": BAD_ARN}, "datasetArn"),
    ("delete_dataset", {"datasetArn": BAD_ARN}, "datasetArn"),
    ("list_datasets", {"datasetGroupArn": BAD_ARN}, "datasetGroupArn"),
    ("update_dataset", {"datasetArn": BAD_ARN, "schemaArn": "arn:aws:personalize:us-east-1:{acct}:schema/x"}, "datasetArn"),
    ("list_tags_for_resource", {"resourceArn": BAD_ARN}, "resourceArn"),
    ("tag_resource", {"resourceArn": BAD_ARN, "tags": [{"tagKey": "k", "tagValue": "v"}]}, "resourceArn"),
    ("untag_resource", {"resourceArn": BAD_ARN, "tagKeys": ["k"]}, "resourceArn"),
    ("describe_recipe", {"recipeArn": BAD_ARN}, "recipeArn"),
    ("describe_algorithm", {"algorithmArn": BAD_ARN}, "algorithmArn"),
    ("describe_feature_transformation", {"featureTransformationArn": BAD_ARN}, "featureTransformationArn"),
]


@pytest.mark.parametrize("method,params,field", ARN_MEMBERS, ids=[m[0] for m in ARN_MEMBERS])
def test_malformed_arn_is_invalid_input_naming_the_member(tenant, pz, pz_nv, method, params, field):
    params = with_account(params, tenant.account_id)
    expect_invalid_input(pz, lambda: getattr(pz_nv, method)(**params), field)


@pytest.mark.parametrize(
    "method,params,field",
    [
        ("create_dataset", {"name": "x", "schemaArn": "arn:aws:personalize:us-east-1:{acct}:schema/x", "datasetType": "Items"}, "datasetGroupArn"),
        ("create_dataset", {"name": "x", "datasetGroupArn": "arn:aws:personalize:us-east-1:{acct}:dataset-group/x", "datasetType": "Items"}, "schemaArn"),
        ("update_dataset", {"datasetArn": "arn:aws:personalize:us-east-1:{acct}:dataset/x/ITEMS"}, "schemaArn"),
        ("describe_dataset_group", {}, "datasetGroupArn"),
        ("tag_resource", {"resourceArn": "arn:aws:personalize:us-east-1:{acct}:dataset-group/x"}, "tags"),
        ("untag_resource", {"resourceArn": "arn:aws:personalize:us-east-1:{acct}:dataset-group/x"}, "tagKeys"),
    ],
    ids=["create_dataset-no-group", "create_dataset-no-schema", "update_dataset-no-schema", "describe-no-arn", "tag-no-tags", "untag-no-keys"],
)
def test_missing_required_member_is_invalid_input(tenant, pz, pz_nv, method, params, field):
    params = with_account(params, tenant.account_id)
    expect_invalid_input(pz, lambda: getattr(pz_nv, method)(**params), field)
