"""Every operation of the three models that the server does not implement answers with a parsed AWS error.

Inputs are the minimal valid requests built from botocore's model (required members only, dummy values that
satisfy lengths, enums and patterns; ARNs in the caller's own account), sent through a normal validating
boto3 client. Tolerant about the exact code (the operation's modelled errors, ResourceNotFoundException or an
"unsupported" style code), strict about it being a parsed AWS error with a message and a 4xx/5xx status.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import (
    GENERIC_UNSUPPORTED_CODES,
    assert_parsed_aws_error,
    build_minimal_input,
    error_code,
    error_message,
    error_status,
    expect_error,
    http_request,
    service_model,
    signed_control_plane_call,
    unsupported_operations,
    utcnow,
)


def allowed_codes(service: str, operation: str) -> set[str]:
    op = service_model(service).operation_model(operation)
    return {e.name for e in op.error_shapes} | set(GENERIC_UNSUPPORTED_CODES)


@pytest.fixture(scope="module")
def clients(shared_tenant):
    return {
        "personalize": shared_tenant.personalize,
        "personalize-runtime": shared_tenant.runtime,
        "personalize-events": shared_tenant.events,
    }


@pytest.mark.parametrize("service,operation", unsupported_operations(), ids=lambda v: v)
def test_unsupported_operation_answers_with_an_aws_error(shared_tenant, clients, service, operation):
    client = clients[service]
    params = build_minimal_input(service, operation, shared_tenant.account_id)
    method = getattr(client, _py_name(client, operation))
    with pytest.raises(ClientError) as excinfo:
        method(**params)
    err = excinfo.value
    assert_parsed_aws_error(err)
    assert error_code(err) in allowed_codes(service, operation), (
        f"{operation}: unexpected code {error_code(err)} (HTTP {error_status(err)}): {error_message(err)}"
    )
    # the error class botocore raised is the modelled one whenever the code is modelled
    if hasattr(client.exceptions, error_code(err)):
        assert isinstance(err, getattr(client.exceptions, error_code(err)))


def _py_name(client, operation: str) -> str:
    reverse = {v: k for k, v in client.meta.method_to_api_mapping.items()}
    return reverse[operation]


def test_get_recommendations_is_a_proper_error(shared_tenant):
    rt = shared_tenant.runtime
    err = expect_error(
        lambda: rt.get_recommendations(campaignArn=shared_tenant.arn("campaign/does-not-exist"), userId="u1"),
        "ResourceNotFoundException",
        "InvalidInputException",
        "UnsupportedOperation",
        "UnsupportedOperationException",
        "NotImplemented",
    )
    assert 400 <= error_status(err) < 600


def test_put_events_is_a_proper_error(shared_tenant):
    ev = shared_tenant.events
    err = expect_error(
        lambda: ev.put_events(
            trackingId="00000000-0000-0000-0000-000000000000",
            userId="u1",
            sessionId="s1",
            eventList=[{"eventType": "click", "itemId": "i1", "sentAt": utcnow()}],
        ),
        "ResourceNotFoundException",
        "InvalidInputException",
        "UnsupportedOperation",
        "UnsupportedOperationException",
        "NotImplemented",
    )
    assert 400 <= error_status(err) < 600


def test_unknown_target_is_an_aws_error(shared_tenant):
    """A target that is in no model at all (e.g. a newer SDK) still gets a JSON error, not a crash."""
    resp = signed_control_plane_call(
        shared_tenant.server.url, shared_tenant.access_key, shared_tenant.secret_key, "CreateTimeMachine", {}
    )
    assert 400 <= resp.status < 600, resp
    assert resp.error_type() and resp.message(), resp


def test_server_is_healthy_after_unsupported_calls(server):
    assert http_request(server.url, "GET", "/health").status == 200
