"""TagResource / UntagResource / ListTagsForResource and tags on create.

Limit assumed: 50 tags per resource, as documented by Amazon Personalize
(personalize-managing-tags.html: "Maximum number of tags per resource – 50"). The model allows 200 tags per
request, so botocore sends 51 and the server must answer TooManyTagsException. Keys and values are case
sensitive; keys and values must not start with the reserved `aws:` prefix.
"""

from __future__ import annotations

import pytest

from conftest import (
    INTERACTIONS_SCHEMA,
    MAX_TAGS_PER_RESOURCE,
    assert_output_shape,
    expect_invalid_input,
    expect_modelled,
    unique,
    wait_for_gone,
)


def tags(n: int, prefix: str = "k", value: str = "v") -> list[dict[str, str]]:
    return [{"tagKey": f"{prefix}{i}", "tagValue": f"{value}{i}"} for i in range(n)]


def as_dict(tag_list: list[dict[str, str]]) -> dict[str, str]:
    return {t["tagKey"]: t["tagValue"] for t in tag_list}


def listed_tags(pz, arn: str) -> dict[str, str]:
    resp = pz.list_tags_for_resource(resourceArn=arn)
    assert_output_shape(pz, "ListTagsForResource", resp)
    result = as_dict(resp["tags"])
    assert len(result) == len(resp["tags"]), f"duplicate keys in {resp['tags']}"
    return result


def test_tags_on_create_dataset_group(tenant, pz):
    initial = [{"tagKey": "Environment", "tagValue": "Test"}, {"tagKey": "Team", "tagValue": "ml platform"}]
    _, arn = tenant.create_dataset_group(tags=initial, wait=False)
    assert listed_tags(pz, arn) == as_dict(initial)


def test_tags_on_create_dataset(tenant, pz):
    _, dsg = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    arn = tenant.create_dataset(dsg, schema, tags=[{"tagKey": "owner", "tagValue": "data-team"}], wait=False)
    assert listed_tags(pz, arn) == {"owner": "data-team"}


def test_untagged_resource_lists_no_tags(tenant, pz):
    _, arn = tenant.create_dataset_group(wait=False)
    assert listed_tags(pz, arn) == {}


def test_tag_untag_round_trip(tenant, pz):
    _, arn = tenant.create_dataset_group(tags=[{"tagKey": "a", "tagValue": "1"}], wait=False)
    resp = pz.tag_resource(resourceArn=arn, tags=[{"tagKey": "b", "tagValue": "2"}, {"tagKey": "c", "tagValue": ""}])
    assert_output_shape(pz, "TagResource", resp)
    assert listed_tags(pz, arn) == {"a": "1", "b": "2", "c": ""}

    # re-tagging an existing key replaces its value
    pz.tag_resource(resourceArn=arn, tags=[{"tagKey": "a", "tagValue": "one"}])
    assert listed_tags(pz, arn) == {"a": "one", "b": "2", "c": ""}

    resp = pz.untag_resource(resourceArn=arn, tagKeys=["a", "c"])
    assert_output_shape(pz, "UntagResource", resp)
    assert listed_tags(pz, arn) == {"b": "2"}

    pz.untag_resource(resourceArn=arn, tagKeys=["b"])
    assert listed_tags(pz, arn) == {}


def test_tag_keys_are_case_sensitive(tenant, pz):
    _, arn = tenant.create_dataset_group(wait=False)
    pz.tag_resource(resourceArn=arn, tags=[{"tagKey": "Env", "tagValue": "A"}, {"tagKey": "env", "tagValue": "b"}])
    assert listed_tags(pz, arn) == {"Env": "A", "env": "b"}
    pz.untag_resource(resourceArn=arn, tagKeys=["env"])
    assert listed_tags(pz, arn) == {"Env": "A"}


def test_tags_with_allowed_special_characters(tenant, pz):
    _, arn = tenant.create_dataset_group(wait=False)
    special = [{"tagKey": "cost-center:team/unit_1=a+b@x.y", "tagValue": "Grüße 42 _.:/=+-@"}]
    pz.tag_resource(resourceArn=arn, tags=special)
    assert listed_tags(pz, arn) == as_dict(special)


def test_exactly_50_tags_are_accepted(tenant, pz):
    _, arn = tenant.create_dataset_group(tags=tags(MAX_TAGS_PER_RESOURCE), wait=False)
    assert len(listed_tags(pz, arn)) == MAX_TAGS_PER_RESOURCE
    # overwriting existing keys does not count against the limit
    pz.tag_resource(resourceArn=arn, tags=tags(MAX_TAGS_PER_RESOURCE, value="new"))
    assert listed_tags(pz, arn) == as_dict(tags(MAX_TAGS_PER_RESOURCE, value="new"))


def test_more_than_50_tags_on_create_is_too_many_tags(tenant, pz):
    name = unique("dsg")
    expect_modelled(
        pz, lambda: pz.create_dataset_group(name=name, tags=tags(MAX_TAGS_PER_RESOURCE + 1)), "TooManyTagsException"
    )
    # nothing was created
    assert name not in [g["name"] for g in pz.list_dataset_groups()["datasetGroups"]]


def test_tag_resource_beyond_50_in_total_is_too_many_tags(tenant, pz):
    _, arn = tenant.create_dataset_group(tags=tags(30, prefix="old"), wait=False)
    expect_modelled(pz, lambda: pz.tag_resource(resourceArn=arn, tags=tags(21, prefix="new")), "TooManyTagsException")
    assert listed_tags(pz, arn) == as_dict(tags(30, prefix="old"))  # all or nothing
    pz.tag_resource(resourceArn=arn, tags=tags(20, prefix="new"))
    assert len(listed_tags(pz, arn)) == MAX_TAGS_PER_RESOURCE


def test_untag_more_than_50_keys_is_too_many_tag_keys(tenant, pz):
    # TooManyTagKeysException: "The request contains more tag keys than can be associated with a resource
    # (50 tag keys per resource)."
    _, arn = tenant.create_dataset_group(tags=tags(3), wait=False)
    keys = [f"k{i}" for i in range(MAX_TAGS_PER_RESOURCE + 1)]
    expect_modelled(pz, lambda: pz.untag_resource(resourceArn=arn, tagKeys=keys), "TooManyTagKeysException")
    assert len(listed_tags(pz, arn)) == 3


@pytest.mark.parametrize("operation", ["tag", "untag", "list"])
def test_unknown_resource_is_resource_not_found(tenant, pz, operation):
    arn = tenant.arn(f"dataset-group/{unique('missing')}")
    calls = {
        "tag": lambda: pz.tag_resource(resourceArn=arn, tags=[{"tagKey": "a", "tagValue": "b"}]),
        "untag": lambda: pz.untag_resource(resourceArn=arn, tagKeys=["a"]),
        "list": lambda: pz.list_tags_for_resource(resourceArn=arn),
    }
    expect_modelled(pz, calls[operation], "ResourceNotFoundException")


@pytest.mark.parametrize(
    "bad_tag",
    [
        {"tagKey": "k" * 129, "tagValue": "v"},
        {"tagKey": "k", "tagValue": "v" * 257},
        {"tagKey": "bad*key", "tagValue": "v"},
        {"tagKey": "k", "tagValue": "bad<value>"},
        {"tagKey": "", "tagValue": "v"},
        {"tagKey": "aws:reserved", "tagValue": "v"},
    ],
    ids=["key-129-chars", "value-257-chars", "key-bad-char", "value-bad-char", "empty-key", "aws-prefix"],
)
def test_invalid_tags_are_invalid_input(tenant, pz, pz_nv, bad_tag):
    _, arn = tenant.create_dataset_group(wait=False)
    expect_invalid_input(pz, lambda: pz_nv.tag_resource(resourceArn=arn, tags=[bad_tag]), "tag")
    assert listed_tags(pz, arn) == {}


def test_invalid_tag_on_create_is_invalid_input_and_creates_nothing(tenant, pz, pz_nv):
    name = unique("dsg")
    expect_invalid_input(pz, lambda: pz_nv.create_dataset_group(name=name, tags=[{"tagKey": "bad*key", "tagValue": "v"}]), "tag")
    assert name not in [g["name"] for g in pz.list_dataset_groups()["datasetGroups"]]


def test_tags_survive_and_disappear_with_the_resource(tenant, pz):
    name, arn = tenant.create_dataset_group(tags=[{"tagKey": "a", "tagValue": "1"}])
    pz.delete_dataset_group(datasetGroupArn=arn)
    wait_for_gone(pz, lambda: tenant.describe_dataset_group(arn))
    expect_modelled(pz, lambda: pz.list_tags_for_resource(resourceArn=arn), "ResourceNotFoundException")
    # a new group with the same name starts without the old tags
    _, arn2 = tenant.create_dataset_group(name=name, wait=False)
    assert arn2 == arn
    assert listed_tags(pz, arn2) == {}
