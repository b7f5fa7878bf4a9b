"""Two accounts made with `persimmon admin create-account`: B can see and touch nothing of A.

Contract assumed: any use by B of an ARN in A's account answers AccessDeniedException (not modelled by
botocore for Personalize, so it surfaces as a plain ClientError), whether or not the resource exists, so
the answer leaks nothing about A. Names are per account.
"""

from __future__ import annotations

import pytest

from conftest import (
    INTERACTIONS_SCHEMA,
    ITEMS_SCHEMA,
    error_message,
    error_status,
    expect_error,
    unique,
)

DENIED = "AccessDeniedException"


@pytest.fixture
def a_resources(tenant):
    """Account A with an ACTIVE dataset group holding an Interactions dataset, a spare schema, tags."""
    dsg_name, dsg = tenant.create_dataset_group(tags=[{"tagKey": "owner", "tagValue": "a"}])
    schema_name, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    dataset = tenant.create_dataset(dsg, schema)
    spare_schema_name, spare_schema = tenant.create_schema(ITEMS_SCHEMA)
    return {
        "dsg_name": dsg_name,
        "dsg": dsg,
        "schema_name": schema_name,
        "schema": schema,
        "dataset": dataset,
        "spare_schema_name": spare_schema_name,
        "spare_schema": spare_schema,
    }


def test_accounts_are_distinct(tenant, tenant_b):
    assert tenant.account_id != tenant_b.account_id
    assert tenant.access_key != tenant_b.access_key


def test_describe_of_other_accounts_arn_is_access_denied(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    expect_error(lambda: b.describe_dataset_group(datasetGroupArn=a_resources["dsg"]), DENIED)
    expect_error(lambda: b.describe_schema(schemaArn=a_resources["schema"]), DENIED)
    expect_error(lambda: b.describe_dataset(datasetArn=a_resources["dataset"]), DENIED)


@pytest.mark.parametrize(
    "kind,describe",
    [
        ("dataset-group", lambda c, arn: c.describe_dataset_group(datasetGroupArn=arn)),
        ("schema", lambda c, arn: c.describe_schema(schemaArn=arn)),
        ("dataset", lambda c, arn: c.describe_dataset(datasetArn=arn)),
    ],
)
def test_denial_is_the_same_whether_or_not_the_resource_exists(tenant, tenant_b, a_resources, kind, describe):
    b = tenant_b.personalize
    existing = {"dataset-group": a_resources["dsg"], "schema": a_resources["schema"], "dataset": a_resources["dataset"]}[kind]
    missing = {
        "dataset-group": tenant.arn(f"dataset-group/{unique('nope')}"),
        "schema": tenant.arn(f"schema/{unique('nope')}"),
        "dataset": tenant.arn(f"dataset/{unique('nope')}/INTERACTIONS"),
    }[kind]
    e1 = expect_error(lambda: describe(b, existing), DENIED)
    e2 = expect_error(lambda: describe(b, missing), DENIED)
    assert error_status(e1) == error_status(e2)
    assert error_message(e1).replace(existing, "<ARN>") == error_message(e2).replace(missing, "<ARN>")


def test_listing_shows_nothing_of_another_account(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    own_name, own_dsg = tenant_b.create_dataset_group(wait=False)
    groups = b.list_dataset_groups()["datasetGroups"]
    assert [g["datasetGroupArn"] for g in groups] == [own_dsg]
    assert b.list_schemas()["schemas"] == []
    assert b.list_datasets()["datasets"] == []
    a_arns = set(a_resources.values())
    for listing in (groups, b.list_schemas()["schemas"], b.list_datasets()["datasets"]):
        for entry in listing:
            assert not a_arns & set(entry.values())
            for value in entry.values():
                if isinstance(value, str) and value.startswith("arn:"):
                    assert f":{tenant.account_id}:" not in value


def test_list_datasets_of_other_accounts_group_is_denied(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    expect_error(lambda: b.list_datasets(datasetGroupArn=a_resources["dsg"]), DENIED)


def test_cannot_delete_other_accounts_resources(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    expect_error(lambda: b.delete_dataset(datasetArn=a_resources["dataset"]), DENIED)
    expect_error(lambda: b.delete_schema(schemaArn=a_resources["spare_schema"]), DENIED)
    # delete the dataset group of A only after its dataset would be gone: B is refused regardless
    expect_error(lambda: b.delete_dataset_group(datasetGroupArn=a_resources["dsg"]), DENIED)
    a = tenant.personalize
    assert a.describe_dataset(datasetArn=a_resources["dataset"])["dataset"]["status"] == "ACTIVE"
    assert a.describe_schema(schemaArn=a_resources["spare_schema"])["schema"]["schemaArn"] == a_resources["spare_schema"]
    assert a.describe_dataset_group(datasetGroupArn=a_resources["dsg"])["datasetGroup"]["status"] == "ACTIVE"


def test_cannot_tag_untag_or_list_tags_of_other_accounts_resources(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    arn = a_resources["dsg"]
    expect_error(lambda: b.tag_resource(resourceArn=arn, tags=[{"tagKey": "owner", "tagValue": "b"}]), DENIED)
    expect_error(lambda: b.untag_resource(resourceArn=arn, tagKeys=["owner"]), DENIED)
    expect_error(lambda: b.list_tags_for_resource(resourceArn=arn), DENIED)
    assert tenant.personalize.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "owner", "tagValue": "a"}]


def test_cannot_update_other_accounts_dataset(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    _, b_schema = tenant_b.create_schema(INTERACTIONS_SCHEMA)
    expect_error(lambda: b.update_dataset(datasetArn=a_resources["dataset"], schemaArn=b_schema), DENIED)
    assert tenant.describe_dataset(a_resources["dataset"])["schemaArn"] == a_resources["schema"]


def test_cannot_use_other_accounts_schema_or_group(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    _, b_dsg = tenant_b.create_dataset_group()
    _, b_schema = tenant_b.create_schema(ITEMS_SCHEMA)
    # B's dataset group with A's schema
    expect_error(
        lambda: b.create_dataset(
            name=unique("ds"), schemaArn=a_resources["spare_schema"], datasetGroupArn=b_dsg, datasetType="Items"
        ),
        DENIED,
    )
    # A's dataset group with B's schema
    expect_error(
        lambda: b.create_dataset(name=unique("ds"), schemaArn=b_schema, datasetGroupArn=a_resources["dsg"], datasetType="Items"),
        DENIED,
    )
    assert {d["datasetArn"] for d in tenant.personalize.list_datasets(datasetGroupArn=a_resources["dsg"])["datasets"]} == {
        a_resources["dataset"]
    }


def test_names_are_per_account(tenant, tenant_b, a_resources):
    b = tenant_b.personalize
    dsg_name, b_dsg = tenant_b.create_dataset_group(name=a_resources["dsg_name"])
    assert b_dsg != a_resources["dsg"]
    assert f":{tenant_b.account_id}:" in b_dsg
    _, b_schema = tenant_b.create_schema(INTERACTIONS_SCHEMA, name=a_resources["schema_name"])
    assert b_schema != a_resources["schema"]
    b_dataset = tenant_b.create_dataset(b_dsg, b_schema)
    assert b_dataset != a_resources["dataset"]
    assert b.describe_dataset_group(datasetGroupArn=b_dsg)["datasetGroup"]["name"] == dsg_name
    # A's resources are untouched
    assert tenant.describe_dataset_group(a_resources["dsg"])["status"] == "ACTIVE"


def test_own_unknown_arn_is_not_found_not_denied(tenant_b):
    b = tenant_b.personalize
    arn = tenant_b.arn(f"dataset-group/{unique('nope')}")
    with pytest.raises(b.exceptions.ResourceNotFoundException):
        b.describe_dataset_group(datasetGroupArn=arn)
