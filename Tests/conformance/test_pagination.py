"""nextToken / maxResults pagination and the boto3 paginators."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import INTERACTIONS_SCHEMA, ITEMS_SCHEMA, USERS_SCHEMA, expect_modelled, unique

N_SCHEMAS = 120
PAGE = 50


def create_schemas(tenant, n: int) -> set[str]:
    names = [f"page-{i:03d}-{unique('s')}" for i in range(n)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        arns = list(pool.map(lambda name: tenant.create_schema(INTERACTIONS_SCHEMA, name=name)[1], names))
    assert len(set(arns)) == n
    return set(arns)


def pages(call, key: str, **kwargs) -> list[list[dict]]:
    out, token = [], None
    for _ in range(100):
        resp = call(**kwargs, **({"nextToken": token} if token else {}))
        out.append(resp[key])
        token = resp.get("nextToken")
        if not token:
            return out
    pytest.fail("pagination never ended")


@pytest.fixture(scope="module")
def schema_tenant(server):
    """A fresh account holding exactly N_SCHEMAS schemas."""
    tenant = server.create_account(unique("pages"))
    tenant.created_schemas = create_schemas(tenant, N_SCHEMAS)
    return tenant


def test_list_schemas_pages_of_50(schema_tenant):
    pz = schema_tenant.personalize
    got = pages(pz.list_schemas, "schemas", maxResults=PAGE)
    sizes = [len(p) for p in got]
    assert all(s <= PAGE for s in sizes), sizes
    assert sizes[0] == PAGE, sizes
    assert sum(sizes) == N_SCHEMAS, sizes
    arns = [s["schemaArn"] for p in got for s in p]
    assert len(arns) == len(set(arns)), "duplicates across pages"
    assert set(arns) == schema_tenant.created_schemas


def test_list_schemas_without_max_results(schema_tenant):
    pz = schema_tenant.personalize
    got = pages(pz.list_schemas, "schemas")
    assert all(len(p) <= 100 for p in got)
    arns = [s["schemaArn"] for p in got for s in p]
    assert len(arns) == len(set(arns))
    assert set(arns) == schema_tenant.created_schemas


def test_list_schemas_paginator(schema_tenant):
    pz = schema_tenant.personalize
    paginator = pz.get_paginator("list_schemas")
    seen, page_count = [], 0
    for page in paginator.paginate(PaginationConfig={"PageSize": PAGE}):
        page_count += 1
        assert len(page["schemas"]) <= PAGE
        seen += [s["schemaArn"] for s in page["schemas"]]
    assert page_count >= 3
    assert len(seen) == len(set(seen))
    assert set(seen) == schema_tenant.created_schemas

    full = paginator.paginate(PaginationConfig={"PageSize": 7}).build_full_result()
    assert {s["schemaArn"] for s in full["schemas"]} == schema_tenant.created_schemas
    # MaxItems stops early and hands back a resumable token
    limited = paginator.paginate(PaginationConfig={"PageSize": 10, "MaxItems": 25}).build_full_result()
    assert len(limited["schemas"]) == 25
    rest = paginator.paginate(
        PaginationConfig={"PageSize": 10, "StartingToken": limited["NextToken"]}
    ).build_full_result()
    combined = [s["schemaArn"] for s in limited["schemas"] + rest["schemas"]]
    assert len(combined) == len(set(combined))
    assert set(combined) == schema_tenant.created_schemas


def test_dataset_groups_paginate(tenant):
    pz = tenant.personalize
    created = {tenant.create_dataset_group(wait=False)[1] for _ in range(5)}
    got = pages(pz.list_dataset_groups, "datasetGroups", maxResults=2)
    assert [len(p) for p in got][:2] == [2, 2]
    arns = [g["datasetGroupArn"] for p in got for g in p]
    assert len(arns) == len(set(arns)) and set(arns) == created
    full = pz.get_paginator("list_dataset_groups").paginate(PaginationConfig={"PageSize": 2}).build_full_result()
    assert {g["datasetGroupArn"] for g in full["datasetGroups"]} == created


def test_datasets_paginate(tenant):
    pz = tenant.personalize
    _, dsg = tenant.create_dataset_group()
    created = {
        tenant.create_dataset(dsg, tenant.create_schema(schema)[1], kind, wait=False)
        for schema, kind in ((INTERACTIONS_SCHEMA, "Interactions"), (ITEMS_SCHEMA, "Items"), (USERS_SCHEMA, "Users"))
    }
    got = pages(pz.list_datasets, "datasets", datasetGroupArn=dsg, maxResults=1)
    assert all(len(p) <= 1 for p in got)
    arns = [d["datasetArn"] for p in got for d in p]
    assert len(arns) == len(set(arns)) and set(arns) == created
    full = pz.get_paginator("list_datasets").paginate(datasetGroupArn=dsg, PaginationConfig={"PageSize": 2}).build_full_result()
    assert {d["datasetArn"] for d in full["datasets"]} == created


@pytest.mark.parametrize(
    "operation,kwargs",
    [
        ("list_schemas", {}),
        ("list_dataset_groups", {}),
        ("list_datasets", {}),
        ("list_recipes", {}),
    ],
)
@pytest.mark.parametrize("token", ["garbage", "eyJvZmZzZXQiOiAxfQ==", "x" * 1000], ids=["word", "base64-json", "long"])
def test_garbage_next_token_is_invalid_next_token(tenant, operation, kwargs, token):
    pz = tenant.personalize
    expect_modelled(pz, lambda: getattr(pz, operation)(nextToken=token, **kwargs), "InvalidNextTokenException")


def test_tampered_next_token_is_invalid_next_token(tenant):
    pz = tenant.personalize
    for _ in range(3):
        tenant.create_schema(INTERACTIONS_SCHEMA)
    token = pz.list_schemas(maxResults=1)["nextToken"]
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    mid = len(token) // 2
    mutated = token[:mid] + ("x" if token[mid] != "x" else "y") + token[mid + 1 :]
    for bad in {flipped, mutated} - {token}:
        expect_modelled(pz, lambda: pz.list_schemas(maxResults=1, nextToken=bad), "InvalidNextTokenException")


def test_next_token_from_another_account_is_invalid(tenant, tenant_b):
    for _ in range(3):
        tenant.create_schema(INTERACTIONS_SCHEMA)
        tenant_b.create_schema(INTERACTIONS_SCHEMA)
    token = tenant.personalize.list_schemas(maxResults=1)["nextToken"]
    pz_b = tenant_b.personalize
    expect_modelled(pz_b, lambda: pz_b.list_schemas(maxResults=1, nextToken=token), "InvalidNextTokenException")
    # and it still works for its own account
    assert tenant.personalize.list_schemas(maxResults=1, nextToken=token)["schemas"]


def test_next_token_from_another_operation_is_invalid(tenant):
    pz = tenant.personalize
    for _ in range(3):
        tenant.create_schema(INTERACTIONS_SCHEMA)
        tenant.create_dataset_group(wait=False)
    token = pz.list_schemas(maxResults=1)["nextToken"]
    expect_modelled(pz, lambda: pz.list_dataset_groups(maxResults=1, nextToken=token), "InvalidNextTokenException")
