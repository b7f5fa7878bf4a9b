"""SigV4 authentication as boto3 users meet it (error codes per shared/reference/sigv4.md).

Requests signed by hand use botocore.auth.SigV4Auth (with a frozen clock where needed) and are sent with
http.client, so a byte can be changed after signing.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError

from conftest import (
    RawResponse,
    check_raw_error,
    control_plane_headers,
    error_code,
    expect_error,
    frozen_signing_time,
    http_request,
    make_client,
    sign_request,
    signed_control_plane_call,
    utcnow,
)


def assert_json_error(resp: RawResponse, *types: str, status_range=(400, 500)) -> None:
    assert status_range[0] <= resp.status < status_range[1], resp
    problems = check_raw_error(resp.status, resp.headers, resp.body)
    assert not problems, problems
    assert resp.error_type() in types, f"expected {types}, got {resp.error_type()!r}: {resp}"


def test_health_needs_no_auth(server):
    resp = http_request(server.url, "GET", "/health")
    assert resp.status == 200, resp


def test_hand_signed_request_is_accepted(tenant):
    resp = signed_control_plane_call(tenant.server.url, tenant.access_key, tenant.secret_key, "ListDatasetGroups", {})
    assert resp.status == 200, resp
    assert resp.json().get("datasetGroups") == []


def test_wrong_secret_is_invalid_signature(tenant):
    bad = make_client(tenant.server, "personalize", tenant.access_key, "x" * 40)
    err = expect_error(lambda: bad.list_dataset_groups(), "InvalidSignatureException")
    assert 400 <= err.response["ResponseMetadata"]["HTTPStatusCode"] < 500


def test_unknown_access_key_is_unrecognized_client(server):
    bad = make_client(server, "personalize", "AKIA" + "Z" * 16, "y" * 40)
    expect_error(lambda: bad.list_schemas(), "UnrecognizedClientException")


@pytest.mark.parametrize("service", ["personalize-runtime", "personalize-events"])
def test_wrong_secret_on_data_plane_clients(tenant, service):
    bad = make_client(tenant.server, service, tenant.access_key, "x" * 40)
    if service == "personalize-runtime":
        call = lambda: bad.get_recommendations(campaignArn=tenant.arn("campaign/x"), userId="u1")  # noqa: E731
    else:
        call = lambda: bad.put_events(  # noqa: E731
            trackingId="t", sessionId="s", eventList=[{"eventType": "click", "sentAt": utcnow()}]
        )
    expect_error(call, "InvalidSignatureException")


@pytest.mark.parametrize(
    "minutes,phrase",
    [(-20, "signature expired"), (20, "not yet current")],
    ids=["20-min-old", "20-min-ahead"],
)
def test_request_outside_15_minute_window_is_rejected(tenant, minutes, phrase):
    # AWS words these "Signature expired: <date> is now earlier than …" and
    # "Signature not yet current: <date> is still later than …".
    when = utcnow() + dt.timedelta(minutes=minutes)
    resp = signed_control_plane_call(
        tenant.server.url, tenant.access_key, tenant.secret_key, "ListDatasetGroups", {}, when=when
    )
    assert_json_error(resp, "InvalidSignatureException")
    assert phrase in resp.message().lower(), resp.message()


def test_request_10_minutes_old_is_accepted(tenant):
    when = utcnow() - dt.timedelta(minutes=10)
    resp = signed_control_plane_call(
        tenant.server.url, tenant.access_key, tenant.secret_key, "ListDatasetGroups", {}, when=when
    )
    assert resp.status == 200, resp


def test_boto3_with_frozen_old_clock_is_rejected(tenant):
    with frozen_signing_time(utcnow() - dt.timedelta(minutes=20)):
        with pytest.raises(ClientError) as excinfo:
            tenant.personalize.list_dataset_groups()
    assert error_code(excinfo.value) == "InvalidSignatureException"
    assert "expired" in excinfo.value.response["Error"]["Message"].lower()


def test_tampered_body_is_invalid_signature(tenant):
    def tamper(headers, body):
        doc = json.loads(body)
        doc["maxResults"] = 7
        return headers, json.dumps(doc).encode()

    resp = signed_control_plane_call(
        tenant.server.url, tenant.access_key, tenant.secret_key, "ListDatasetGroups", {"maxResults": 5}, tamper=tamper
    )
    assert_json_error(resp, "InvalidSignatureException")


def test_one_changed_byte_is_invalid_signature(tenant):
    def tamper(headers, body):
        return headers, body.replace(b"ab", b"ac", 1)

    resp = signed_control_plane_call(
        tenant.server.url,
        tenant.access_key,
        tenant.secret_key,
        "DescribeDatasetGroup",
        {"datasetGroupArn": tenant.arn("dataset-group/ab")},
        tamper=tamper,
    )
    assert_json_error(resp, "InvalidSignatureException")


def test_tampered_signed_target_header_is_invalid_signature(tenant):
    def tamper(headers, body):
        headers = dict(headers)
        headers["X-Amz-Target"] = "AmazonPersonalize.ListSchemas"
        return headers, body

    resp = signed_control_plane_call(
        tenant.server.url, tenant.access_key, tenant.secret_key, "ListDatasetGroups", {}, tamper=tamper
    )
    assert_json_error(resp, "InvalidSignatureException")


def test_scope_for_another_service_is_rejected(tenant):
    resp = signed_control_plane_call(
        tenant.server.url, tenant.access_key, tenant.secret_key, "ListDatasetGroups", {}, service="s3"
    )
    assert_json_error(resp, "InvalidSignatureException", "IncompleteSignatureException")


def test_missing_authorization_is_missing_authentication_token(server):
    resp = http_request(server.url, "POST", "/", b"{}", control_plane_headers("ListDatasetGroups"))
    assert_json_error(resp, "MissingAuthenticationTokenException", "MissingAuthenticationToken", "IncompleteSignatureException")


def test_missing_authorization_on_data_plane_paths(server):
    body = json.dumps({"campaignArn": "arn:aws:personalize:us-east-1:123456789012:campaign/x", "userId": "u1"}).encode()
    resp = http_request(server.url, "POST", "/recommendations", body, {"Content-Type": "application/json"})
    assert_json_error(resp, "MissingAuthenticationTokenException", "MissingAuthenticationToken", "IncompleteSignatureException")


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 garbage",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/personalize/aws4_request",
        "Bearer abc",
    ],
    ids=["garbage", "no-signature", "bearer"],
)
def test_malformed_authorization_header_is_rejected(tenant, authorization):
    body = b"{}"
    headers = sign_request(tenant.server.url, tenant.access_key, tenant.secret_key, body, control_plane_headers("ListDatasetGroups"))
    headers["Authorization"] = authorization
    resp = http_request(tenant.server.url, "POST", "/", body, headers)
    assert_json_error(
        resp,
        "IncompleteSignatureException",
        "InvalidSignatureException",
        "MissingAuthenticationTokenException",
        "UnrecognizedClientException",
    )


def test_signature_in_upper_case_hex_is_rejected(tenant):
    body = b"{}"
    headers = sign_request(tenant.server.url, tenant.access_key, tenant.secret_key, body, control_plane_headers("ListDatasetGroups"))
    auth = headers["Authorization"]
    prefix, sig = auth.rsplit("Signature=", 1)
    headers["Authorization"] = prefix + "Signature=" + sig.upper()
    resp = http_request(tenant.server.url, "POST", "/", body, headers)
    assert_json_error(resp, "InvalidSignatureException", "IncompleteSignatureException")


def test_operator_credentials_are_not_a_tenant(server, operator):
    """The operator key is for admin commands; whatever it answers on the control plane is a proper response."""
    client = make_client(server, "personalize", *operator)
    try:
        client.list_dataset_groups()
    except ClientError as err:  # refused is fine, as long as it is a parsed AWS error
        assert 400 <= err.response["ResponseMetadata"]["HTTPStatusCode"] < 500
