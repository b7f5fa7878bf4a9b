"""The `persimmon serve` process itself: one listening line, clean exit on SIGTERM, state kept across a
restart on the same --data-dir (or the same PERSIMMON_TEST_DATABASE_URL). Starts its own second server."""

from __future__ import annotations

import pytest

from conftest import INTERACTIONS_SCHEMA, LISTEN_RE, Server, http_request


@pytest.fixture
def own_server(server, tmp_path):
    """A second server of our own (the session server proves the binary exists and starts)."""
    srv = Server(server.binary, tmp_path / "data")  # the session's private copy of the binary
    (tmp_path / "data").mkdir()
    srv.start()
    yield srv
    srv.stop()


def test_prints_the_listening_line_once(own_server):
    assert http_request(own_server.url, "GET", "/health").status == 200
    own_server.create_account().personalize.list_dataset_groups()
    listening = [line for line in own_server.stdout_lines if LISTEN_RE.search(line)]
    assert len(listening) == 1, listening
    assert own_server.url.startswith("http://127.0.0.1:")
    assert not own_server.url.endswith(":0")


def test_sigterm_exits_cleanly(own_server):
    assert own_server.stop(), f"no exit within 10 s of SIGTERM\n{own_server.diagnostics()}"
    assert own_server.proc.returncode == 0, f"exit code {own_server.proc.returncode}\n{own_server.diagnostics()}"


def test_state_survives_a_restart(own_server, tmp_path):
    tenant = own_server.create_account()
    name, dsg = tenant.create_dataset_group(tags=[{"tagKey": "k", "tagValue": "v"}])
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA)
    dataset = tenant.create_dataset(dsg, schema)
    assert own_server.stop()

    again = Server(own_server.binary, own_server.data_dir, operator=(own_server.operator_key, own_server.operator_secret))
    again.start()
    try:
        tenant.server = again
        for attr in ("personalize", "personalize_nv", "runtime", "events"):
            tenant.__dict__.pop(attr, None)
        pz = tenant.personalize
        assert pz.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "ACTIVE"
        assert pz.describe_dataset(datasetArn=dataset)["dataset"]["schemaArn"] == schema
        assert pz.list_tags_for_resource(resourceArn=dsg)["tags"] == [{"tagKey": "k", "tagValue": "v"}]
        assert tenant.account_id in {a["AccountId"] for a in again.list_accounts()}
        # names stay taken
        with pytest.raises(pz.exceptions.ResourceAlreadyExistsException):
            pz.create_dataset_group(name=name)
    finally:
        again.stop()
