"""CreateSchema / DescribeSchema / ListSchemas / DeleteSchema and the Avro schema rules."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from conftest import (
    INTERACTIONS_SCHEMA,
    INTERACTIONS_SCHEMA_WITH_EVENTS,
    ITEMS_SCHEMA,
    SCHEMA_NAMESPACE,
    USERS_SCHEMA,
    assert_output_shape,
    avro,
    expect_invalid_input,
    expect_modelled,
    expect_schema_rejected,
    unique,
    utcnow,
    wait_for_gone,
)

ECOMMERCE_INTERACTIONS_SCHEMA = avro(
    "Interactions",
    [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
    ],
)


def schema_arn_re(account_id: str, name: str) -> str:
    return rf"arn:aws:personalize:[a-z0-9-]+:{account_id}:schema/{re.escape(name)}"


@pytest.mark.parametrize(
    "schema",
    [INTERACTIONS_SCHEMA, INTERACTIONS_SCHEMA_WITH_EVENTS, ITEMS_SCHEMA, USERS_SCHEMA],
    ids=["interactions", "interactions-with-events", "items", "users"],
)
def test_create_and_describe_round_trip(tenant, pz, schema):
    name = unique("schema")
    resp = pz.create_schema(name=name, schema=schema)
    assert_output_shape(pz, "CreateSchema", resp)
    arn = resp["schemaArn"]
    assert re.fullmatch(schema_arn_re(tenant.account_id, name), arn), arn

    described = pz.describe_schema(schemaArn=arn)
    assert_output_shape(pz, "DescribeSchema", described)
    s = described["schema"]
    assert s["name"] == name
    assert s["schemaArn"] == arn
    assert json.loads(s["schema"]) == json.loads(schema)
    assert "domain" not in s
    for key in ("creationDateTime", "lastUpdatedDateTime"):
        assert isinstance(s[key], dt.datetime) and s[key].tzinfo is not None
        assert abs(s[key] - utcnow()) < dt.timedelta(minutes=2)


def test_domain_schema(tenant, pz):
    name = unique("ecomm")
    arn = pz.create_schema(name=name, schema=ECOMMERCE_INTERACTIONS_SCHEMA, domain="ECOMMERCE")["schemaArn"]
    s = pz.describe_schema(schemaArn=arn)["schema"]
    assert s["domain"] == "ECOMMERCE"
    listed = [x for x in pz.list_schemas()["schemas"] if x["schemaArn"] == arn]
    assert listed and listed[0].get("domain") == "ECOMMERCE"


def test_list_shows_created_schemas(tenant, pz):
    created = {tenant.create_schema(INTERACTIONS_SCHEMA)[1], tenant.create_schema(ITEMS_SCHEMA)[1]}
    resp = pz.list_schemas()
    assert_output_shape(pz, "ListSchemas", resp)
    listed = {s["schemaArn"]: s for s in resp["schemas"]}
    assert created <= set(listed)
    for arn in created:
        summary = listed[arn]
        assert summary["name"] == arn.rsplit("/", 1)[1]
        assert isinstance(summary["creationDateTime"], dt.datetime)
        assert "schema" not in summary  # summaries do not carry the Avro text


def test_duplicate_name_is_resource_already_exists(tenant, pz):
    name, _ = tenant.create_schema(INTERACTIONS_SCHEMA)
    expect_modelled(pz, lambda: pz.create_schema(name=name, schema=ITEMS_SCHEMA), "ResourceAlreadyExistsException")


def test_describe_unknown_is_resource_not_found(tenant, pz):
    arn = tenant.arn(f"schema/{unique('missing')}")
    expect_modelled(pz, lambda: pz.describe_schema(schemaArn=arn), "ResourceNotFoundException")


def test_delete_unknown_is_resource_not_found(tenant, pz):
    arn = tenant.arn(f"schema/{unique('missing')}")
    expect_modelled(pz, lambda: pz.delete_schema(schemaArn=arn), "ResourceNotFoundException")


def test_delete_removes_schema(tenant, pz):
    name, arn = tenant.create_schema(INTERACTIONS_SCHEMA)
    resp = pz.delete_schema(schemaArn=arn)
    assert_output_shape(pz, "DeleteSchema", resp)
    wait_for_gone(pz, lambda: pz.describe_schema(schemaArn=arn)["schema"], allowed=(None,))
    assert arn not in [s["schemaArn"] for s in pz.list_schemas()["schemas"]]
    # the name is free again
    tenant.create_schema(INTERACTIONS_SCHEMA, name=name)


def test_delete_schema_used_by_dataset_is_resource_in_use(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    dataset = tenant.create_dataset(dsg, schema)
    expect_modelled(pz, lambda: pz.delete_schema(schemaArn=schema), "ResourceInUseException")
    assert pz.describe_schema(schemaArn=schema)["schema"]["schemaArn"] == schema
    pz.delete_dataset(datasetArn=dataset)
    wait_for_gone(pz, lambda: tenant.describe_dataset(dataset))
    pz.delete_schema(schemaArn=schema)
    wait_for_gone(pz, lambda: pz.describe_schema(schemaArn=schema)["schema"], allowed=(None,))


# ---- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_name", ["", "-x", "has space", "x" * 64], ids=["empty", "leading-hyphen", "space", "64-chars"])
def test_invalid_name_is_invalid_input(pz, pz_nv, bad_name):
    expect_invalid_input(pz, lambda: pz_nv.create_schema(name=bad_name, schema=INTERACTIONS_SCHEMA), "name")


def test_missing_schema_member_is_invalid_input(pz, pz_nv):
    expect_invalid_input(pz, lambda: pz_nv.create_schema(name=unique("s")), "schema")


def test_schema_longer_than_20000_chars_is_invalid_input(pz, pz_nv):
    fields = [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"}, {"name": "TIMESTAMP", "type": "long"}]
    big = avro("Interactions", fields, doc="x" * 20_100)
    assert len(big) > 20_000
    expect_invalid_input(pz, lambda: pz_nv.create_schema(name=unique("s"), schema=big), "schema")


def test_invalid_domain_is_invalid_input(pz, pz_nv):
    expect_invalid_input(
        pz, lambda: pz_nv.create_schema(name=unique("s"), schema=INTERACTIONS_SCHEMA, domain="RETAIL"), "domain"
    )


@pytest.mark.parametrize(
    "text",
    ["{not json", "", "[]", json.dumps({"type": "string"}), json.dumps({"type": "record", "name": "X", "namespace": SCHEMA_NAMESPACE})],
    ids=["not-json", "empty", "array", "not-a-record", "no-fields"],
)
def test_malformed_schema_document_is_invalid_input(pz, pz_nv, text):
    expect_invalid_input(pz, lambda: pz_nv.create_schema(name=unique("s"), schema=text), "schema", "record", "fields", "json")


BASE_ITEMS_FIELDS = [{"name": "ITEM_ID", "type": "string"}]


@pytest.mark.parametrize(
    "extra_field,mentions",
    [
        (
            {"name": "NESTED", "type": {"type": "record", "name": "Inner", "fields": [{"name": "A", "type": "string"}]}},
            ("NESTED", "record", "nested"),
        ),
        ({"name": "TAGS", "type": {"type": "array", "items": "string"}}, ("TAGS", "array")),
        ({"name": "ATTRS", "type": {"type": "map", "values": "string"}}, ("ATTRS", "map")),
        ({"name": "RELEASED", "type": "date"}, ("RELEASED", "date")),
        ({"name": "BLOB", "type": "bytes"}, ("BLOB", "bytes")),
    ],
    ids=["nested-record", "array", "map", "unknown-type", "bytes"],
)
def test_non_flat_or_unsupported_field_types_are_refused(tenant, extra_field, mentions):
    _, dsg = tenant.create_dataset_group()
    schema = avro("Items", BASE_ITEMS_FIELDS + [extra_field])
    expect_schema_rejected(tenant, schema, "Items", dsg, *mentions)


def test_duplicate_field_names_are_refused(tenant):
    _, dsg = tenant.create_dataset_group()
    fields = BASE_ITEMS_FIELDS + [
        {"name": "GENRES", "type": "string", "categorical": True},
        {"name": "GENRES", "type": "string", "categorical": True},
    ]
    expect_schema_rejected(tenant, avro("Items", fields), "Items", dsg, "GENRES", "duplicate", "unique")


def test_field_names_colliding_after_normalisation_are_refused(tenant):
    _, dsg = tenant.create_dataset_group()
    fields = BASE_ITEMS_FIELDS + [
        {"name": "GENRES_FIELD_1", "type": "string", "categorical": True},
        {"name": "GENRESFIELD1", "type": "string", "categorical": True},
    ]
    expect_schema_rejected(tenant, avro("Items", fields), "Items", dsg, "GENRES_FIELD_1", "GENRESFIELD1")
