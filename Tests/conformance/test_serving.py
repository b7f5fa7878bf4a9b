"""Campaigns and the runtime API: GetRecommendations (users and related items) and GetPersonalizedRanking."""

from __future__ import annotations

import json

import pytest

from conftest import assert_output_shape, expect_modelled, unique, wait_for_gone, wait_for_status
from test_imports import (  # noqa: F401  (fixtures)
    data_server,
    dtenant,
    import_root,
    moto_url,
)
from test_training import make_solution, trained_group, wait_version


def deploy(tenant, group: str, recipe: str) -> tuple[str, str]:
    pz = tenant.personalize
    solution = make_solution(pz, group, f"arn:aws:personalize:::recipe/{recipe}")
    version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert version["status"] == "ACTIVE", version.get("failureReason")
    resp = pz.create_campaign(name=unique("camp"), solutionVersionArn=version["solutionVersionArn"], minProvisionedTPS=1)
    assert_output_shape(pz, "CreateCampaign", resp)
    campaign = resp["campaignArn"]
    wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    return campaign, version["solutionVersionArn"]


@pytest.fixture(scope="module")
def served(data_server, import_root):
    tenant = data_server.create_account()
    group = trained_group(tenant, import_root)
    return tenant, group


def test_user_personalization_campaign_recommends(served):
    tenant, group = served
    campaign, _ = deploy(tenant, group, "aws-user-personalization")
    runtime = tenant.client("personalize-runtime")
    resp = runtime.get_recommendations(campaignArn=campaign, userId="u1")
    assert_output_shape(runtime, "GetRecommendations", resp)
    items = resp["itemList"]
    assert len(items) == 25
    assert resp["recommendationId"]
    assert all(item["itemId"].startswith("i") for item in items)
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    assert len({item["itemId"] for item in items}) == 25
    assert len(runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=7)["itemList"]) == 7
    # A user never seen still gets recommendations (cold start).
    assert len(runtime.get_recommendations(campaignArn=campaign, userId=unique("newcomer"))["itemList"]) == 25
    # Different users with different histories get different lists.
    lists = {tuple(i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, userId=f"u{n}")["itemList"]) for n in range(6)}
    assert len(lists) > 1
    expect_modelled(
        runtime, lambda: runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=501), "InvalidInputException"
    )
    expect_modelled(runtime, lambda: runtime.get_recommendations(campaignArn=campaign), "InvalidInputException")


def test_sims_campaign_answers_for_items(served):
    tenant, group = served
    campaign, _ = deploy(tenant, group, "aws-sims")
    runtime = tenant.client("personalize-runtime")
    items = runtime.get_recommendations(campaignArn=campaign, itemId="i5", numResults=10)["itemList"]
    assert 0 < len(items) <= 10
    assert "i5" not in {i["itemId"] for i in items}
    # An unknown item falls back to popular items rather than failing.
    assert runtime.get_recommendations(campaignArn=campaign, itemId="never-seen", numResults=5)["itemList"]
    expect_modelled(runtime, lambda: runtime.get_recommendations(campaignArn=campaign, userId="u1"), "InvalidInputException")


def test_personalized_ranking_orders_the_input(served):
    tenant, group = served
    campaign, _ = deploy(tenant, group, "aws-personalized-ranking")
    runtime = tenant.client("personalize-runtime")
    given = ["i1", "i2", "i3", "unknown-item", "i4"]
    resp = runtime.get_personalized_ranking(campaignArn=campaign, userId="u3", inputList=given)
    assert_output_shape(runtime, "GetPersonalizedRanking", resp)
    ranked = resp["personalizedRanking"]
    assert sorted(i["itemId"] for i in ranked) == sorted(given)
    assert ranked[-1]["itemId"] == "unknown-item" and "score" not in ranked[-1]
    scores = [i["score"] for i in ranked[:-1]]
    assert scores == sorted(scores, reverse=True)


def test_campaign_update_and_delete(served):
    tenant, group = served
    pz = tenant.personalize
    campaign, version = deploy(tenant, group, "aws-popularity-count")
    runtime = tenant.client("personalize-runtime")
    first = runtime.get_recommendations(campaignArn=campaign, userId="u1")["itemList"]
    second = runtime.get_recommendations(campaignArn=campaign, userId="u2")["itemList"]
    assert [i["itemId"] for i in first] == [i["itemId"] for i in second]  # the same list for everyone
    solution = version.rsplit("/", 1)[0]
    newer = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    pz.update_campaign(campaignArn=campaign, solutionVersionArn=newer["solutionVersionArn"])
    described = pz.describe_campaign(campaignArn=campaign)["campaign"]
    assert described["solutionVersionArn"] == newer["solutionVersionArn"]
    assert described["latestCampaignUpdate"]["status"] == "ACTIVE"
    assert runtime.get_recommendations(campaignArn=campaign, userId="u1")["itemList"]
    assert [c["campaignArn"] for c in pz.list_campaigns(solutionArn=solution)["campaigns"]] == [campaign]
    expect_modelled(pz, lambda: pz.delete_solution(solutionArn=solution), "ResourceInUseException")
    pz.delete_campaign(campaignArn=campaign)
    wait_for_gone(pz, lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    expect_modelled(
        runtime, lambda: runtime.get_recommendations(campaignArn=campaign, userId="u1"), "ResourceNotFoundException"
    )


def test_put_events_change_the_next_recommendation(served):
    tenant, group = served
    pz = tenant.personalize
    campaign, _ = deploy(tenant, group, "aws-sims")
    tracking_id = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)["trackingId"]
    tracker_arn = next(
        t["eventTrackerArn"] for t in pz.list_event_trackers(datasetGroupArn=group)["eventTrackers"]
    )
    wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker_arn)["eventTracker"])
    events = tenant.client("personalize-events")
    runtime = tenant.client("personalize-runtime")

    # A user-personalization campaign on the same data group folds the new events in at query time.
    up_campaign, _ = deploy(tenant, group, "aws-user-personalization")
    user = unique("fresh-user")
    before = [i["itemId"] for i in runtime.get_recommendations(campaignArn=up_campaign, userId=user)["itemList"]]
    events.put_events(
        trackingId=tracking_id,
        userId=user,
        sessionId=unique("session"),
        eventList=[
            {"eventType": "click", "itemId": f"i{n}", "sentAt": 1_800_000_000 + n} for n in (3, 7, 11, 13, 17)
        ],
    )
    after = [i["itemId"] for i in runtime.get_recommendations(campaignArn=up_campaign, userId=user)["itemList"]]
    assert before != after, "events did not change the next recommendation"

    # Anonymous sessions: the sessionId stands for the user.
    session = unique("anon")
    events.put_events(
        trackingId=tracking_id, sessionId=session, eventList=[{"eventType": "click", "itemId": "i2", "sentAt": 1_800_000_100}]
    )
    assert runtime.get_recommendations(campaignArn=up_campaign, userId=session)["itemList"]

    expect_modelled(
        events,
        lambda: events.put_events(
            trackingId="00000000-0000-0000-0000-000000000000",
            sessionId="s",
            eventList=[{"eventType": "click", "itemId": "i1", "sentAt": 1_800_000_000}],
        ),
        "ResourceNotFoundException",
    )
    # Events are stored durably: the next training includes them (the user is now known to the model data).
    assert campaign


def test_filters_shape_recommendations(served, import_root):
    from test_imports import ITEMS_SCHEMA, run_import

    tenant, _ = served
    pz = tenant.personalize
    group = trained_group(tenant, import_root)
    _, items_schema = tenant.create_schema(ITEMS_SCHEMA)
    items = tenant.create_dataset(group, items_schema, "Items")
    catalog = import_root / f"{unique('items')}.csv"
    catalog.write_text("ITEM_ID,GENRES\n" + "".join(f"i{n},{'Horror' if n % 3 == 0 else 'Comedy|Drama'}\n" for n in range(200)))
    assert run_import(pz, items, f"file://{catalog}")["status"] == "ACTIVE"

    err = expect_modelled(
        pz,
        lambda: pz.create_filter(
            name=unique("f"), datasetGroupArn=group, filterExpression='EXCLUDE ItemID WHERE Items.GENRES LIKE ("x")'
        ),
        "InvalidInputException",
    )
    assert "position" in err.response["Error"]["Message"]
    expect_modelled(
        pz,
        lambda: pz.create_filter(
            name=unique("f"), datasetGroupArn=group, filterExpression='EXCLUDE ItemID WHERE Items.NOPE IN ("x")'
        ),
        "InvalidInputException",
    )
    no_horror = pz.create_filter(
        name=unique("f"), datasetGroupArn=group, filterExpression='EXCLUDE ItemID WHERE Items.GENRES IN ("Horror")'
    )["filterArn"]
    by_genre = pz.create_filter(
        name=unique("f"), datasetGroupArn=group, filterExpression="INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)"
    )["filterArn"]
    not_clicked = pz.create_filter(
        name=unique("f"), datasetGroupArn=group, filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
    )["filterArn"]
    for arn in (no_horror, by_genre, not_clicked):
        wait_for_status(lambda arn=arn: pz.describe_filter(filterArn=arn)["filter"])
    assert {f["filterArn"] for f in pz.list_filters(datasetGroupArn=group)["Filters"]} == {no_horror, by_genre, not_clicked}

    campaign, _ = deploy(tenant, group, "aws-user-personalization")
    runtime = tenant.client("personalize-runtime")
    horror = {f"i{n}" for n in range(200) if n % 3 == 0}
    plain = {i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=60)["itemList"]}
    assert plain & horror, "the unfiltered list should contain some Horror items for this check to mean anything"
    filtered = runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=60, filterArn=no_horror)["itemList"]
    assert filtered and not ({i["itemId"] for i in filtered} & horror)
    only = runtime.get_recommendations(
        campaignArn=campaign, userId="u1", filterArn=by_genre, filterValues={"GENRE": '"Horror"'}
    )["itemList"]
    assert only and {i["itemId"] for i in only} <= horror
    expect_modelled(
        runtime, lambda: runtime.get_recommendations(campaignArn=campaign, userId="u1", filterArn=by_genre), "InvalidInputException"
    )

    # An Interactions filter sees a click streamed a moment ago.
    tracking_id = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)["trackingId"]
    tracker = pz.list_event_trackers(datasetGroupArn=group)["eventTrackers"][0]["eventTrackerArn"]
    wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker)["eventTracker"])
    user = unique("clicker")
    top = runtime.get_recommendations(campaignArn=campaign, userId=user, filterArn=not_clicked)["itemList"][0]["itemId"]
    tenant.client("personalize-events").put_events(
        trackingId=tracking_id, userId=user, sessionId=unique("s"),
        eventList=[{"eventType": "click", "itemId": top, "sentAt": 1_800_000_000}],
    )
    after = runtime.get_recommendations(campaignArn=campaign, userId=user, filterArn=not_clicked)["itemList"]
    assert top not in {i["itemId"] for i in after}


@pytest.fixture(scope="module")
def catalogued(served, import_root):
    """A trained group with an Items dataset: every third item is Horror, the others Comedy|Drama."""
    from test_imports import ITEMS_SCHEMA, run_import

    tenant, _ = served
    group = trained_group(tenant, import_root)
    _, items_schema = tenant.create_schema(ITEMS_SCHEMA)
    items = tenant.create_dataset(group, items_schema, "Items")
    catalog = import_root / f"{unique('items')}.csv"
    catalog.write_text("ITEM_ID,GENRES\n" + "".join(f"i{n},{'Horror' if n % 3 == 0 else 'Comedy|Drama'}\n" for n in range(200)))
    assert run_import(tenant.personalize, items, f"file://{catalog}")["status"] == "ACTIVE"
    return tenant, group


def genre(item_id: str) -> str:
    return "Horror" if int(item_id[1:]) % 3 == 0 else "Comedy|Drama"


def make_filter(pz, group: str, expression: str) -> str:
    arn = pz.create_filter(name=unique("f"), datasetGroupArn=group, filterExpression=expression)["filterArn"]
    wait_for_status(lambda: pz.describe_filter(filterArn=arn)["filter"])
    return arn


def test_metadata_columns_come_back_with_each_item(catalogued):
    tenant, group = catalogued
    pz = tenant.personalize
    runtime = tenant.client("personalize-runtime")
    plain, _ = deploy(tenant, group, "aws-user-personalization")
    # Without enableMetadataWithRecommendations the campaign refuses metadataColumns.
    err = expect_modelled(
        runtime,
        lambda: runtime.get_recommendations(campaignArn=plain, userId="u1", metadataColumns={"ITEMS": ["GENRES"]}),
        "InvalidInputException",
    )
    assert "enableMetadataWithRecommendations" in err.response["Error"]["Message"]
    assert all("metadata" not in i for i in runtime.get_recommendations(campaignArn=plain, userId="u1")["itemList"])

    version = pz.describe_campaign(campaignArn=plain)["campaign"]["solutionVersionArn"]
    campaign = pz.create_campaign(
        name=unique("meta"), solutionVersionArn=version, campaignConfig={"enableMetadataWithRecommendations": True}
    )["campaignArn"]
    wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    assert pz.describe_campaign(campaignArn=campaign)["campaign"]["campaignConfig"]["enableMetadataWithRecommendations"]
    resp = runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=50, metadataColumns={"ITEMS": ["GENRES"]})
    assert_output_shape(runtime, "GetRecommendations", resp)
    assert len(resp["itemList"]) == 50
    for item in resp["itemList"]:
        assert item["metadata"] == {"GENRES": genre(item["itemId"])}
    # Column names match the schema ignoring case and come back as the request spelled them.
    lower = runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=3, metadataColumns={"ITEMS": ["genres"]})
    assert all(i["metadata"] == {"genres": genre(i["itemId"])} for i in lower["itemList"])
    # Without metadataColumns the metadata campaign answers as any other, up to 500 items.
    assert all("metadata" not in i for i in runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=60)["itemList"])
    # With metadata numResults is capped at 50; unknown columns, other keys and more than 10 columns are refused.
    for bad in (
        dict(numResults=51, metadataColumns={"ITEMS": ["GENRES"]}),
        dict(metadataColumns={"ITEMS": ["NOPE"]}),
        dict(metadataColumns={"USERS": ["GENRES"]}),
        dict(metadataColumns={"ITEMS": ["GENRES"] * 11}),
    ):
        expect_modelled(
            runtime, lambda bad=bad: runtime.get_recommendations(campaignArn=campaign, userId="u1", **bad), "InvalidInputException"
        )


def test_metadata_with_personalized_ranking(catalogued):
    tenant, group = catalogued
    pz = tenant.personalize
    runtime = tenant.client("personalize-runtime")
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-personalized-ranking")
    version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    campaign = pz.create_campaign(
        name=unique("rank"), solutionVersionArn=version["solutionVersionArn"],
        campaignConfig={"enableMetadataWithRecommendations": True},
    )["campaignArn"]
    wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    ranked = runtime.get_personalized_ranking(
        campaignArn=campaign, userId="u2", inputList=["i1", "i3", "i6", "i10"], metadataColumns={"ITEMS": ["GENRES"]}
    )["personalizedRanking"]
    assert sorted(i["itemId"] for i in ranked) == ["i1", "i10", "i3", "i6"]
    assert all(i["metadata"] == {"GENRES": genre(i["itemId"])} for i in ranked)


def test_promotions_place_a_share_of_filtered_items(catalogued):
    tenant, group = catalogued
    pz = tenant.personalize
    runtime = tenant.client("personalize-runtime")
    campaign, _ = deploy(tenant, group, "aws-user-personalization")
    horror_only = make_filter(pz, group, "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)")
    no_horror = make_filter(pz, group, 'EXCLUDE ItemID WHERE Items.GENRES IN ("Horror")')
    promotion = {"name": "scary", "percentPromotedItems": 20, "filterArn": horror_only, "filterValues": {"GENRE": '"Horror"'}}
    resp = runtime.get_recommendations(
        campaignArn=campaign, userId="u4", numResults=25, filterArn=no_horror, promotions=[promotion]
    )
    assert_output_shape(runtime, "GetRecommendations", resp)
    items = resp["itemList"]
    assert len(items) == 25 and len({i["itemId"] for i in items}) == 25
    promoted = [i for i in items if i.get("promotionName") == "scary"]
    others = [i for i in items if "promotionName" not in i]
    assert len(promoted) == 5  # 20 % of 25
    assert all(genre(i["itemId"]) == "Horror" for i in promoted)
    # The request's filter applies to the other items only.
    assert all(genre(i["itemId"]) != "Horror" for i in others)
    # Each group keeps its own ranking order.
    assert [i["score"] for i in promoted] == sorted((i["score"] for i in promoted), reverse=True)
    assert [i["score"] for i in others] == sorted((i["score"] for i in others), reverse=True)
    # The promoted items are the best Horror items, the others the best non-Horror ones.
    best_horror = runtime.get_recommendations(
        campaignArn=campaign, userId="u4", numResults=5, filterArn=horror_only, filterValues={"GENRE": '"Horror"'}
    )["itemList"]
    assert [i["itemId"] for i in promoted] == [i["itemId"] for i in best_horror]
    best_other = runtime.get_recommendations(campaignArn=campaign, userId="u4", numResults=20, filterArn=no_horror)["itemList"]
    assert [i["itemId"] for i in others] == [i["itemId"] for i in best_other]
    # A whole list of promoted items, and validation as AWS: one promotion, 1..100 percent, a filter of the group.
    full = runtime.get_recommendations(campaignArn=campaign, userId="u4", numResults=10, promotions=[{**promotion, "percentPromotedItems": 100}])
    assert all(i.get("promotionName") == "scary" for i in full["itemList"])
    for bad in (
        [promotion, promotion],
        [{**promotion, "percentPromotedItems": 101}],
        [{**promotion, "filterValues": {}}],
        [{**promotion, "filterArn": horror_only.replace(horror_only.rsplit("/", 1)[1], "missing")}],
    ):
        with pytest.raises(runtime.exceptions.ClientError) as err:
            runtime.get_recommendations(campaignArn=campaign, userId="u4", promotions=bad)
        assert err.value.response["Error"]["Code"] in ("InvalidInputException", "ResourceNotFoundException")


def test_context_is_validated_and_accepted(catalogued):
    tenant, group = catalogued
    runtime = tenant.client("personalize-runtime")
    campaign, _ = deploy(tenant, group, "aws-user-personalization")
    with_context = runtime.get_recommendations(campaignArn=campaign, userId="u5", context={"DEVICE": "mobile"})["itemList"]
    without = runtime.get_recommendations(campaignArn=campaign, userId="u5")["itemList"]
    # The trained models use no contextual metadata: the context is accepted and does not change the list.
    assert [i["itemId"] for i in with_context] == [i["itemId"] for i in without]
    expect_modelled(
        runtime,
        lambda: runtime.get_recommendations(campaignArn=campaign, userId="u5", context={f"K{n}": "v" for n in range(151)}),
        "InvalidInputException",
    )
    expect_modelled(
        runtime,
        lambda: runtime.get_recommendations(campaignArn=campaign, userId="u5", context={"DEVICE": "x" * 1001}),
        "InvalidInputException",
    )
    ranked = runtime.get_personalized_ranking(campaignArn=campaign, userId="u5", inputList=["i1", "i2"], context={"DEVICE": "tv"})
    assert len(ranked["personalizedRanking"]) == 2


def test_current_user_filters_read_the_users_dataset(catalogued, import_root):
    from test_imports import run_import

    tenant, group = catalogued
    pz = tenant.personalize
    users_schema = json.dumps({
        "type": "record", "name": "Users", "namespace": "com.amazonaws.personalize.schema", "version": "1.0",
        "fields": [{"name": "USER_ID", "type": "string"}, {"name": "AGE", "type": ["null", "int"]},
                   {"name": "TIER", "type": ["null", "string"], "categorical": True}],
    })
    _, schema_arn = tenant.create_schema(users_schema)
    users = tenant.create_dataset(group, schema_arn, "Users")
    source = import_root / f"{unique('users')}.csv"
    source.write_text("USER_ID,AGE,TIER\nu1,12,free\nu2,40,gold|silver\n")
    assert run_import(pz, users, f"file://{source}")["status"] == "ACTIVE"
    minors = make_filter(pz, group, 'EXCLUDE ItemID WHERE Items.GENRES IN ("Horror") IF CurrentUser.AGE < 18')
    by_tier = make_filter(pz, group, 'INCLUDE ItemID WHERE Items.GENRES IN ("Horror") IF CurrentUser.TIER IN ($TIER)')
    campaign, _ = deploy(tenant, group, "aws-user-personalization")
    runtime = tenant.client("personalize-runtime")

    def genres(user, arn, **extra):
        items = runtime.get_recommendations(campaignArn=campaign, userId=user, numResults=60, filterArn=arn, **extra)["itemList"]
        return {genre(i["itemId"]) for i in items}

    assert genres("u1", minors) == {"Comedy|Drama"}, "a 12-year-old gets no Horror"
    assert "Horror" in genres("u2", minors), "the clause does not apply to an adult"
    assert "Horror" in genres("u3", minors), "a user without a Users record has no AGE: the clause is dropped"
    assert genres("u2", by_tier, filterValues={"TIER": '"gold"'}) == {"Horror"}
    assert "Comedy|Drama" in genres("u1", by_tier, filterValues={"TIER": '"gold"'})
    # PutUsers changes the attributes the next request sees.
    tenant.client("personalize-events").put_users(datasetArn=users, users=[{"userId": "u2", "properties": '{"age": 15}'}])
    assert genres("u2", minors) == {"Comedy|Drama"}


def test_items_filters_and_metadata_see_put_items_at_once(catalogued):
    tenant, group = catalogued
    pz = tenant.personalize
    runtime = tenant.client("personalize-runtime")
    items_dataset = next(
        d["datasetArn"] for d in pz.list_datasets(datasetGroupArn=group)["datasets"] if d["datasetType"] == "ITEMS"
    )
    no_horror = make_filter(pz, group, 'EXCLUDE ItemID WHERE Items.GENRES IN ("Horror")')
    plain, _ = deploy(tenant, group, "aws-user-personalization")
    version = pz.describe_campaign(campaignArn=plain)["campaign"]["solutionVersionArn"]
    campaign = pz.create_campaign(
        name=unique("meta"), solutionVersionArn=version, campaignConfig={"enableMetadataWithRecommendations": True}
    )["campaignArn"]
    wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    top = runtime.get_recommendations(campaignArn=campaign, userId="u6", filterArn=no_horror)["itemList"][0]["itemId"]
    assert genre(top) != "Horror"
    events = tenant.client("personalize-events")
    events.put_items(datasetArn=items_dataset, items=[{"itemId": top, "properties": '{"genres": "Horror"}'}])
    try:
        after = runtime.get_recommendations(
            campaignArn=campaign, userId="u6", filterArn=no_horror, numResults=50, metadataColumns={"ITEMS": ["GENRES"]}
        )["itemList"]
        assert top not in {i["itemId"] for i in after}, "the Items filter did not see PutItems"
        unfiltered = runtime.get_recommendations(
            campaignArn=campaign, userId="u6", numResults=50, metadataColumns={"ITEMS": ["GENRES"]}
        )["itemList"]
        assert {"itemId": top, "metadata": {"GENRES": "Horror"}}.items() <= next(i for i in unfiltered if i["itemId"] == top).items()
    finally:
        events.put_items(datasetArn=items_dataset, items=[{"itemId": top, "properties": '{"genres": "Comedy|Drama"}'}])


def test_sync_with_latest_solution_version_follows_new_versions(served, import_root):
    import time

    tenant, _ = served
    pz = tenant.personalize
    group = trained_group(tenant, import_root)
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-popularity-count")
    first = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    campaign = pz.create_campaign(
        name=unique("sync"), solutionVersionArn=f"{solution}/$LATEST",
        campaignConfig={"syncWithLatestSolutionVersion": True},
    )["campaignArn"]
    wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    described = pz.describe_campaign(campaignArn=campaign)["campaign"]
    assert described["solutionVersionArn"] == first["solutionVersionArn"]  # $LATEST resolved at creation
    runtime = tenant.client("personalize-runtime")
    assert "hot-item" not in {i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, userId="u1")["itemList"]}

    # New data makes a new item the most popular; a new version trained on it takes over without UpdateCampaign.
    tracking_id = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)["trackingId"]
    tracker = pz.list_event_trackers(datasetGroupArn=group)["eventTrackers"][0]["eventTrackerArn"]
    wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker)["eventTracker"])
    events = tenant.client("personalize-events")
    for n in range(120):
        events.put_events(
            trackingId=tracking_id, userId=f"fan{n}", sessionId=f"s{n}",
            eventList=[{"eventType": "click", "itemId": "hot-item", "sentAt": 1_800_000_000 + n * 10 + k} for k in range(10)],
        )
    second = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert second["status"] == "ACTIVE", second.get("failureReason")
    deadline = time.monotonic() + 15
    while True:
        top = runtime.get_recommendations(campaignArn=campaign, userId="u1")["itemList"][0]["itemId"]
        if top == "hot-item" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert top == "hot-item", "the synced campaign still answers with the old version"
    expect_modelled(
        pz,
        lambda: pz.create_campaign(name=unique("sync"), solutionVersionArn=f"{solution.rsplit('/', 1)[0]}/nope/$LATEST"),
        "ResourceNotFoundException",
    )
