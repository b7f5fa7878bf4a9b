"""Black-box conformance suite for Persimmon.

Drives the real `persimmon` binary over HTTP with unmodified boto3, exactly as a user would.
See README.md in this folder for how to run it and which contract points it assumes.

Environment:
  PERSIMMON_BIN                 binary to run (default <repo>/.build/debug/persimmon)
  PERSIMMON_TEST_DATABASE_URL   if set, `serve` also gets `--database-url <value>` (PostgreSQL)
  PERSIMMON_CONFORMANCE_REQUIRED=1
                                fail (instead of skip) the server tests when the binary is missing

This module holds the fixtures (server, tenants, clients) and the helpers the test modules import
(`from conftest import ...`): the output-shape walker, the minimal-input builder for unsupported
operations, `wait_for_status`, `wait_for_gone`, `expect_error`, and a raw SigV4 request helper.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import http.client
import json
import os
import random
import re
import shutil
import signal
import string
import subprocess
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable
from unittest import mock

import boto3
import botocore.auth
import botocore.session
import pytest
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "persimmon"
REGION = "us-east-1"
SERVICES = ("personalize", "personalize-runtime", "personalize-events")
LISTEN_RE = re.compile(r"persimmon listening on (http://(\S+?):(\d+))\s*$")
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
STATUS_TIMEOUT = 30.0

# The operations the server implements. Every other operation of the three services must answer
# with a parsed AWS error (test_unsupported.py).
SUPPORTED_OPERATIONS = frozenset(
    {
        "CreateDatasetGroup",
        "DescribeDatasetGroup",
        "ListDatasetGroups",
        "DeleteDatasetGroup",
        "CreateSchema",
        "DescribeSchema",
        "ListSchemas",
        "DeleteSchema",
        "CreateDataset",
        "DescribeDataset",
        "ListDatasets",
        "UpdateDataset",
        "DeleteDataset",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
        "ListRecipes",
        "DescribeRecipe",
        "DescribeAlgorithm",
        "DescribeFeatureTransformation",
    }
)

# Error codes an unsupported operation may answer with, on top of the operation's modelled errors.
GENERIC_UNSUPPORTED_CODES = frozenset(
    {
        "UnsupportedOperation",
        "UnsupportedOperationException",
        "NotImplemented",
        "NotImplementedException",
        "InvalidAction",
        "ValidationException",
        "ResourceNotFoundException",
        "InvalidInputException",
    }
)

CREATE_SEQUENCE = ("CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE")
DELETE_STATES = ("DELETE PENDING", "DELETE IN_PROGRESS")

# Per-resource tag limit documented by Amazon Personalize ("Maximum number of tags per resource – 50",
# docs.aws.amazon.com/personalize/latest/dg/personalize-managing-tags.html). The model allows up to 200
# in one request, so boto3 does not stop 51 client-side.
MAX_TAGS_PER_RESOURCE = 50

SCHEMA_NAMESPACE = "com.amazonaws.personalize.schema"


def avro(name: str, fields: list[dict[str, Any]], **extra: Any) -> str:
    doc = {"type": "record", "name": name, "namespace": SCHEMA_NAMESPACE, "fields": fields, "version": "1.0"}
    doc.update(extra)
    return json.dumps(doc)


INTERACTIONS_SCHEMA = avro(
    "Interactions",
    [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
    ],
)
INTERACTIONS_SCHEMA_WITH_EVENTS = avro(
    "Interactions",
    [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "EVENT_VALUE", "type": ["null", "float"]},
    ],
)
ITEMS_SCHEMA = avro(
    "Items",
    [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRES", "type": ["null", "string"], "categorical": True},
        {"name": "CREATION_TIMESTAMP", "type": "long"},
    ],
)
USERS_SCHEMA = avro(
    "Users",
    [
        {"name": "USER_ID", "type": "string"},
        {"name": "MEMBERSHIP", "type": "string", "categorical": True},
    ],
)
SCHEMA_FOR_TYPE = {"Interactions": INTERACTIONS_SCHEMA, "Items": ITEMS_SCHEMA, "Users": USERS_SCHEMA}


def unique(prefix: str = "t") -> str:
    """A resource name unique per call that satisfies ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*, <= 63 chars."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --------------------------------------------------------------------------------------------
# botocore model access
# --------------------------------------------------------------------------------------------

_BOTOCORE_SESSION = botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def service_model(service: str):
    return _BOTOCORE_SESSION.get_service_model(service)


def unsupported_operations() -> list[tuple[str, str]]:
    """(service, operation) for every operation in the three models that the server does not implement."""
    out: list[tuple[str, str]] = []
    for svc in SERVICES:
        for op in service_model(svc).operation_names:
            if svc == "personalize" and op in SUPPORTED_OPERATIONS:
                continue
            out.append((svc, op))
    return out


# --------------------------------------------------------------------------------------------
# Shape walker: parsed (boto3) responses
# --------------------------------------------------------------------------------------------


def _check_scalar_constraints(shape, value, path: str, problems: list[str]) -> None:
    meta = shape.metadata
    if shape.type_name == "string":
        enum = meta.get("enum")
        if enum and value not in enum:
            problems.append(f"{path}: {value!r} is not one of the enum values {enum}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: string longer than {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{path}: string shorter than {meta['min']}")
    elif shape.type_name in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            problems.append(f"{path}: {value} < min {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(f"{path}: {value} > max {meta['max']}")


def check_parsed(shape, value: Any, path: str = "$") -> list[str]:
    """Check a value parsed by botocore against a model shape. Returns a list of problems."""
    problems: list[str] = []
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected structure (dict), got {type(value).__name__}"]
        for req in shape.required_members:
            if req not in value:
                problems.append(f"{path}: required member {req!r} missing")
        for k, v in value.items():
            if k not in shape.members:
                problems.append(f"{path}: unknown member {k!r}")
                continue
            problems += check_parsed(shape.members[k], v, f"{path}.{k}")
    elif t == "list":
        if not isinstance(value, list):
            return [f"{path}: expected list, got {type(value).__name__}"]
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            problems.append(f"{path}: list longer than {shape.metadata['max']}")
        for i, item in enumerate(value):
            problems += check_parsed(shape.member, item, f"{path}[{i}]")
    elif t == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected map (dict), got {type(value).__name__}"]
        for k, v in value.items():
            problems += check_parsed(shape.key, k, f"{path}<key>")
            problems += check_parsed(shape.value, v, f"{path}[{k!r}]")
    elif t == "string":
        if not isinstance(value, str):
            return [f"{path}: expected string, got {type(value).__name__}"]
        _check_scalar_constraints(shape, value, path, problems)
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: expected {t} (int), got {type(value).__name__}"]
        _check_scalar_constraints(shape, value, path, problems)
    elif t in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{path}: expected {t} (float|int), got {type(value).__name__}"]
    elif t == "boolean":
        if not isinstance(value, bool):
            return [f"{path}: expected boolean, got {type(value).__name__}"]
    elif t == "timestamp":
        if not isinstance(value, dt.datetime):
            return [f"{path}: expected timestamp (datetime), got {type(value).__name__}"]
        if value.tzinfo is None or value.utcoffset() is None:
            problems.append(f"{path}: timestamp is not timezone-aware")
    elif t == "blob":
        if not isinstance(value, (bytes, bytearray)) and not hasattr(value, "read"):
            return [f"{path}: expected blob (bytes), got {type(value).__name__}"]
    else:
        problems.append(f"{path}: unhandled shape type {t}")
    return problems


def check_parsed_output(operation_model, response: dict) -> list[str]:
    """Check a boto3 response (ResponseMetadata stripped) against the operation's output shape."""
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    shape = operation_model.output_shape
    if shape is None:
        return [f"$: operation has no output but response has members {sorted(body)}"] if body else []
    return check_parsed(shape, body)


def assert_output_shape(client, operation_name: str, response: dict) -> None:
    problems = check_parsed_output(client.meta.service_model.operation_model(operation_name), response)
    assert not problems, f"{operation_name} response does not match botocore's output shape:\n  " + "\n  ".join(
        problems
    )


# --------------------------------------------------------------------------------------------
# Shape walker: raw JSON bodies (what the server actually put on the wire)
# --------------------------------------------------------------------------------------------

# Epoch seconds for any plausible date are < 1e11 (year 5138); epoch milliseconds of today are ~1.7e12.
MAX_EPOCH_SECONDS = 1e11


def check_raw(shape, value: Any, path: str = "$") -> list[str]:
    """Check a JSON value as sent on the wire (awsJson1_1 / restJson1 body) against a model shape.

    Stricter than the parsed check: botocore silently drops unknown keys and nulls, so a misspelt
    member name would otherwise go unnoticed. Timestamps must be epoch seconds (JSON numbers).
    """
    problems: list[str] = []
    t = shape.type_name
    if value is None:
        return [f"{path}: null (AWS omits absent members instead of sending null)"]
    if t == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected JSON object, got {type(value).__name__}"]
        wire_names = {}
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue  # header/statusCode/querystring members are not in the body
            wire_names[member.serialization.get("name", name)] = (name, member)
        for req in shape.required_members:
            member = shape.members[req]
            if member.serialization.get("location"):
                continue
            if member.serialization.get("name", req) not in value:
                problems.append(f"{path}: required member {req!r} missing")
        for k, v in value.items():
            if k not in wire_names:
                problems.append(f"{path}: unknown member {k!r}")
                continue
            problems += check_raw(wire_names[k][1], v, f"{path}.{k}")
    elif t == "list":
        if not isinstance(value, list):
            return [f"{path}: expected JSON array, got {type(value).__name__}"]
        for i, item in enumerate(value):
            problems += check_raw(shape.member, item, f"{path}[{i}]")
    elif t == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected JSON object (map), got {type(value).__name__}"]
        for k, v in value.items():
            problems += check_raw(shape.value, v, f"{path}[{k!r}]")
    elif t == "string":
        if not isinstance(value, str):
            return [f"{path}: expected JSON string, got {type(value).__name__}"]
        _check_scalar_constraints(shape, value, path, problems)
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: expected JSON integer, got {type(value).__name__} {value!r}"]
    elif t in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{path}: expected JSON number, got {type(value).__name__}"]
    elif t == "boolean":
        if not isinstance(value, bool):
            return [f"{path}: expected JSON boolean, got {type(value).__name__}"]
    elif t == "timestamp":
        fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
        if fmt == "unixTimestamp":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return [f"{path}: timestamp must be epoch seconds (JSON number), got {type(value).__name__} {value!r}"]
            if not (0 <= value < MAX_EPOCH_SECONDS):
                problems.append(f"{path}: timestamp {value!r} is not epoch seconds (milliseconds?)")
        elif not isinstance(value, str):
            problems.append(f"{path}: timestamp ({fmt}) must be a string")
    elif t == "blob":
        if not isinstance(value, str):
            return [f"{path}: blob must be a base64 JSON string"]
    else:
        problems.append(f"{path}: unhandled shape type {t}")
    return problems


def check_raw_output(operation_model, body: bytes) -> list[str]:
    shape = operation_model.output_shape
    text = body.decode("utf-8", errors="replace").strip() if body else ""
    if shape is None:
        if text in ("", "{}"):
            return []
        try:
            doc = json.loads(text)
        except ValueError:
            return [f"$: operation has no output; body is not JSON: {text[:200]!r}"]
        return [] if doc == {} else [f"$: operation has no output but body has {doc!r}"[:300]]
    payload = shape.serialization.get("payload")
    if payload:
        shape = shape.members[payload]
        if shape.type_name != "structure":
            return []
    if not text:
        # An entirely empty body is only acceptable when nothing is required.
        required = [m for m in shape.required_members if not shape.members[m].serialization.get("location")]
        return [f"$: empty body but members {required} are required"] if required else []
    try:
        doc = json.loads(text)
    except ValueError:
        return [f"$: body is not JSON: {text[:200]!r}"]
    return check_raw(shape, doc)


def check_raw_error(status: int, headers: dict, body: bytes) -> list[str]:
    """An error response must be an AWS JSON error: a type (body __type/code or x-amzn-ErrorType) and a message."""
    text = body.decode("utf-8", errors="replace").strip() if body else ""
    try:
        doc = json.loads(text) if text else None
    except ValueError:
        return [f"HTTP {status} error body is not JSON: {text[:200]!r}"]
    if not isinstance(doc, dict):
        return [f"HTTP {status} error body is not a JSON object: {text[:200]!r}"]
    lower = {k.lower(): v for k, v in headers.items()}
    code = doc.get("__type") or doc.get("code") or doc.get("Code") or lower.get("x-amzn-errortype")
    problems = []
    if not isinstance(code, str) or not code.strip():
        problems.append(f"HTTP {status} error has no __type / x-amzn-ErrorType: {text[:200]!r}")
    message = doc.get("message", doc.get("Message"))
    if not isinstance(message, str) or not message.strip():
        problems.append(f"HTTP {status} error has no message: {text[:200]!r}")
    return problems


def install_wire_checks(client) -> None:
    """Validate every response this client receives: successes against the output shape (parsed and raw),
    errors for being a parsed AWS error with a message. A violation raises AssertionError from the call."""

    def after_call(http_response, parsed, model, **_kwargs):
        status = http_response.status_code
        if status < 300:
            problems = check_parsed_output(model, parsed)
            problems += [f"wire: {p}" for p in check_raw_output(model, http_response.content)]
            if problems:
                raise AssertionError(
                    f"{model.name} (HTTP {status}) response does not match botocore's output shape:\n  "
                    + "\n  ".join(problems)
                    + f"\n  body: {http_response.content[:500]!r}"
                )
        else:
            problems = check_raw_error(status, dict(http_response.headers), http_response.content)
            if problems:
                raise AssertionError(f"{model.name}: malformed AWS error response:\n  " + "\n  ".join(problems))

    client.meta.events.register("after-call", after_call)


# --------------------------------------------------------------------------------------------
# Minimal valid input for any operation, built from the model
# --------------------------------------------------------------------------------------------

_ARN_RESOURCE_FOR_MEMBER = {
    "campaignArn": "campaign/x",
    "solutionArn": "solution/x",
    "solutionVersionArn": "solution/x/1a2b3c4d",
    "datasetGroupArn": "dataset-group/x",
    "datasetArn": "dataset/x/INTERACTIONS",
    "recommenderArn": "recommender/x",
    "filterArn": "filter/x",
    "eventTrackerArn": "event-tracker/x",
    "metricAttributionArn": "metric-attribution/x",
    "batchInferenceJobArn": "batch-inference-job/x",
    "batchSegmentJobArn": "batch-segment-job/x",
    "datasetImportJobArn": "dataset-import-job/x",
    "datasetExportJobArn": "dataset-export-job/x",
    "dataDeletionJobArn": "data-deletion-job/x",
    "schemaArn": "schema/x",
}

_INPUT_OVERRIDES: dict[tuple[str, str], Callable[[str], dict[str, Any]]] = {
    ("personalize-runtime", "GetRecommendations"): lambda acct: {
        "campaignArn": f"arn:aws:personalize:{REGION}:{acct}:campaign/x",
        "userId": "u1",
    },
    ("personalize-runtime", "GetActionRecommendations"): lambda acct: {
        "campaignArn": f"arn:aws:personalize:{REGION}:{acct}:campaign/x",
        "userId": "u1",
    },
    ("personalize-runtime", "GetPersonalizedRanking"): lambda acct: {
        "campaignArn": f"arn:aws:personalize:{REGION}:{acct}:campaign/x",
        "userId": "u1",
        "inputList": ["i1", "i2"],
    },
    ("personalize-events", "PutEvents"): lambda acct: {
        "trackingId": "00000000-0000-0000-0000-000000000000",
        "userId": "u1",
        "sessionId": "s1",
        "eventList": [{"eventType": "click", "itemId": "i1", "sentAt": utcnow()}],
    },
    ("personalize-events", "PutItems"): lambda acct: {
        "datasetArn": f"arn:aws:personalize:{REGION}:{acct}:dataset/x/ITEMS",
        "items": [{"itemId": "i1", "properties": '{"genres": "drama"}'}],
    },
    ("personalize-events", "PutUsers"): lambda acct: {
        "datasetArn": f"arn:aws:personalize:{REGION}:{acct}:dataset/x/USERS",
        "users": [{"userId": "u1", "properties": '{"membership": "gold"}'}],
    },
    ("personalize-events", "PutActions"): lambda acct: {
        "datasetArn": f"arn:aws:personalize:{REGION}:{acct}:dataset/x/ACTIONS",
        "actions": [{"actionId": "a1"}],
    },
    ("personalize", "UpdateMetricAttribution"): lambda acct: {
        "metricAttributionArn": f"arn:aws:personalize:{REGION}:{acct}:metric-attribution/x",
    },
    ("personalize", "CreateFilter"): lambda acct: {
        "name": "x",
        "datasetGroupArn": f"arn:aws:personalize:{REGION}:{acct}:dataset-group/x",
        "filterExpression": 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    },
    ("personalize", "CreateDatasetImportJob"): lambda acct: {
        "jobName": "x",
        "datasetArn": f"arn:aws:personalize:{REGION}:{acct}:dataset/x/INTERACTIONS",
        "dataSource": {"dataLocation": "s3://bucket/interactions.csv"},
    },
    ("personalize", "CreateDataDeletionJob"): lambda acct: {
        "jobName": "x",
        "datasetGroupArn": f"arn:aws:personalize:{REGION}:{acct}:dataset-group/x",
        "dataSource": {"dataLocation": "s3://bucket/users.csv"},
        "roleArn": f"arn:aws:iam::{acct}:role/PersonalizeRole",
    },
    ("personalize", "CreateRecommender"): lambda acct: {
        "name": "x",
        "datasetGroupArn": f"arn:aws:personalize:{REGION}:{acct}:dataset-group/x",
        "recipeArn": "arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you",
    },
    ("personalize", "CreateMetricAttribution"): lambda acct: {
        "name": "x",
        "datasetGroupArn": f"arn:aws:personalize:{REGION}:{acct}:dataset-group/x",
        "metrics": [{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}],
        "metricsOutputConfig": {"roleArn": f"arn:aws:iam::{acct}:role/PersonalizeRole"},
    },
}


def _camel_to_kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _string_for(member_name: str, shape, account_id: str) -> str:
    meta = shape.metadata
    if meta.get("enum"):
        return meta["enum"][0]
    pattern = meta.get("pattern", "")
    if "iam::" in pattern:
        return f"arn:aws:iam::{account_id}:role/PersonalizeRole"
    if "kms:" in pattern:
        return f"arn:aws:kms:{REGION}:{account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    if pattern.startswith("arn:") or member_name.endswith("Arn"):
        resource = _ARN_RESOURCE_FOR_MEMBER.get(member_name)
        if resource is None:
            resource = _camel_to_kebab(member_name[: -len("Arn")] if member_name.endswith("Arn") else member_name) + "/x"
        if member_name == "recipeArn":
            return "arn:aws:personalize:::recipe/aws-user-personalization"
        return f"arn:aws:personalize:{REGION}:{account_id}:{resource}"
    if "s3|http|https" in pattern or shape.name == "S3Location":
        return "s3://bucket/key"
    candidate = "x1"
    lo = meta.get("min", 1)
    if len(candidate) < lo:
        candidate = candidate + "x" * (lo - len(candidate))
    return candidate


def minimal_value(member_name: str, shape, account_id: str, depth: int = 0) -> Any:
    t = shape.type_name
    if depth > 8:
        raise RuntimeError(f"shape recursion too deep at {member_name}")
    if t == "structure":
        return {
            name: minimal_value(name, shape.members[name], account_id, depth + 1) for name in shape.required_members
        }
    if t == "list":
        n = max(1, shape.metadata.get("min", 0))
        if "max" in shape.metadata:
            n = min(n, shape.metadata["max"])
        return [minimal_value(member_name, shape.member, account_id, depth + 1) for _ in range(n)]
    if t == "map":
        n = shape.metadata.get("min", 0)
        return {f"k{i}": minimal_value(member_name, shape.value, account_id, depth + 1) for i in range(n)}
    if t == "string":
        return _string_for(member_name, shape, account_id)
    if t in ("integer", "long"):
        v = max(1, shape.metadata.get("min", 1))
        return min(v, shape.metadata.get("max", v))
    if t in ("float", "double"):
        return float(max(1, shape.metadata.get("min", 1)))
    if t == "boolean":
        return False
    if t == "timestamp":
        return utcnow()
    if t == "blob":
        return b"x"
    raise RuntimeError(f"unhandled shape type {t} for {member_name}")


def build_minimal_input(service: str, operation: str, account_id: str) -> dict[str, Any]:
    """Required members with valid dummy values (lengths, enums, ARN patterns), from the botocore model."""
    override = _INPUT_OVERRIDES.get((service, operation))
    if override is not None:
        return override(account_id)
    shape = service_model(service).operation_model(operation).input_shape
    if shape is None:
        return {}
    return minimal_value("$", shape, account_id)


def java_pattern_to_python(pattern: str) -> str:
    """Translate the few Java-regex constructs the Personalize models use into Python `re` syntax."""
    classes = {
        "ASCII": r"\x00-\x7F",
        "L": r"A-Za-z\u00AA-\u02FF\u0370-\u1FFF\u2C00-\uD7FF\uF900-\uFFEF",
        "Z": r" \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000",
        "N": r"0-9\u00B2\u00B3\u00B9\u00BC-\u00BE\u0660-\u0669",
    }
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and pattern.startswith("\\p{", i):
            end = pattern.index("}", i)
            body = classes[pattern[i + 3 : end]]
            out.append(body if in_class else f"[{body}]")
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def pattern_problems(shape, value: Any, path: str = "$") -> list[str]:
    """Check string values against model patterns (full match, as AWS validates)."""
    problems: list[str] = []
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                problems += pattern_problems(shape.members[k], v, f"{path}.{k}")
    elif t == "list" and isinstance(value, list):
        for i, v in enumerate(value):
            problems += pattern_problems(shape.member, v, f"{path}[{i}]")
    elif t == "map" and isinstance(value, dict):
        for k, v in value.items():
            problems += pattern_problems(shape.value, v, f"{path}[{k!r}]")
    elif t == "string" and isinstance(value, str):
        pat = shape.metadata.get("pattern")
        if pat and not re.fullmatch(java_pattern_to_python(pat), value, flags=re.DOTALL):
            problems.append(f"{path}: {value!r} does not match {pat!r}")
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            problems.append(f"{path}: longer than {shape.metadata['max']}")
    return problems


# --------------------------------------------------------------------------------------------
# Error helpers
# --------------------------------------------------------------------------------------------


def error_code(err: ClientError) -> str:
    return err.response.get("Error", {}).get("Code", "")


def error_message(err: ClientError) -> str:
    return err.response.get("Error", {}).get("Message", "") or ""


def error_status(err: ClientError) -> int:
    return err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)


def assert_parsed_aws_error(err: ClientError) -> None:
    """Strict about being a parsed AWS error: non-numeric code, a message, a 4xx/5xx status."""
    code, message, status = error_code(err), error_message(err), error_status(err)
    assert 400 <= status < 600, f"expected 4xx/5xx, got HTTP {status} ({code}: {message})"
    assert code and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]*", code), (
        f"error code {code!r} is not an AWS error type (HTTP {status}; botocore falls back to the status "
        f"code when the body has no __type)"
    )
    assert message.strip(), f"{code} (HTTP {status}) has no message"


def expect_error(call: Callable[[], Any], *codes: str) -> ClientError:
    """Run `call`, require a ClientError whose code is one of `codes` (any code when none are given)."""
    with pytest.raises(ClientError) as excinfo:
        call()
    err = excinfo.value
    assert_parsed_aws_error(err)
    if codes:
        assert error_code(err) in codes, (
            f"expected one of {codes}, got {error_code(err)} (HTTP {error_status(err)}): {error_message(err)}"
        )
    return err


def expect_modelled(client, call: Callable[[], Any], exception_name: str) -> ClientError:
    """Require the modelled exception class `client.exceptions.<exception_name>`."""
    exc_class = getattr(client.exceptions, exception_name)
    with pytest.raises(ClientError) as excinfo:
        call()
    err = excinfo.value
    assert isinstance(err, exc_class), (
        f"expected {exception_name}, got {error_code(err)} (HTTP {error_status(err)}): {error_message(err)}"
    )
    assert_parsed_aws_error(err)
    return err


def expect_invalid_input(client, call: Callable[[], Any], *field_names: str) -> ClientError:
    """InvalidInputException whose message names (case-insensitively) at least one of `field_names`."""
    err = expect_modelled(client, call, "InvalidInputException")
    msg = error_message(err).lower()
    assert any(f.lower() in msg for f in field_names), (
        f"InvalidInputException message should name {field_names}: {error_message(err)!r}"
    )
    return err


def expect_schema_rejected(tenant: "Tenant", schema: str, dataset_type: str, dataset_group_arn: str, *mentions: str) -> str:
    """A schema that breaks a rule must be refused with InvalidInputException naming one of `mentions`,
    either by CreateSchema or, when the rule depends on the dataset type, by CreateDataset.
    Returns the operation that refused it."""
    pz = tenant.personalize
    try:
        _, schema_arn = tenant.create_schema(schema)
    except ClientError as err:
        assert isinstance(err, pz.exceptions.InvalidInputException), (
            f"CreateSchema refused with {error_code(err)} instead of InvalidInputException: {error_message(err)}"
        )
        assert_parsed_aws_error(err)
        msg = error_message(err).lower()
        assert any(m.lower() in msg for m in mentions), f"message should mention {mentions}: {error_message(err)!r}"
        return "CreateSchema"
    expect_invalid_input(
        pz,
        lambda: pz.create_dataset(
            name=unique("ds"), schemaArn=schema_arn, datasetGroupArn=dataset_group_arn, datasetType=dataset_type
        ),
        *mentions,
    )
    return "CreateDataset"


# --------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------


class _Poller:
    """Back-off sleeps until a deadline."""

    def __init__(self, timeout: float):
        self.deadline = time.monotonic() + timeout
        self.delay = 0.05

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def sleep(self) -> None:
        time.sleep(min(self.delay, max(0.0, self.deadline - time.monotonic())))
        self.delay = min(self.delay * 1.5, 0.5)


def wait_for_status(
    fetch: Callable[[], dict],
    target: str = "ACTIVE",
    timeout: float = STATUS_TIMEOUT,
    sequence: tuple[str, ...] = CREATE_SEQUENCE,
) -> tuple[dict, list[str]]:
    """Poll `fetch()` (returns the resource dict with a `status`) until status == target.

    Every observed status must be in `sequence` and statuses must never go backwards in it;
    a status ending in FAILED fails immediately. Returns (final resource, distinct statuses seen).
    """
    seen: list[str] = []
    last: dict = {}
    poller = _Poller(timeout)
    while True:
        last = fetch()
        status = last.get("status")
        if not seen or seen[-1] != status:
            seen.append(status)
        assert isinstance(status, str), f"resource has no status: {last}"
        assert not status.endswith("FAILED"), f"resource failed: {status}: {last.get('failureReason')}"
        assert status in sequence, f"unexpected status {status!r} (expected one of {sequence}); seen {seen}"
        indices = [sequence.index(s) for s in seen]
        assert indices == sorted(indices), f"status went backwards: {seen}"
        if status == target:
            return last, seen
        if poller.expired():
            pytest.fail(f"status did not reach {target!r} within {timeout}s; seen {seen}; last {last}")
        poller.sleep()


def wait_for_gone(
    client,
    fetch: Callable[[], dict],
    timeout: float = STATUS_TIMEOUT,
    allowed: tuple[str, ...] = DELETE_STATES,
) -> list[str]:
    """Poll until `fetch()` raises ResourceNotFoundException; statuses seen before must be in `allowed`.

    Returns the distinct statuses seen before the resource disappeared."""
    seen: list[str] = []
    poller = _Poller(timeout)
    while True:
        try:
            resource = fetch()
        except client.exceptions.ResourceNotFoundException as err:
            assert_parsed_aws_error(err)
            return seen
        status = resource.get("status")
        if not seen or seen[-1] != status:
            seen.append(status)
        assert status in allowed, f"while deleting, status {status!r} is not one of {allowed}; seen {seen}"
        if poller.expired():
            pytest.fail(f"resource still describable after {timeout}s; statuses seen {seen}")
        poller.sleep()


# --------------------------------------------------------------------------------------------
# Raw HTTP + manual SigV4
# --------------------------------------------------------------------------------------------


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def error_type(self) -> str:
        """`__type` (or x-amzn-ErrorType) with any `namespace#` prefix and `:suffix` stripped, as botocore does."""
        try:
            doc = self.json()
        except ValueError:
            doc = {}
        code = (doc.get("__type") if isinstance(doc, dict) else None) or {
            k.lower(): v for k, v in self.headers.items()
        }.get("x-amzn-errortype", "")
        return code.split(":", 1)[0].rsplit("#", 1)[-1]

    def message(self) -> str:
        try:
            doc = self.json()
        except ValueError:
            return ""
        return (doc.get("message") or doc.get("Message") or "") if isinstance(doc, dict) else ""

    def __repr__(self) -> str:
        return f"RawResponse({self.status}, {self.body[:300]!r})"


def http_request(url: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> RawResponse:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body if body else None, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, dict(resp.getheaders()), data)
    finally:
        conn.close()


@contextlib.contextmanager
def frozen_signing_time(when: dt.datetime):
    """Make botocore's SigV4 signer use `when` (UTC) as the current time."""
    naive = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: naive):
        yield


def sign_request(
    url: str,
    access_key: str,
    secret_key: str,
    body: bytes,
    headers: dict[str, str],
    *,
    path: str = "/",
    service: str = "personalize",
    region: str = REGION,
    when: dt.datetime | None = None,
) -> dict[str, str]:
    """Sign a POST with botocore's SigV4Auth; returns the headers to send (Host is added by http.client)."""
    req = AWSRequest(method="POST", url=url.rstrip("/") + path, data=body, headers=dict(headers))
    signer = botocore.auth.SigV4Auth(Credentials(access_key, secret_key), service, region)
    if when is not None:
        with frozen_signing_time(when):
            signer.add_auth(req)
    else:
        signer.add_auth(req)
    prepared = req.prepare()
    return {k: v for k, v in prepared.headers.items()}


def control_plane_headers(operation: str) -> dict[str, str]:
    return {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AmazonPersonalize.{operation}"}


def signed_control_plane_call(
    url: str,
    access_key: str,
    secret_key: str,
    operation: str,
    params: dict[str, Any] | None = None,
    *,
    when: dt.datetime | None = None,
    service: str = "personalize",
    tamper: Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]] | None = None,
) -> RawResponse:
    body = json.dumps(params or {}).encode()
    headers = sign_request(url, access_key, secret_key, body, control_plane_headers(operation), when=when, service=service)
    if tamper is not None:
        headers, body = tamper(headers, body)
    return http_request(url, "POST", "/", body, headers)


# --------------------------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------------------------


def _random_access_key_id() -> str:
    rng = random.SystemRandom()
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def _random_secret() -> str:
    rng = random.SystemRandom()
    return "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))


def _clean_env() -> dict[str, str]:
    """The environment without any AWS_* settings that could leak into the CLI or boto3."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


class Server:
    def __init__(self, binary: Path, data_dir: Path, operator: tuple[str, str] | None = None):
        self.binary = binary
        self.data_dir = data_dir
        self.operator_key, self.operator_secret = operator or (_random_access_key_id(), _random_secret())
        self.database_url = os.environ.get("PERSIMMON_TEST_DATABASE_URL") or None
        self.stdout_lines: collections.deque[str] = collections.deque(maxlen=2000)
        self.stderr_lines: collections.deque[str] = collections.deque(maxlen=2000)
        self.url: str | None = None
        self._listening = threading.Event()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        args = [str(self.binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(self.data_dir)]
        if self.database_url:
            args += ["--database-url", self.database_url]
        env = _clean_env()
        env["PERSIMMON_ROOT_ACCESS_KEY_ID"] = self.operator_key
        env["PERSIMMON_ROOT_SECRET_ACCESS_KEY"] = self.operator_secret
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        threading.Thread(target=self._drain, args=(self.proc.stdout, self.stdout_lines, True), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr_lines, False), daemon=True).start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._listening.wait(0.1):
                break
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the drain threads collect the last output
                pytest.fail(
                    f"persimmon serve exited with {self.proc.returncode} before listening\n{self.diagnostics()}",
                    pytrace=False,
                )
        else:
            self.stop()
            pytest.fail(
                f"persimmon serve did not print 'persimmon listening on http://HOST:PORT' within "
                f"{STARTUP_TIMEOUT:.0f}s\n{self.diagnostics()}",
                pytrace=False,
            )

    def _drain(self, stream, sink: collections.deque, watch_for_listen: bool) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            sink.append(line)
            if watch_for_listen and self.url is None:
                m = LISTEN_RE.search(line)
                if m:
                    self.url = m.group(1)
                    self._listening.set()
        stream.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> bool:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT. Returns True if it exited on SIGTERM in time."""
        if self.proc is None or self.proc.poll() is not None:
            return True
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(STOP_TIMEOUT)
            return True
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            return False

    def diagnostics(self, lines: int = 60) -> str:
        out = list(self.stdout_lines)[-lines:]
        err = list(self.stderr_lines)[-lines:]
        return "--- server stdout (tail) ---\n" + "\n".join(out) + "\n--- server stderr (tail) ---\n" + "\n".join(err)

    # -- admin CLI ------------------------------------------------------------------------------

    def admin(
        self, *args: str, access_key: str | None = None, secret_key: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        env = _clean_env()
        env["AWS_ACCESS_KEY_ID"] = access_key or self.operator_key
        env["AWS_SECRET_ACCESS_KEY"] = secret_key or self.operator_secret
        env["AWS_DEFAULT_REGION"] = REGION
        env["AWS_REGION"] = REGION
        cmd = [str(self.binary), "admin", *args, "--endpoint-url", self.url]
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"`persimmon admin {' '.join(args)}` exited {proc.returncode}\nstdout: {proc.stdout}\n"
                f"stderr: {proc.stderr}"
            )
        return proc

    def admin_json(self, *args: str, **kwargs: Any) -> Any:
        proc = self.admin(*args, **kwargs)
        try:
            return json.loads(proc.stdout)
        except ValueError:
            raise AssertionError(f"`persimmon admin {' '.join(args)}` did not print JSON: {proc.stdout!r}")

    def create_account(self, name: str | None = None) -> "Tenant":
        name = name or unique("acct")
        doc = self.admin_json("create-account", "--name", name)
        for key in ("AccountId", "AccessKeyId", "SecretAccessKey"):
            assert isinstance(doc.get(key), str) and doc[key], f"create-account output lacks {key}: {doc}"
        assert re.fullmatch(r"\d{12}", doc["AccountId"]), f"AccountId is not 12 digits: {doc['AccountId']!r}"
        return Tenant(self, doc["AccountId"], doc["AccessKeyId"], doc["SecretAccessKey"], name)

    def list_accounts(self) -> list[dict]:
        doc = self.admin_json("list-accounts")
        assert isinstance(doc, dict) and isinstance(doc.get("Accounts"), list), f"list-accounts output: {doc}"
        return doc["Accounts"]

    def close_account(self, account_id: str) -> subprocess.CompletedProcess:
        return self.admin("close-account", "--account-id", account_id)


_BOTO_SESSION = boto3.session.Session()
_CLIENT_LOCK = threading.Lock()


def make_client(
    server: Server,
    service: str,
    access_key: str,
    secret_key: str,
    *,
    validate: bool = True,
    region: str = REGION,
):
    config = Config(
        # One attempt in total: botocore's `max_attempts` counts *retries* after the first try, so
        # {"max_attempts": 1} would still resend once on a 5xx; total_max_attempts=1 surfaces every error at once.
        retries={"total_max_attempts": 1, "mode": "standard"},
        parameter_validation=validate,
        connect_timeout=10,
        read_timeout=60,
    )
    with _CLIENT_LOCK:
        client = _BOTO_SESSION.client(
            service,
            endpoint_url=server.url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=config,
        )
    install_wire_checks(client)
    return client


class Tenant:
    """An account created with `persimmon admin create-account`, with lazily built clients."""

    def __init__(self, server: Server, account_id: str, access_key: str, secret_key: str, name: str):
        self.server = server
        self.account_id = account_id
        self.access_key = access_key
        self.secret_key = secret_key
        self.name = name

    def client(self, service: str = "personalize", **kwargs: Any):
        return make_client(self.server, service, self.access_key, self.secret_key, **kwargs)

    @functools.cached_property
    def personalize(self):
        return self.client("personalize")

    @functools.cached_property
    def personalize_nv(self):
        """Control-plane client with botocore's parameter validation off (to send bad input to the server)."""
        return self.client("personalize", validate=False)

    @functools.cached_property
    def runtime(self):
        return self.client("personalize-runtime")

    @functools.cached_property
    def events(self):
        return self.client("personalize-events")

    def arn(self, resource: str) -> str:
        return f"arn:aws:personalize:{REGION}:{self.account_id}:{resource}"

    # -- resource helpers -----------------------------------------------------------------------

    def describe_dataset_group(self, arn: str) -> dict:
        return self.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]

    def describe_dataset(self, arn: str) -> dict:
        return self.personalize.describe_dataset(datasetArn=arn)["dataset"]

    def create_dataset_group(self, name: str | None = None, *, wait: bool = True, **kwargs: Any) -> tuple[str, str]:
        name = name or unique("dsg")
        arn = self.personalize.create_dataset_group(name=name, **kwargs)["datasetGroupArn"]
        if wait:
            wait_for_status(lambda: self.describe_dataset_group(arn))
        return name, arn

    def create_schema(self, schema: str = INTERACTIONS_SCHEMA, name: str | None = None, **kwargs: Any) -> tuple[str, str]:
        name = name or unique("schema")
        arn = self.personalize.create_schema(name=name, schema=schema, **kwargs)["schemaArn"]
        return name, arn

    def create_dataset(
        self,
        dataset_group_arn: str,
        schema_arn: str,
        dataset_type: str = "Interactions",
        name: str | None = None,
        *,
        wait: bool = True,
        **kwargs: Any,
    ) -> str:
        name = name or unique("ds")
        arn = self.personalize.create_dataset(
            name=name, schemaArn=schema_arn, datasetGroupArn=dataset_group_arn, datasetType=dataset_type, **kwargs
        )["datasetArn"]
        if wait:
            wait_for_status(lambda: self.describe_dataset(arn))
        return arn

    def __repr__(self) -> str:
        return f"Tenant({self.account_id})"


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------

_SERVER: Server | None = None


def persimmon_binary() -> Path:
    return Path(os.environ.get("PERSIMMON_BIN") or DEFAULT_BIN)


def stage_binary(binary: Path, into: Path) -> Path:
    """Run a private copy (with any SwiftPM `*.resources` bundles beside it): `serve` and the admin CLI are then
    the same build for the whole session, and a concurrent `swift build` relinking the original cannot fail
    the run with ETXTBSY."""
    target = into / binary.name
    shutil.copy2(binary, target)
    for bundle in binary.parent.glob("*.resources"):
        if bundle.is_dir():
            shutil.copytree(bundle, into / bundle.name, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterable[Server]:
    global _SERVER
    binary = persimmon_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        message = f"persimmon binary not found at {binary} (build it with `swift build` or set PERSIMMON_BIN)"
        if os.environ.get("PERSIMMON_CONFORMANCE_REQUIRED") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    binary = stage_binary(binary, tmp_path_factory.mktemp("persimmon-bin"))
    srv = Server(binary, tmp_path_factory.mktemp("persimmon-data"))
    srv.start()
    _SERVER = srv
    try:
        health = http_request(srv.url, "GET", "/health")
        assert health.status == 200, f"GET /health answered {health.status} right after startup: {health.body[:300]!r}"
        yield srv
    finally:
        _SERVER = None
        srv.stop()


@pytest.fixture(autouse=True)
def _server_still_alive():
    """Fail the test that crashed the server (with its stderr), instead of cascading failures."""
    yield
    srv = _SERVER
    if srv is not None and srv.proc is not None and srv.proc.poll() is not None:
        time.sleep(0.2)
        pytest.fail(f"persimmon serve died (exit {srv.proc.returncode}) during this test\n{srv.diagnostics()}")


@pytest.fixture(scope="session")
def operator(server: Server) -> tuple[str, str]:
    return server.operator_key, server.operator_secret


@pytest.fixture
def tenant(server: Server) -> Tenant:
    """A fresh account per test: tests never see each other's resources or quotas."""
    return server.create_account(unique("tenant"))


@pytest.fixture
def tenant_b(server: Server) -> Tenant:
    return server.create_account(unique("tenant-b"))


@pytest.fixture(scope="session")
def shared_tenant(server: Server) -> Tenant:
    """One account for tests that create nothing (unsupported operations, recipes)."""
    return server.create_account(unique("shared"))


@pytest.fixture
def pz(tenant: Tenant):
    return tenant.personalize


@pytest.fixture
def pz_nv(tenant: Tenant):
    return tenant.personalize_nv
