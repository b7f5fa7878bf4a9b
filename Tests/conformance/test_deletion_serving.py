"""A data deletion job also reaches serving: a deleted user's history, bulk or streamed, no longer shapes the
recommendations a running campaign makes for them."""

from __future__ import annotations

from conftest import unique, wait_for_status
from test_data_deletion import run_deletion
from test_imports import (  # noqa: F401  (fixtures)
    data_server,
    dtenant,
    import_root,
    moto_url,
)
from test_serving import deploy
from test_training import trained_group


def items_for(runtime, campaign: str, user: str) -> list[str]:
    return [i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, userId=user)["itemList"]]


def test_deleted_users_get_cold_start_recommendations(dtenant, import_root):
    pz = dtenant.personalize
    group = trained_group(dtenant, import_root)
    campaign, _ = deploy(dtenant, group, "aws-user-personalization")
    runtime = dtenant.client("personalize-runtime")
    tracker = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)
    wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"])
    events = dtenant.client("personalize-events")
    streamed = unique("streamed")
    events.put_events(
        trackingId=tracker["trackingId"], userId=streamed, sessionId=unique("s"),
        eventList=[{"eventType": "click", "itemId": f"i{n}", "sentAt": 1_800_000_000 + n} for n in (3, 7, 11)],
    )

    cold = items_for(runtime, campaign, unique("never-seen"))
    assert items_for(runtime, campaign, "u3") != cold, "a known user should get personal recommendations"
    assert items_for(runtime, campaign, streamed) != cold, "streamed events should make the list personal"
    kept = items_for(runtime, campaign, "u4")
    assert kept != cold

    deletions = import_root / f"{unique('delete')}.csv"
    deletions.write_text(f"USER_ID\nu3\n{streamed}\n")
    job = run_deletion(pz, group, f"file://{deletions}")
    assert job["status"] == "COMPLETED", job.get("failureReason")

    assert items_for(runtime, campaign, "u3") == cold, "a deleted user's bulk history still shapes their list"
    assert items_for(runtime, campaign, streamed) == cold, "a deleted user's streamed events still shape their list"
    assert items_for(runtime, campaign, "u4") == kept, "a user who was not deleted lost their history"


def test_training_includes_events_still_in_the_log(tmp_path_factory):
    """With compaction held, streamed events live only in the event log; training must still train on them.
    The solution trains on "purchase" events, which only the stream carries: without them it has no data."""
    from conftest import Server, persimmon_binary, stage_binary
    from test_imports import _fresh_database, interactions_csv, make_interactions_dataset, run_import
    from test_training import make_solution, wait_version

    binary = stage_binary(persimmon_binary(), tmp_path_factory.mktemp("held-bin"))
    data_dir = tmp_path_factory.mktemp("held-data")
    root = tmp_path_factory.mktemp("held-root")
    server = Server(binary, data_dir, extra_args=["--import-root", str(root)],
                    extra_env={"PERSIMMON_TEST_HOLD_EVENT_LOG": "1"})
    if server.database_url:
        server.database_url = _fresh_database(server.database_url)
    server.start()
    try:
        tenant = server.create_account()
        pz = tenant.personalize
        dataset, group = make_interactions_dataset(tenant)
        source = root / "clicks.csv"
        source.write_text(interactions_csv(1500, users=60, items=120))
        assert run_import(pz, dataset, f"file://{source}")["status"] == "ACTIVE"
        tracker = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)
        wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"])
        events = tenant.client("personalize-events")
        for call in range(120):
            events.put_events(
                trackingId=tracker["trackingId"], userId=f"u{call % 40}", sessionId=f"s{call % 40}",
                eventList=[
                    {"eventType": "purchase", "itemId": f"i{(call * 7 + n) % 120}", "sentAt": 1_800_000_000 + call * 10 + n}
                    for n in range(10)
                ],
            )
        solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-popularity-count", eventType="purchase")
        version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
        assert version["status"] == "ACTIVE", version.get("failureReason")
    finally:
        server.stop()
