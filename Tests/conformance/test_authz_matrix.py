"""The authorization matrix over EVERY operation of the three Personalize APIs.

For each operation, with the minimal input botocore's model allows:
- an IAM user with no policy is denied (AccessDeniedException naming the action);
- a user whose only policy allows that action on that resource type (plus iam:PassRole when the input passes a
  role) is allowed: the answer is no longer AccessDenied (for unsupported operations, UnsupportedOperation);
- a Deny statement for the action overrides an Allow of everything;
- a user of another account is denied even with AdministratorAccess ("Resource": "*"), whenever the input names
  an ARN of the first account.
Resource types and ARN templates come from the Service Authorization Reference in ../shared.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from conftest import (
    SERVICES,
    allow_policy,
    build_minimal_input,
    error_code,
    error_message,
    service_model,
    unique,
)
from botocore import xform_name
from botocore.exceptions import ClientError

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "iam-service-reference" / "personalize.json"
DENIED = "AccessDeniedException"
GLOBAL_ARNS = {
    "DescribeAlgorithm": {"algorithmArn": "arn:aws:personalize:::algorithm/aws-hrnn"},
    "DescribeFeatureTransformation": {
        "featureTransformationArn": "arn:aws:personalize:::feature-transformation/JSON-percentile-filtering"
    },
}


@functools.lru_cache(maxsize=None)
def reference() -> dict:
    if not REFERENCE.is_file():
        pytest.skip(f"{REFERENCE} is missing: the Service Authorization Reference extract lives in ../shared")
    return json.loads(REFERENCE.read_text())


def all_operations() -> list[tuple[str, str]]:
    return [(svc, op) for svc in SERVICES for op in service_model(svc).operation_names]


def resource_pattern(operation: str, account: str) -> str:
    """The minimal Resource for an action: its resource type's ARN with the ID wildcarded, or * without a type."""
    action = reference()["actions"][operation]
    types = [t["resource_type"] for t in action["resource_types"] if t["resource_type"]]
    if not types:
        return "*"
    template = reference()["resource_types"][types[0]]["arn"]
    return (
        template.replace("${Partition}", "aws").replace("${Region}", "us-east-1").replace("${Account}", account)
        .replace("${ResourceId}", "*")
    )


def minimal_policy(service: str, operation: str, params: dict, account: str) -> dict:
    statements = [{"Effect": "Allow", "Action": f"personalize:{operation}", "Resource": resource_pattern(operation, account)}]
    if "roleArn" in params:
        statements.append(
            {
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{account}:role/*",
                "Condition": {"StringEquals": {"iam:PassedToService": "personalize.amazonaws.com"}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def call(client, operation: str, params: dict):
    return getattr(client, xform_name(operation))(**params)


def outcome(client, operation: str, params: dict) -> tuple[str, str]:
    """("ok", "") or (error code, message)."""
    try:
        call(client, operation, params)
        return "ok", ""
    except ClientError as err:
        return error_code(err), error_message(err)


@pytest.fixture(scope="module")
def matrix(server):
    """One account with three users (no policy / per-operation policy / allow-all-but-deny) and an administrator
    of another account."""
    owner = server.create_account(unique("matrix"))
    other = server.create_account(unique("matrix-other"))
    nobody = owner.create_user(unique("nobody"))
    minimal = owner.create_user(unique("minimal"))
    denied = owner.create_user(unique("denied"))
    outsider = other.create_user(unique("outsider"), managed=["arn:aws:iam::aws:policy/AdministratorAccess"])
    clients = {}

    def client(user, service):
        key = (user.name, service)
        if key not in clients:
            clients[key] = user.client(service, validate=False)
        return clients[key]

    return owner, other, nobody, minimal, denied, outsider, client


@pytest.mark.parametrize("service,operation", all_operations(), ids=lambda v: v if isinstance(v, str) else None)
def test_matrix(matrix, service, operation):
    owner, other, nobody, minimal, denied, outsider, client = matrix
    assert operation in reference()["actions"], f"{operation} has no IAM action in the reference"
    params = build_minimal_input(service, operation, owner.account_id)
    # AWS-owned catalogue entries have ARNs without region or account.
    params.update(GLOBAL_ARNS.get(operation, {}))
    action = f"personalize:{operation}"

    # 1. No policy: denied, with AWS's message shape.
    code, message = outcome(client(nobody, service), operation, params)
    assert code == DENIED, f"{operation} without any policy answered {code}: {message}"
    assert f"User: {nobody.arn} is not authorized to perform: {action} on resource: " in message
    assert message.endswith(f"because no identity-based policy allows the {action} action")

    # 2. The minimal policy for this action and resource: no longer denied.
    owner.iam.put_user_policy(UserName=minimal.name, PolicyName="inline", PolicyDocument=json.dumps(minimal_policy(service, operation, params, owner.account_id)))
    code, message = outcome(client(minimal, service), operation, params)
    assert code != DENIED, f"{operation} with its minimal policy was denied: {message}"

    # 3. An explicit Deny overrides an Allow of everything.
    owner.iam.put_user_policy(
        UserName=denied.name,
        PolicyName="inline",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Effect": "Deny", "Action": action, "Resource": "*"},
                ],
            }
        ),
    )
    code, message = outcome(client(denied, service), operation, params)
    assert code == DENIED, f"{operation} with an explicit Deny answered {code}: {message}"
    assert "with an explicit deny in an identity-based policy" in message

    # 4. Another account's administrator is denied whenever the input names this account's resources.
    if owner.account_id in json.dumps(params, default=str):
        code, message = outcome(client(outsider, service), operation, params)
        assert code == DENIED, f"{operation} across accounts answered {code}: {message}"
        assert outsider.arn in message
