"""ListRecipes / DescribeRecipe / DescribeAlgorithm / DescribeFeatureTransformation: the public catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import assert_output_shape, expect_invalid_input, expect_modelled

RECIPE_PREFIX = "arn:aws:personalize:::recipe/"
ALGORITHM_PREFIX = "arn:aws:personalize:::algorithm/"
FEATURE_TRANSFORMATION_PREFIX = "arn:aws:personalize:::feature-transformation/"

CORE_RECIPES = ["aws-user-personalization", "aws-sims", "aws-popularity-count"]
EXPECTED_RECIPE_TYPE = {"aws-user-personalization": "USER_PERSONALIZATION", "aws-sims": "RELATED_ITEMS"}


def all_recipes(pz, **kwargs) -> list[dict]:
    out, token = [], None
    for _ in range(50):
        resp = pz.list_recipes(**kwargs, **({"nextToken": token} if token else {}))
        assert_output_shape(pz, "ListRecipes", resp)
        out += resp["recipes"]
        token = resp.get("nextToken")
        if not token:
            return out
    pytest.fail("ListRecipes never stopped returning nextToken")


@pytest.fixture(scope="module")
def catalogue(shared_tenant):
    return all_recipes(shared_tenant.personalize)


def test_list_recipes_contains_the_core_recipes(catalogue):
    arns = [r["recipeArn"] for r in catalogue]
    assert len(arns) == len(set(arns)), "duplicate recipes"
    for name in CORE_RECIPES:
        assert RECIPE_PREFIX + name in arns, f"{name} missing from ListRecipes"
    for r in catalogue:
        assert r["recipeArn"].startswith(RECIPE_PREFIX), r
        assert r["name"] == r["recipeArn"][len(RECIPE_PREFIX) :], r
        assert r.get("status") == "ACTIVE", r
        assert isinstance(r.get("creationDateTime"), dt.datetime), r


def test_recipe_provider_service_lists_the_same_service_recipes(shared_tenant, catalogue):
    service = all_recipes(shared_tenant.personalize, recipeProvider="SERVICE")
    assert {r["recipeArn"] for r in service} == {r["recipeArn"] for r in catalogue}


@pytest.mark.parametrize("domain,prefix,example", [
    ("ECOMMERCE", "aws-ecomm-", "aws-ecomm-recommended-for-you"),
    ("VIDEO_ON_DEMAND", "aws-vod-", "aws-vod-top-picks"),
])
def test_list_recipes_by_domain(shared_tenant, catalogue, domain, prefix, example):
    recipes = all_recipes(shared_tenant.personalize, domain=domain)
    # "If you don't specify a domain, all recipes are returned."
    assert {r["recipeArn"] for r in recipes} <= {r["recipeArn"] for r in catalogue}
    assert recipes, f"no {domain} recipes"
    names = [r["name"] for r in recipes]
    assert example in names, names
    for r in recipes:
        assert r.get("domain") == domain, r
        assert r["name"].startswith(prefix), r


def test_list_recipes_paginates(shared_tenant, catalogue):
    pz = shared_tenant.personalize
    first = pz.list_recipes(maxResults=2)
    assert len(first["recipes"]) == 2
    assert first.get("nextToken")
    paged = [r["recipeArn"] for r in all_recipes(pz, maxResults=2)]
    assert len(paged) == len(set(paged)), "a recipe appeared on two pages"
    assert set(paged) == {r["recipeArn"] for r in catalogue}


def test_invalid_recipe_provider_is_invalid_input(shared_tenant):
    pz = shared_tenant.personalize
    nv = shared_tenant.personalize_nv
    expect_invalid_input(pz, lambda: nv.list_recipes(recipeProvider="CUSTOMER"), "recipeProvider")
    expect_invalid_input(pz, lambda: nv.list_recipes(domain="RETAIL"), "domain")


@pytest.mark.parametrize("name", CORE_RECIPES)
def test_describe_recipe_algorithm_and_feature_transformation(shared_tenant, name):
    pz = shared_tenant.personalize
    arn = RECIPE_PREFIX + name
    resp = pz.describe_recipe(recipeArn=arn)
    assert_output_shape(pz, "DescribeRecipe", resp)
    recipe = resp["recipe"]
    assert recipe["recipeArn"] == arn
    assert recipe["name"] == name
    assert recipe.get("status") == "ACTIVE"
    assert recipe.get("description")
    assert recipe.get("recipeType")
    if name in EXPECTED_RECIPE_TYPE:
        assert recipe["recipeType"] == EXPECTED_RECIPE_TYPE[name]
    assert isinstance(recipe.get("creationDateTime"), dt.datetime)

    algorithm_arn = recipe.get("algorithmArn")
    assert algorithm_arn and algorithm_arn.startswith(ALGORITHM_PREFIX), recipe
    alg = pz.describe_algorithm(algorithmArn=algorithm_arn)
    assert_output_shape(pz, "DescribeAlgorithm", alg)
    assert alg["algorithm"]["algorithmArn"] == algorithm_arn
    assert alg["algorithm"]["name"] == algorithm_arn[len(ALGORITHM_PREFIX) :]

    ft_arn = recipe.get("featureTransformationArn")
    if ft_arn:
        assert ft_arn.startswith(FEATURE_TRANSFORMATION_PREFIX), ft_arn
        ft = pz.describe_feature_transformation(featureTransformationArn=ft_arn)
        assert_output_shape(pz, "DescribeFeatureTransformation", ft)
        assert ft["featureTransformation"]["featureTransformationArn"] == ft_arn
        assert ft["featureTransformation"].get("status") == "ACTIVE"


def test_every_listed_recipe_is_describable(shared_tenant, catalogue):
    pz = shared_tenant.personalize
    for summary in catalogue:
        recipe = pz.describe_recipe(recipeArn=summary["recipeArn"])["recipe"]
        assert recipe["name"] == summary["name"]


def test_recipes_are_the_same_for_every_account(tenant, catalogue):
    assert {r["recipeArn"] for r in all_recipes(tenant.personalize)} == {r["recipeArn"] for r in catalogue}


def test_unknown_recipe_algorithm_feature_transformation_are_not_found(shared_tenant):
    pz = shared_tenant.personalize
    expect_modelled(pz, lambda: pz.describe_recipe(recipeArn=RECIPE_PREFIX + "aws-no-such-recipe"), "ResourceNotFoundException")
    expect_modelled(
        pz, lambda: pz.describe_algorithm(algorithmArn=ALGORITHM_PREFIX + "aws-no-such-algorithm"), "ResourceNotFoundException"
    )
    expect_modelled(
        pz,
        lambda: pz.describe_feature_transformation(featureTransformationArn=FEATURE_TRANSFORMATION_PREFIX + "nope"),
        "ResourceNotFoundException",
    )


def test_invalid_recipe_arn_is_invalid_input(shared_tenant):
    expect_invalid_input(
        shared_tenant.personalize,
        lambda: shared_tenant.personalize_nv.describe_recipe(recipeArn="aws-sims"),
        "recipeArn",
    )
