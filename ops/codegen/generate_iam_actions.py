#!/usr/bin/env python3
"""Generate Persimmon's operation -> IAM authorization table for the three Personalize APIs.

Inputs (read at generation time; the output is committed, CI does not run this script):

  shared/iam-service-reference/personalize.json  Service Authorization Reference extract (actions, access
                                                 levels, resource types, ARN templates, condition keys)
  shared/iam-service-reference/iam.json          the same for IAM (to check iam:PassRole's resource type)
  botocore 1.43.11 data/<service>/<version>/service-2.json(.gz) for personalize, personalize-runtime and
                                                 personalize-events (operations and their input members)

Output:

  Sources/PersimmonIAM/Generated/PersonalizeActions.swift
      extension PersonalizeAuthorization { static let operations: [OperationAuthorization] }
      one row per operation: IAM action, access level, resource types, where the resource ARN comes from
      (an input member, "*" for actions without a resource type, or a template for Create*), condition keys,
      the tags member, and additional authorizations (personalize:TagResource when tags are passed to a
      Create*, iam:PassRole when a roleArn is passed).

Only facts are emitted (names, levels, templates); no descriptions or other prose from either source.
The output is deterministic.

Usage:

  python3 ops/codegen/generate_iam_actions.py            # write the file
  python3 ops/codegen/generate_iam_actions.py --check    # exit 1 if the file is out of date
  python3 ops/codegen/generate_iam_actions.py --shared-dir /path/to/shared
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys

BOTOCORE_VERSION = "1.43.11"

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUTPUT_PATH = os.path.join(REPO_ROOT, "Sources", "PersimmonIAM", "Generated", "PersonalizeActions.swift")
GENERATOR_PATH = "ops/codegen/generate_iam_actions.py"
LINE_LIMIT = 120

# botocore service name, model version, expected operation count.
SERVICES = [
    ("personalize", "2018-05-22", 71),
    ("personalize-runtime", "2018-05-22", 3),
    ("personalize-events", "2018-03-22", 5),
]

IAM_PREFIX = "personalize"
PASSED_TO_SERVICE = "personalize.amazonaws.com"

# Operations that accept either of two ARNs for the same authorization (the reference lists only the
# first resource type; the API also takes the second).
ALTERNATE_MEMBERS = {"GetRecommendations": ["campaignArn", "recommenderArn"]}

# Create* operations whose new ARN is not `<type>/<name>`: the resource id template (Personalize names
# datasets `<dataset group name>/<DATASET TYPE>`).
CREATED_RESOURCE_IDS = {"CreateDataset": "${datasetGroupArn|resourceName}/${datasetType|upper}"}


def fail(message: str) -> None:
    print(f"generate_iam_actions.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def botocore_data_dir() -> str:
    try:
        import botocore  # type: ignore
    except ImportError:
        fail(f"botocore is not installed; install botocore=={BOTOCORE_VERSION}")
    if botocore.__version__ != BOTOCORE_VERSION:
        fail(
            f"botocore {botocore.__version__} is installed but the generator is pinned to {BOTOCORE_VERSION}; "
            f"install botocore=={BOTOCORE_VERSION} (or update the pin deliberately and review the diff)"
        )
    return os.path.join(os.path.dirname(botocore.__file__), "data")


def load_model(data_dir: str, service: str, version: str) -> dict:
    base = os.path.join(data_dir, service, version)
    for name, opener in (("service-2.json.gz", gzip.open), ("service-2.json", open)):
        path = os.path.join(base, name)
        if os.path.exists(path):
            with opener(path, "rt", encoding="utf-8") as handle:
                return json.load(handle)
    fail(f"no service-2.json for {service} {version} under {base}")
    return {}


def load_json(path: str) -> dict:
    if not os.path.exists(path):
        fail(f"{path} not found (pass --shared-dir or set PERSIMMON_SHARED_DIR)")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def swift_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def swift_string_array(values: list[str]) -> str:
    return "[" + ", ".join(swift_string(value) for value in values) + "]"


def locator_swift(locator: tuple) -> str:
    kind = locator[0]
    if kind == "wildcard":
        return ".wildcard"
    if kind == "member":
        return f".inputMember({swift_string_array(locator[1])})"
    if kind == "template":
        return f".template({swift_string(locator[1])})"
    fail(f"unknown locator {locator}")
    return ""


def required_resource_types(sar_action: dict) -> list[str]:
    return [entry["resource_type"] for entry in sar_action["resource_types"] if entry["resource_type"]]


def condition_keys(sar_action: dict) -> list[str]:
    keys: set[str] = set()
    for entry in sar_action["resource_types"]:
        keys.update(entry.get("condition_keys", []))
    return sorted(keys)


def resource_locator(operation: str, members: dict, sar: dict, sar_action: dict) -> tuple:
    resource_types = required_resource_types(sar_action)
    if not resource_types:
        return ("wildcard",)
    resource_type = resource_types[0]
    if operation in ALTERNATE_MEMBERS:
        names = ALTERNATE_MEMBERS[operation]
        for name in names:
            if name not in members:
                fail(f"{operation}: expected input member {name}")
        return ("member", names)
    member = f"{resource_type}Arn"
    if member in members:
        return ("member", [member])
    # Solution versions have no resource type of their own: their ARNs are `solution/<name>/<id>`.
    if resource_type == "solution" and "solutionVersionArn" in members:
        return ("member", ["solutionVersionArn"])
    if operation.startswith("Create"):
        template = sar["resource_types"][resource_type]["arn"]
        if "${ResourceId}" not in template:
            fail(f"{operation}: ARN template {template} has no ${{ResourceId}}")
        if operation in CREATED_RESOURCE_IDS:
            resource_id = CREATED_RESOURCE_IDS[operation]
        elif "name" in members:
            resource_id = "${name}"
        elif "jobName" in members:
            resource_id = "${jobName}"
        else:
            fail(f"{operation}: no name member to build the new resource's ARN")
            return ("wildcard",)
        return ("template", template.replace("${ResourceId}", resource_id))
    fail(f"{operation}: cannot locate the {resource_type} ARN among members {sorted(members)}")
    return ("wildcard",)


def additional_authorizations(operation: str, members: dict, sar: dict, iam_sar: dict) -> list[str]:
    """Names of the `AdditionalAuthorization` constants (emitted below) that apply to the operation."""
    names: list[str] = []
    if operation.startswith("Create") and "tags" in members:
        names.append(".tagResourceOnCreate")
    if "roleArn" in members:
        names.append(".passRole")
    return names


def additional_constants(sar: dict, iam_sar: dict) -> str:
    tag_action = sar["actions"].get("TagResource")
    if tag_action is None:
        fail("the reference has no personalize:TagResource")
    tag_locator = ("wildcard",) if not required_resource_types(tag_action) else ("member", ["resourceArn"])
    pass_role = iam_sar["actions"].get("PassRole")
    if pass_role is None or required_resource_types(pass_role) != ["role"]:
        fail("the IAM reference's iam:PassRole no longer takes a role resource; review the generator")
    if "iam:PassedToService" not in condition_keys(pass_role):
        fail("the IAM reference's iam:PassRole no longer lists iam:PassedToService; review the generator")
    return (
        "extension AdditionalAuthorization {\n"
        "    /// `personalize:TagResource` when a create operation is passed `tags` (the action takes no\n"
        "    /// resource type, so its resource is `*`).\n"
        "    package static let tagResourceOnCreate = AdditionalAuthorization(\n"
        f'        action: "{IAM_PREFIX}:TagResource",\n'
        '        member: "tags",\n'
        f"        resource: {locator_swift(tag_locator)},\n"
        "        context: [:]\n"
        "    )\n"
        "\n"
        "    /// `iam:PassRole` on the role in `roleArn`, with `iam:PassedToService` in the context.\n"
        "    package static let passRole = AdditionalAuthorization(\n"
        '        action: "iam:PassRole",\n'
        '        member: "roleArn",\n'
        '        resource: .inputMember(["roleArn"]),\n'
        f'        context: ["iam:PassedToService": "{PASSED_TO_SERVICE}"]\n'
        "    )\n"
        "}\n"
    )


def tags_member(members: dict) -> str | None:
    for name in ("tags", "tagKeys"):
        if name in members:
            return name
    return None


def generate(shared_dir: str) -> str:
    sar = load_json(os.path.join(shared_dir, "iam-service-reference", "personalize.json"))
    iam_sar = load_json(os.path.join(shared_dir, "iam-service-reference", "iam.json"))
    if sar.get("prefix") != IAM_PREFIX:
        fail("personalize.json is not the Personalize extract")
    data_dir = botocore_data_dir()

    rows: list[str] = []
    covered: set[str] = set()
    for service, version, expected in SERVICES:
        model = load_model(data_dir, service, version)
        operations = model["operations"]
        if len(operations) != expected:
            fail(f"{service} has {len(operations)} operations, expected {expected}; review the new ones")
        for operation in sorted(operations):
            sar_action = sar["actions"].get(operation)
            if sar_action is None:
                fail(f"{service}:{operation} has no personalize:{operation} action in the reference")
            covered.add(operation)
            input_shape = operations[operation].get("input", {}).get("shape")
            members = model["shapes"][input_shape].get("members", {}) if input_shape else {}
            locator = resource_locator(operation, members, sar, sar_action)
            extra = additional_authorizations(operation, members, sar, iam_sar)
            tags = tags_member(members)
            resource_line = f"            resource: {locator_swift(locator)},\n"
            if len(resource_line) > LINE_LIMIT + 1:
                resource_line = (
                    f"            resource: {locator_swift(locator).split('(')[0]}(\n"
                    f"                {swift_string(locator[1])}\n"
                    "            ),\n"
                )
            rows.append(
                "        OperationAuthorization(\n"
                f"            service: {swift_string(service)},\n"
                f"            operation: {swift_string(operation)},\n"
                f"            action: {swift_string(IAM_PREFIX + ':' + operation)},\n"
                f"            accessLevel: {swift_string(sar_action['access_level'])},\n"
                f"            resourceTypes: {swift_string_array(required_resource_types(sar_action))},\n"
                + resource_line
                + f"            conditionKeys: {swift_string_array(condition_keys(sar_action))},\n"
                f"            tagsMember: {swift_string(tags) if tags else 'nil'},\n"
                f"            additionalAuthorizations: [{', '.join(extra)}]\n"
                "        ),\n"
            )
    without_operation = sorted(set(sar["actions"]) - covered)

    header = (
        f"// Generated by {GENERATOR_PATH} from the Service Authorization Reference extract\n"
        "// (shared/iam-service-reference/personalize.json, iam.json) and botocore "
        f"{BOTOCORE_VERSION}'s personalize,\n"
        "// personalize-runtime and personalize-events models. Do not edit; re-run the generator.\n"
    )
    actions_without_operation = "".join(
        f"        {swift_string(IAM_PREFIX + ':' + action)},\n" for action in without_operation
    )
    body = (
        header
        + "\n"
        + "extension PersonalizeAuthorization {\n"
        + "    /// One row per operation of the three Personalize APIs, sorted by service and operation.\n"
        + "    package static let operations: [OperationAuthorization] = [\n"
        + "".join(rows)
        + "    ]\n"
        + "\n"
        + "    /// IAM actions of the reference that no API operation of these models uses.\n"
        + "    package static let actionsWithoutOperation: [String] = [\n"
        + actions_without_operation
        + "    ]\n"
        + "}\n"
        + "\n"
        + additional_constants(sar, iam_sar)
    )
    return body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the generated file is out of date")
    parser.add_argument(
        "--shared-dir",
        default=os.environ.get("PERSIMMON_SHARED_DIR") or os.path.join(REPO_ROOT, "..", "shared"),
        help="the shared reference folder (default: $PERSIMMON_SHARED_DIR or ../shared)",
    )
    arguments = parser.parse_args()
    text = generate(os.path.abspath(arguments.shared_dir))
    current = None
    if os.path.exists(OUTPUT_PATH):
        with open(OUTPUT_PATH, encoding="utf-8") as handle:
            current = handle.read()
    if arguments.check:
        if current != text:
            print(f"{os.path.relpath(OUTPUT_PATH, REPO_ROOT)} is out of date; run {GENERATOR_PATH}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        os.makedirs(os.path.dirname(OUTPUT_PATH), exist_ok=True)
        with open(OUTPUT_PATH, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"wrote {os.path.relpath(OUTPUT_PATH, REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
