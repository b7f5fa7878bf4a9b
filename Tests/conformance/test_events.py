"""PutEvents durability: every accepted event survives a kill -9, and streamed events reach the dataset at once."""

from __future__ import annotations

import csv
import io
import signal
import threading

import pytest

from conftest import Server, persimmon_binary, stage_binary, unique, wait_for_status
from test_exports import run_export
from test_imports import _fresh_database, make_interactions_dataset


def exported_events(pz, dataset: str, out_dir) -> list[tuple[str, str, str]]:
    name = unique("exp")
    job = run_export(pz, dataset, f"file://{out_dir}", mode="PUT", name=name)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    rows = []
    for part in sorted((out_dir / name).glob("part-*.csv")):
        header, *body = list(csv.reader(io.StringIO(part.read_text())))
        rows += [tuple(row[header.index(col)] for col in ("USER_ID", "ITEM_ID", "TIMESTAMP")) for row in body]
    return rows


@pytest.mark.parametrize("hold_log", [False, True], ids=["compacting", "log-only"])
def test_no_accepted_event_is_lost_on_kill_9(tmp_path_factory, hold_log):
    """With `hold_log` the server compacts nothing while it runs, so every event survives in the log alone."""
    binary = stage_binary(persimmon_binary(), tmp_path_factory.mktemp("events-bin"))
    data_dir = tmp_path_factory.mktemp("events-data")
    import_root = tmp_path_factory.mktemp("events-root")
    server = Server(binary, data_dir, extra_args=["--import-root", str(import_root)],
                    extra_env={"PERSIMMON_TEST_HOLD_EVENT_LOG": "1"} if hold_log else None)
    if server.database_url:
        server.database_url = _fresh_database(server.database_url)
    server.start()
    restarted = None
    try:
        tenant = server.create_account()
        pz = tenant.personalize
        dataset, group = make_interactions_dataset(tenant)
        tracker = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)
        wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"])

        accepted: list[tuple[str, str, str]] = []
        lock = threading.Lock()
        errors: list[BaseException] = []

        def send(worker: int) -> None:
            try:
                events = tenant.client("personalize-events")
                for call in range(40):
                    batch = [
                        (f"w{worker}-u{call % 7}", f"i{(worker * 131 + call * 10 + n) % 500}", str(1_800_000_000 + call * 10 + n))
                        for n in range(10)
                    ]
                    events.put_events(
                        trackingId=tracker["trackingId"], userId=batch[0][0], sessionId=f"s{worker}",
                        eventList=[{"eventType": "click", "itemId": item, "sentAt": int(ts)} for _, item, ts in batch],
                    )
                    with lock:
                        accepted.extend(batch)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=send, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert len(accepted) == 8 * 40 * 10
        if hold_log:
            # Nothing was compacted (dataset stats or an export would flush the log, so only the files are checked).
            logs = list((data_dir / "events").glob("events-*.log"))
            assert sum(f.stat().st_size for f in logs) > 3200 * 10, logs
        # No graceful shutdown: whatever was acknowledged must already be on disk.
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(10)

        restarted = Server(binary, data_dir, operator=(server.operator_key, server.operator_secret),
                           extra_args=["--import-root", str(import_root)])
        restarted.database_url = server.database_url
        restarted.start()
        tenant.server = restarted
        for attr in ("personalize", "personalize_nv", "runtime", "events"):
            tenant.__dict__.pop(attr, None)
        stored = exported_events(tenant.personalize, dataset, import_root / unique("out"))
        assert sorted(stored) == sorted(accepted)
    finally:
        if restarted:
            restarted.stop()
        server.stop()


def test_streamed_events_reach_the_dataset_at_once(tmp_path_factory):
    """An export started right after PutEvents returns already sees the events (compaction runs eagerly)."""
    binary = stage_binary(persimmon_binary(), tmp_path_factory.mktemp("events-bin2"))
    import_root = tmp_path_factory.mktemp("events-root2")
    server = Server(binary, tmp_path_factory.mktemp("events-data2"), extra_args=["--import-root", str(import_root)])
    if server.database_url:
        server.database_url = _fresh_database(server.database_url)
    server.start()
    try:
        tenant = server.create_account()
        pz = tenant.personalize
        dataset, group = make_interactions_dataset(tenant)
        tracker = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)
        wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"])
        events = tenant.client("personalize-events")
        for round_ in range(3):
            events.put_events(
                trackingId=tracker["trackingId"], userId=f"u{round_}", sessionId="s",
                eventList=[{"eventType": "click", "itemId": f"i{round_}", "sentAt": 1_800_000_000 + round_}],
            )
            stored = exported_events(pz, dataset, import_root / unique("out"))
            assert len(stored) == round_ + 1
    finally:
        server.stop()
