"""Offline self-tests of the suite's own helpers (no server needed): the output-shape walkers,
the minimal-input builder and the error-format checks, exercised against botocore's real models."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError, ParamValidationError
from botocore.validate import validate_parameters

from conftest import (
    SERVICES,
    SUPPORTED_OPERATIONS,
    assert_parsed_aws_error,
    build_minimal_input,
    check_parsed,
    check_parsed_output,
    check_raw_error,
    check_raw_output,
    java_pattern_to_python,
    make_client,
    pattern_problems,
    service_model,
    unique,
    unsupported_operations,
)

ACCOUNT = "123456789012"
NOW = dt.datetime.now(dt.timezone.utc)


def op(name: str, service: str = "personalize"):
    return service_model(service).operation_model(name)


def good_dataset_group_response() -> dict:
    return {
        "datasetGroup": {
            "name": "movies",
            "datasetGroupArn": f"arn:aws:personalize:us-east-1:{ACCOUNT}:dataset-group/movies",
            "status": "ACTIVE",
            "creationDateTime": NOW,
            "lastUpdatedDateTime": NOW,
            "domain": "ECOMMERCE",
        },
        "ResponseMetadata": {"RequestId": "abc", "HTTPStatusCode": 200},
    }


def good_algorithm_response() -> dict:
    return {
        "algorithm": {
            "name": "aws-sims",
            "algorithmArn": "arn:aws:personalize:::algorithm/aws-sims",
            "algorithmImage": {"name": "SIMS", "dockerURI": "n/a"},
            "defaultHyperParameters": {"popularity_discount_factor": "0.5"},
            "defaultHyperParameterRanges": {
                "integerHyperParameterRanges": [{"name": "min_cointeraction_count", "minValue": 0, "maxValue": 10, "isTunable": True}],
                "continuousHyperParameterRanges": [{"name": "popularity_discount_factor", "minValue": 0, "maxValue": 1.0, "isTunable": True}],
                "categoricalHyperParameterRanges": [{"name": "x", "values": ["a", "b"], "isTunable": False}],
            },
            "defaultResourceConfig": {"maxNumberOfTrainingJobs": "20"},
            "trainingInputMode": "File",
            "creationDateTime": NOW,
            "lastUpdatedDateTime": NOW,
        }
    }


# ---- parsed walker --------------------------------------------------------------------------


def test_parsed_walker_accepts_well_formed_responses():
    assert check_parsed_output(op("DescribeDatasetGroup"), good_dataset_group_response()) == []
    assert check_parsed_output(op("DescribeAlgorithm"), good_algorithm_response()) == []
    assert check_parsed_output(op("DeleteDatasetGroup"), {"ResponseMetadata": {}}) == []
    listing = {"schemas": [{"name": "s", "schemaArn": "arn:aws:personalize:us-east-1:1:schema/s", "creationDateTime": NOW}]}
    assert check_parsed_output(op("ListSchemas"), listing) == []
    tags = {"tags": [{"tagKey": "k", "tagValue": ""}]}
    assert check_parsed_output(op("ListTagsForResource"), tags) == []


def test_parsed_walker_rejects_missing_required_member():
    resp = good_algorithm_response()
    del resp["algorithm"]["algorithmImage"]["dockerURI"]
    problems = check_parsed_output(op("DescribeAlgorithm"), resp)
    assert any("dockerURI" in p and "missing" in p for p in problems), problems

    problems = check_parsed_output(op("ListTagsForResource"), {"tags": [{"tagKey": "k"}]})
    assert any("tagValue" in p for p in problems), problems


@pytest.mark.parametrize(
    "member,value,needle",
    [
        ("status", 1, "expected string"),
        ("creationDateTime", "2024-01-01T00:00:00Z", "expected timestamp"),
        ("creationDateTime", 1700000000, "expected timestamp"),
        ("creationDateTime", dt.datetime(2024, 1, 1), "timezone-aware"),
        ("domain", "RETAIL", "enum"),
        ("name", ["x"], "expected string"),
    ],
)
def test_parsed_walker_rejects_wrong_types(member, value, needle):
    resp = good_dataset_group_response()
    resp["datasetGroup"][member] = value
    problems = check_parsed_output(op("DescribeDatasetGroup"), resp)
    assert any(needle in p for p in problems), problems


def test_parsed_walker_type_rules_for_numbers_booleans_maps_lists():
    resp = good_algorithm_response()
    resp["algorithm"]["defaultHyperParameterRanges"]["integerHyperParameterRanges"][0]["minValue"] = 1.5
    resp["algorithm"]["defaultHyperParameterRanges"]["integerHyperParameterRanges"][0]["isTunable"] = "true"
    resp["algorithm"]["defaultHyperParameters"] = [("a", "b")]
    resp["algorithm"]["defaultHyperParameterRanges"]["categoricalHyperParameterRanges"][0]["values"] = "a,b"
    problems = check_parsed_output(op("DescribeAlgorithm"), resp)
    joined = "\n".join(problems)
    assert "minValue: expected integer" in joined
    assert "isTunable: expected boolean" in joined
    assert "defaultHyperParameters: expected map" in joined
    assert "values: expected list" in joined
    # bool is not an integer, but an int is an acceptable double
    resp = good_algorithm_response()
    resp["algorithm"]["defaultHyperParameterRanges"]["integerHyperParameterRanges"][0]["maxValue"] = True
    assert any("expected integer" in p for p in check_parsed_output(op("DescribeAlgorithm"), resp))
    resp = good_algorithm_response()
    resp["algorithm"]["defaultHyperParameterRanges"]["continuousHyperParameterRanges"][0]["maxValue"] = 1
    assert check_parsed_output(op("DescribeAlgorithm"), resp) == []


def test_parsed_walker_rejects_unknown_top_level_member():
    resp = good_dataset_group_response()
    resp["datasetGroupArn"] = "arn:aws:personalize:us-east-1:1:dataset-group/x"
    problems = check_parsed_output(op("DescribeDatasetGroup"), resp)
    assert any("unknown member 'datasetGroupArn'" in p for p in problems), problems
    # ResponseMetadata alone is never an unknown member
    assert check_parsed_output(op("DeleteSchema"), {"ResponseMetadata": {"RequestId": "x"}}) == []
    assert check_parsed_output(op("DeleteSchema"), {"extra": 1})


def test_parsed_walker_direct_shape_use():
    shape = service_model("personalize").shape_for("Tags")
    assert check_parsed(shape, [{"tagKey": "a", "tagValue": "b"}]) == []
    assert check_parsed(shape, {"a": "b"})


# ---- raw walker -------------------------------------------------------------------------------


def raw_dataset_group(**overrides) -> bytes:
    doc = {
        "datasetGroup": {
            "name": "movies",
            "datasetGroupArn": f"arn:aws:personalize:us-east-1:{ACCOUNT}:dataset-group/movies",
            "status": "CREATE PENDING",
            "creationDateTime": 1.732891234567e9,
            "lastUpdatedDateTime": 1732891234,
        }
    }
    doc["datasetGroup"].update(overrides)
    return json.dumps(doc).encode()


def test_raw_walker_accepts_epoch_seconds_and_empty_bodies():
    assert check_raw_output(op("DescribeDatasetGroup"), raw_dataset_group()) == []
    assert check_raw_output(op("DeleteDatasetGroup"), b"") == []
    assert check_raw_output(op("DeleteDatasetGroup"), b"{}") == []
    assert check_raw_output(op("TagResource"), b"{}") == []
    assert check_raw_output(op("ListDatasetGroups"), b'{"datasetGroups": []}') == []


@pytest.mark.parametrize(
    "overrides,needle",
    [
        ({"creationDateTime": "2024-11-29T15:00:00Z"}, "epoch seconds"),
        ({"creationDateTime": 1732891234567}, "milliseconds"),
        ({"creationDateTime": True}, "epoch seconds"),
        ({"datasetgroupArn": "x"}, "unknown member 'datasetgroupArn'"),
        ({"failureReason": None}, "null"),
        ({"status": 3}, "expected JSON string"),
    ],
)
def test_raw_walker_rejects_wire_mistakes(overrides, needle):
    problems = check_raw_output(op("DescribeDatasetGroup"), raw_dataset_group(**overrides))
    assert any(needle in p for p in problems), problems


def test_raw_walker_checks_nested_and_non_json():
    body = json.dumps({"algorithm": {"algorithmImage": {"name": "x"}, "defaultHyperParameterRanges": {"bogus": []}}}).encode()
    problems = check_raw_output(op("DescribeAlgorithm"), body)
    assert any("dockerURI" in p for p in problems), problems
    assert any("unknown member 'bogus'" in p for p in problems), problems
    assert check_raw_output(op("DescribeSchema"), b"<html>oops</html>")
    assert check_raw_output(op("DeleteSchema"), b'{"ok": true}')
    body = json.dumps({"datasetGroups": [{"name": "a", "creationDateTime": 1, "maxResults": 3}]}).encode()
    assert any("unknown member 'maxResults'" in p for p in check_raw_output(op("ListDatasetGroups"), body))


def test_raw_walker_rest_json_runtime_output():
    body = json.dumps({"itemList": [{"itemId": "i1", "score": 0.5}], "recommendationId": "RID-1"}).encode()
    assert check_raw_output(op("GetRecommendations", "personalize-runtime"), body) == []
    body = json.dumps({"itemList": [{"itemId": 1}]}).encode()
    assert check_raw_output(op("GetRecommendations", "personalize-runtime"), body)


# ---- error format -----------------------------------------------------------------------------


def test_raw_error_checker():
    ok = json.dumps({"__type": "ResourceNotFoundException", "message": "nope"}).encode()
    assert check_raw_error(400, {}, ok) == []
    header_typed = json.dumps({"message": "nope"}).encode()
    assert check_raw_error(404, {"X-Amzn-ErrorType": "ResourceNotFoundException:http://x/"}, header_typed) == []
    assert check_raw_error(500, {}, b"")
    assert check_raw_error(500, {}, b"Internal Server Error")
    assert check_raw_error(400, {}, json.dumps({"__type": "X"}).encode())
    assert check_raw_error(400, {}, json.dumps({"message": "m"}).encode())


def make_client_error(code: str, message: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


def test_assert_parsed_aws_error():
    assert_parsed_aws_error(make_client_error("InvalidInputException", "bad name", 400))
    with pytest.raises(AssertionError):
        assert_parsed_aws_error(make_client_error("500", "", 500))  # botocore's fallback for a body without __type
    with pytest.raises(AssertionError):
        assert_parsed_aws_error(make_client_error("InvalidInputException", "", 400))
    with pytest.raises(AssertionError):
        assert_parsed_aws_error(make_client_error("InvalidInputException", "x", 200))


# ---- minimal inputs for unsupported operations -----------------------------------------------------


def test_supported_operations_exist_in_model():
    names = set().union(*(service_model(s).operation_names for s in SERVICES))
    assert SUPPORTED_OPERATIONS <= names, SUPPORTED_OPERATIONS - names


def test_unsupported_operations_cover_the_rest_of_the_three_models():
    unsupported = unsupported_operations()
    total = sum(len(service_model(s).operation_names) for s in SERVICES)
    assert len(unsupported) == total - len(SUPPORTED_OPERATIONS)
    assert len(SUPPORTED_OPERATIONS) >= 20
    assert len(set(unsupported)) == len(unsupported)


@pytest.mark.parametrize("service,operation", unsupported_operations(), ids=lambda v: v)
def test_minimal_input_is_valid_for_botocore_and_model_patterns(service, operation):
    params = build_minimal_input(service, operation, ACCOUNT)
    shape = service_model(service).operation_model(operation).input_shape
    if shape is None:
        assert params == {}
        return
    validate_parameters(params, shape)  # raises ParamValidationError on any botocore-side problem
    assert pattern_problems(shape, params) == []
    for req in shape.required_members:
        assert req in params


def test_botocore_validation_would_catch_an_invalid_input():
    shape = service_model("personalize").operation_model("DescribeCampaign").input_shape
    with pytest.raises(ParamValidationError):
        validate_parameters({}, shape)


@pytest.mark.parametrize(
    "pattern,good,bad",
    [
        ("^[a-zA-Z0-9][a-zA-Z0-9\\-_]*", unique("n"), "-lead"),
        ("arn:([a-z\\d-]+):personalize:.*:.*:.+", "arn:aws:personalize:us-east-1:1:schema/x", "arn:aws:s3:::b"),
        ("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "Env ü 1:/=+-@_.", "bad*key"),
        ("\\p{ASCII}{0,1500}", "token+/=", "snow\u2603"),
    ],
)
def test_java_pattern_translation(pattern, good, bad):
    import re

    py = java_pattern_to_python(pattern)
    assert re.fullmatch(py, good)
    assert not re.fullmatch(py, bad)


# ---- the per-client wire hook, against a canned local HTTP responder ----------------------------


class _Canned:
    """A loopback HTTP server that answers every POST with the next canned (status, headers, body)."""

    def __init__(self):
        import http.server
        import threading

        self.replies: list[tuple[int, dict, bytes]] = []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers, body = outer.replies.pop(0)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def canned():
    c = _Canned()
    yield c
    c.close()


def canned_client(canned):
    canned.replies.clear()

    class _FakeServer:
        url = canned.url

    return make_client(_FakeServer(), "personalize", "AKIAEXAMPLEEXAMPLE00", "s" * 40)


JSON_HDR = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r1"}


def test_wire_hook_passes_good_responses(canned):
    client = canned_client(canned)
    canned.replies.append((200, JSON_HDR, raw_dataset_group()))
    resp = client.describe_dataset_group(datasetGroupArn=f"arn:aws:personalize:us-east-1:{ACCOUNT}:dataset-group/movies")
    assert resp["datasetGroup"]["status"] == "CREATE PENDING"
    canned.replies.append((400, JSON_HDR, b'{"__type": "ResourceNotFoundException", "message": "nope"}'))
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_schema(schemaArn=f"arn:aws:personalize:us-east-1:{ACCOUNT}:schema/x")


@pytest.mark.parametrize(
    "status,body,needle",
    [
        (200, raw_dataset_group(creationDateTime="2024-01-01T00:00:00Z"), "epoch seconds"),
        (200, raw_dataset_group(datasetgroupArn="x"), "unknown member"),
        (200, b"not json", "not JSON"),
        (500, b"", "error body is not a JSON object"),
        (500, b"Internal Server Error", "not JSON"),
        (400, b'{"__type": "InvalidInputException"}', "no message"),
    ],
    ids=["iso-timestamp", "misspelt-member", "non-json-200", "empty-500", "text-500", "no-message"],
)
def test_wire_hook_rejects_bad_responses(canned, status, body, needle):
    client = canned_client(canned)
    canned.replies.append((status, JSON_HDR, body))
    with pytest.raises(AssertionError) as excinfo:
        client.describe_dataset_group(datasetGroupArn=f"arn:aws:personalize:us-east-1:{ACCOUNT}:dataset-group/movies")
    assert needle in str(excinfo.value)
