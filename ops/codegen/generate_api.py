#!/usr/bin/env python3
"""Generate Persimmon's Swift API surface from botocore's service models.

Pinned to botocore 1.43.11 (checked at run time). Reads the installed botocore's
data/<service>/<version>/service-2.json(.gz) for:

  personalize          2018-05-22  json 1.1 (X-Amz-Target: AmazonPersonalize.<Op>)  71 operations
  personalize-runtime  2018-05-22  rest-json                                         3 operations
  personalize-events   2018-03-22  rest-json                                         5 operations

and writes, per service <S> (Personalize, PersonalizeRuntime, PersonalizeEvents):

  Sources/PersimmonAPIModel/Generated/<S>+Shapes.swift      structs, string enums, error status table
  Sources/PersimmonAPIModel/Generated/<S>+Validation.swift  constraint rules and APIShape conformances
  Sources/PersimmonAPIModel/Generated/<S>+Operations.swift  operation enum, service protocol, dispatcher
  Tests/PersimmonAPIModelTests/GeneratedStubs.swift         closure-backed conformers for tests

The output is deterministic: running the script twice produces identical files.

Usage (from the repository root or anywhere):

  python3 ops/codegen/generate_api.py           # write the files
  python3 ops/codegen/generate_api.py --check   # exit 1 if any file is out of date (CI)
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import re
import sys
import textwrap
from dataclasses import dataclass, field

BOTOCORE_VERSION = "1.43.11"

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCES_DIR = os.path.join(REPO_ROOT, "Sources", "PersimmonAPIModel", "Generated")
TESTS_DIR = os.path.join(REPO_ROOT, "Tests", "PersimmonAPIModelTests")
GENERATOR_PATH = "ops/codegen/generate_api.py"

LINE_LIMIT = 120
COLLECT_SIGNATURE = "package func collectViolations(at path: String, into violations: inout ValidationViolations)"


@dataclass
class ServiceSpec:
    model_name: str  # botocore directory name
    version: str
    swift_name: str  # prefix of every generated top-level name
    protocol_name: str
    expected_operations: int
    operation_enum: str = ""
    errors_enum: str = ""
    rules_enum: str = ""
    stub_name: str = ""

    def __post_init__(self) -> None:
        self.operation_enum = f"{self.swift_name}Operation"
        self.errors_enum = f"{self.swift_name}Errors"
        self.rules_enum = f"{self.swift_name}Rules"
        self.stub_name = f"Stub{self.protocol_name}"


SERVICES = [
    ServiceSpec("personalize", "2018-05-22", "Personalize", "PersonalizeControlPlane", 71),
    ServiceSpec("personalize-runtime", "2018-05-22", "PersonalizeRuntime", "PersonalizeRuntimeService", 3),
    ServiceSpec("personalize-events", "2018-03-22", "PersonalizeEvents", "PersonalizeEventsService", 5),
]

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static",
    "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else",
    "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as",
    "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "_", "package", "some", "any",
    "Type", "Protocol",
}

# Type names a generated type must not take: the standard library, Foundation, Swift Testing and this module's own
# hand-written and generated names. A clashing shape gets the service prefix. `Tag` is deliberately absent: it is the
# wire name handlers use, and Swift Testing's `Tag` only meets it in test files (write `PersimmonAPIModel.Tag` there if
# the compiler finds it ambiguous).
RESERVED_TYPE_NAMES = {
    "Any", "AnyObject", "Array", "Bool", "Character", "Codable", "Data", "Date", "Decimal", "Decoder", "Dictionary",
    "Double", "Duration", "Encoder", "Equatable", "Error", "Float", "Hashable", "Int", "Locale", "Mutex", "Never",
    "Optional", "Protocol", "Range", "Regex", "Result", "Self", "Sendable", "Set", "String", "Substring", "Test",
    "TimeZone", "Type", "URL", "UUID", "Void", "Calendar", "Measurement", "Notification", "Operation", "Predicate",
    "Progress", "Stream", "Thread", "Timer", "Unit", "Suite", "Trait", "Comment", "Confirmation", "Issue",
    "SourceLocation",
    # this module
    "APIShape", "APIPattern", "APIPath", "APIValidationError", "APISerializationError", "AWSJSONCodec",
    "ValidationViolations", "ValueRule", "ConstrainedValue", "ShapeDecodingState", "IncompleteShapeError",
    "EmptyShapeCodingKey", "CodingKeys", "Context",
}


def fail(message: str) -> None:
    print(f"generate_api.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


# ---------------------------------------------------------------------------------------------------------------------
# Loading


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


def load_model(data_dir: str, spec: ServiceSpec) -> dict:
    base = os.path.join(data_dir, spec.model_name, spec.version)
    for name, opener in (("service-2.json.gz", gzip.open), ("service-2.json", open)):
        path = os.path.join(base, name)
        if os.path.exists(path):
            with opener(path, "rt", encoding="utf-8") as handle:
                return json.load(handle)
    fail(f"no service-2.json for {spec.model_name} {spec.version} under {base}")
    return {}


# ---------------------------------------------------------------------------------------------------------------------
# Naming and text


def lower_camel(name: str) -> str:
    """`CreateDatasetGroup` -> `createDatasetGroup`, `HPOObjectiveType` -> `hpoObjectiveType`."""
    if not name:
        return name
    upper_run = 0
    while upper_run < len(name) and name[upper_run].isupper():
        upper_run += 1
    if upper_run == 0:
        return name
    if upper_run == 1 or upper_run == len(name):
        return name[:upper_run].lower() + name[upper_run:]
    if not name[upper_run].isalpha():
        return name[:upper_run].lower() + name[upper_run:]
    return name[: upper_run - 1].lower() + name[upper_run - 1 :]


def enum_case_name(value: str) -> str:
    """`VIDEO_ON_DEMAND` -> `videoOnDemand`."""
    parts = [part for part in re.split(r"[^A-Za-z0-9]+", value) if part]
    check(bool(parts), f"cannot name enum value {value!r}")
    name = parts[0].lower() + "".join(part[:1].upper() + part[1:].lower() for part in parts[1:])
    if name[0].isdigit():
        name = "_" + name
    return name


def escape_identifier(name: str) -> str:
    check(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is not None, f"{name!r} is not a Swift identifier")
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def swift_string(value: str) -> str:
    """A Swift string literal; raw (`#"..."#`) when the text has backslashes or quotes."""
    if "\\" not in value and '"' not in value and "\n" not in value:
        return f'"{value}"'
    check("\n" not in value and "\r" not in value, f"multi-line literal {value!r}")
    hashes = "#"
    while f'"{hashes}' in value:
        hashes += "#"
    return f'{hashes}"{value}"{hashes}'


def doc_summary(documentation: str | None, limit: int = 300) -> str:
    """Doc comments are never copied from the model's documentation (AWS's prose is not ours to commit); the
    generated code documents shapes by their role instead. Kept as a function so the call sites stay uniform."""
    return ""


def _unused_doc_summary(documentation: str | None, limit: int = 300) -> str:
    """(Unused) the first sentence of a model documentation string, without HTML."""
    if not documentation:
        return ""
    body = re.sub(r"<(important|note)>.*?</\1>", " ", documentation, flags=re.S)
    if not re.sub(r"<[^>]+>|\s", "", body):
        body = documentation
    text = re.sub(r"<[^>]+>", " ", body)
    text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip()
    # A sentence ends at ". " unless the period closes a common abbreviation.
    sentence = text
    for match in re.finditer(r"[.!?](\s|$)", text):
        candidate = text[: match.start() + 1]
        if re.search(r"\b(e\.g|i\.e|etc|vs|approx)\.$", candidate):
            continue
        sentence = candidate
        break
    if len(sentence) > limit:
        cut = sentence[:limit].rsplit(" ", 1)[0]
        sentence = cut.rstrip(",;:") + "…"
    return sentence


def doc_lines(text: str, indent: str) -> list[str]:
    if not text:
        return []
    width = LINE_LIMIT - len(indent) - 4
    return [f"{indent}/// {line}" for line in textwrap.wrap(text, width=width, break_long_words=False)]


def signature_lines(indent: str, head: str, params: list[str], tail: str) -> list[str]:
    """`head(p1, p2)tail` on one line if it fits, else one parameter per line."""
    one_line = f"{indent}{head}({', '.join(params)}){tail}"
    if len(one_line) <= LINE_LIMIT or not params:
        return [one_line]
    lines = [f"{indent}{head}("]
    for index, param in enumerate(params):
        comma = "," if index < len(params) - 1 else ""
        lines.append(f"{indent}    {param}{comma}")
    lines.append(f"{indent}){tail}")
    return lines


def local_names(members: list[Member], *bases: str) -> dict[str, str]:
    """Names for generated locals and parameters that no member of the structure uses."""
    taken = {member.name for member in members}
    check(not taken & {"at", "into"}, f"member names {sorted(taken & {'at', 'into'})} clash with argument labels")
    names = {}
    for base in bases:
        name = base
        while name in taken:
            name = "shape" + name[:1].upper() + name[1:]
        taken.add(name)
        names[base] = name
    return names


def swift_block(text: str, indent: str = "") -> list[str]:
    """The lines of a triple-quoted block of Swift, dedented then indented by `indent` (outer blank lines dropped)."""
    return [indent + line if line else line for line in textwrap.dedent(text).strip("\n").split("\n")]


def format_number(value: float | int) -> str:
    """A Swift numeric literal; long integers are grouped by thousands as swift-format's GroupNumericLiterals asks."""
    if isinstance(value, bool):
        fail("boolean bound")
    if isinstance(value, int) or float(value).is_integer():
        number = int(value)
        digits = str(abs(number))
        if len(digits) > 6:
            digits = f"{abs(number):_}"
        return ("-" if number < 0 else "") + digits
    return repr(float(value))


# ---------------------------------------------------------------------------------------------------------------------
# Model analysis


@dataclass
class Member:
    name: str  # wire name == Swift property name
    shape: str
    required: bool
    documentation: str
    jsonvalue: bool


@dataclass
class Service:
    spec: ServiceSpec
    model: dict
    shapes: dict
    struct_names: dict[str, str] = field(default_factory=dict)  # shape -> Swift type
    enum_names: dict[str, str] = field(default_factory=dict)  # string shape with enum -> Swift type
    rule_names: dict[str, str] = field(default_factory=dict)  # shape -> static let in the rules enum
    shape_roles: dict[str, str] = field(default_factory=dict)  # input/output shape -> doc line

    @property
    def protocol_kind(self) -> str:
        return self.model["metadata"]["protocol"]


def structures(service: Service) -> list[str]:
    return sorted(
        name
        for name, shape in service.shapes.items()
        if shape["type"] == "structure" and not shape.get("exception", False)
    )


def members_of(service: Service, shape_name: str) -> list[Member]:
    shape = service.shapes[shape_name]
    required = set(shape.get("required", []))
    for name in required:
        check(name in shape["members"], f"{shape_name}: required member {name} is not a member")
    result = []
    for name, member in shape["members"].items():
        unsupported = set(member) - {"shape", "documentation", "jsonvalue"}
        check(
            not unsupported,
            f"{shape_name}.{name} has member traits {sorted(unsupported)} this generator does not handle "
            "(HTTP bindings such as location/locationName must be passed to the dispatcher, not ignored)",
        )
        result.append(
            Member(
                name=name,
                shape=member["shape"],
                required=name in required,
                documentation=member.get("documentation", ""),
                jsonvalue=member.get("jsonvalue", False),
            )
        )
    return result


def swift_type(service: Service, shape_name: str) -> str:
    shape = service.shapes[shape_name]
    kind = shape["type"]
    if kind == "string":
        return "String"
    if kind in ("integer", "long"):
        return "Int"
    if kind in ("float", "double"):
        return "Double"
    if kind == "boolean":
        return "Bool"
    if kind == "timestamp":
        check("timestampFormat" not in shape, f"{shape_name}: timestampFormat is not supported (epoch seconds only)")
        return "Date"
    if kind == "blob":
        return "Data"
    if kind == "list":
        return f"[{swift_type(service, shape['member']['shape'])}]"
    if kind == "map":
        key = service.shapes[shape["key"]["shape"]]
        check(key["type"] == "string", f"{shape_name}: map keys must be strings")
        return f"[String: {swift_type(service, shape['value']['shape'])}]"
    if kind == "structure":
        check(not shape.get("exception", False), f"{shape_name}: an error shape used as a member")
        return service.struct_names[shape_name]
    fail(f"{shape_name}: unsupported shape type {kind}")
    return ""


def assign_type_names(services: list[Service]) -> None:
    taken: dict[str, str] = {}
    generated_names = set()
    for service in services:
        spec = service.spec
        generated_names.update(
            {spec.operation_enum, spec.errors_enum, spec.rules_enum, spec.protocol_name, spec.stub_name}
        )
    for service in services:
        candidates = [(name, "struct") for name in structures(service)]
        candidates += [
            (name, "enum")
            for name, shape in sorted(service.shapes.items())
            if shape["type"] == "string" and "enum" in shape
        ]
        for shape_name, kind in candidates:
            swift_name = shape_name
            if swift_name in RESERVED_TYPE_NAMES or swift_name in taken or swift_name in generated_names:
                swift_name = service.spec.swift_name + shape_name
            check(
                swift_name not in taken and swift_name not in RESERVED_TYPE_NAMES and swift_name not in generated_names,
                f"type name {swift_name} for {service.spec.model_name}:{shape_name} is still taken",
            )
            taken[swift_name] = f"{service.spec.model_name}:{shape_name}"
            if kind == "struct":
                service.struct_names[shape_name] = swift_name
            else:
                service.enum_names[shape_name] = swift_name


def check_acyclic(service: Service) -> None:
    """Structures are value types; a recursive model would need boxing."""

    def referenced_structs(shape_name: str) -> list[str]:
        shape = service.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            return [shape_name]
        if kind == "list":
            return referenced_structs(shape["member"]["shape"])
        if kind == "map":
            return referenced_structs(shape["value"]["shape"])
        return []

    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2:
            return
        check(state.get(name) != 1, f"recursive structures: {' -> '.join(trail + [name])}")
        state[name] = 1
        for member in service.shapes[name]["members"].values():
            for target in referenced_structs(member["shape"]):
                visit(target, trail + [name])
        state[name] = 2

    for name in structures(service):
        visit(name, [])


def is_sensitive(service: Service, shape_name: str) -> bool:
    """Whether messages must omit a value of this shape: it is sensitive, holds something sensitive, or holds structures
    (which AWS prints as Java object identities we cannot reproduce)."""
    shape = service.shapes[shape_name]
    if shape.get("sensitive", False):
        return True
    kind = shape["type"]
    if kind == "structure":
        return True
    if kind == "list":
        return is_sensitive(service, shape["member"]["shape"])
    if kind == "map":
        return is_sensitive(service, shape["key"]["shape"]) or is_sensitive(service, shape["value"]["shape"])
    return False


# Deliberate Persimmon extensions of the model's patterns. `S3Location` also accepts `file://` so that imports,
# exports and batch jobs can use a local path under the server's import root (issue: data); everything else about
# the shape (lengths, the other schemes) is AWS's.
PATTERN_OVERRIDES = {
    ("personalize", "S3Location"): "(s3|http|https|file)://.+",
}


def rule_expression(service: Service, shape_name: str) -> str | None:
    """The Swift expression building a ValueRule for this shape, or None when it has nothing to check."""
    shape = service.shapes[shape_name]
    kind = shape["type"]
    args: list[str] = []
    if kind == "string":
        if "min" in shape:
            args.append(f"min: {format_number(int(shape['min']))}")
        if "max" in shape:
            args.append(f"max: {format_number(int(shape['max']))}")
        if "pattern" in shape:
            pattern = PATTERN_OVERRIDES.get((service.spec.model_name, shape_name), shape["pattern"])
            args.append(f"pattern: {swift_string(pattern)}")
        if "enum" in shape:
            args.append(f"allowedValues: {service.enum_names[shape_name]}.allowedValues")
        factory = "string"
    elif kind in ("integer", "long", "float", "double"):
        if "min" in shape:
            args.append(f"min: {format_number(shape['min'])}")
        if "max" in shape:
            args.append(f"max: {format_number(shape['max'])}")
        factory = "number"
    elif kind == "list":
        if "min" in shape:
            args.append(f"min: {format_number(int(shape['min']))}")
        if "max" in shape:
            args.append(f"max: {format_number(int(shape['max']))}")
        element = shape["member"]["shape"]
        element_kind = service.shapes[element]["type"]
        check(element_kind != "list" and element_kind != "map", f"{shape_name}: lists of collections are not handled")
        if element_kind != "structure":
            element_rule = rule_name(service, element)
            if element_rule:
                args.append(f"element: {element_rule}")
        factory = "list"
    elif kind == "map":
        if "min" in shape:
            args.append(f"min: {format_number(int(shape['min']))}")
        if "max" in shape:
            args.append(f"max: {format_number(int(shape['max']))}")
        value = shape["value"]["shape"]
        value_kind = service.shapes[value]["type"]
        check(value_kind != "structure", f"{shape_name}: maps of structures are not handled")
        if value_kind == "list":
            inner = service.shapes[service.shapes[value]["member"]["shape"]]["type"]
            check(inner not in ("structure", "list", "map"), f"{shape_name}: map values must hold scalars")
        key_rule = rule_name(service, shape["key"]["shape"])
        value_rule = rule_name(service, value)
        if key_rule:
            args.append(f"key: {key_rule}")
        if value_rule:
            args.append(f"value: {value_rule}")
        factory = "map"
    else:
        for constraint in ("min", "max", "pattern", "enum"):
            check(constraint not in shape, f"{shape_name}: {constraint} on a {kind} shape is not handled")
        return None
    if not args:
        return None
    if is_sensitive(service, shape_name):
        args.append("redacted: true")
    return f".{factory}({', '.join(args)})"


def rule_name(service: Service, shape_name: str) -> str | None:
    """The qualified name of this shape's rule (`PersonalizeRules.name`), or None."""
    if shape_name in service.rule_names:
        return f"{service.spec.rules_enum}.{service.rule_names[shape_name]}"
    if rule_expression(service, shape_name) is None:
        return None
    name = escape_identifier(lower_camel(shape_name))
    check(name not in service.rule_names.values(), f"{shape_name}: rule name {name} is taken")
    service.rule_names[shape_name] = name
    return f"{service.spec.rules_enum}.{name}"


# ---------------------------------------------------------------------------------------------------------------------
# Emitters


def header(service_line: str) -> list[str]:
    return [
        f"// Generated by {GENERATOR_PATH} from botocore {BOTOCORE_VERSION} ({service_line}).",
        "// Do not edit: change the generator and run `python3 ops/codegen/generate_api.py`.",
        "",
    ]


FOUNDATION_IMPORT = [
    "#if canImport(FoundationEssentials)",
    "import FoundationEssentials",
    "#else",
    "import Foundation",
    "#endif",
    "",
]


def service_line(service: Service) -> str:
    return f"{service.spec.model_name} {service.spec.version}"


def member_kind(service: Service, member: Member) -> str:
    """`shape`, `shapes` (list of structures) or `value`."""
    shape = service.shapes[member.shape]
    if shape["type"] == "structure":
        return "shape"
    if shape["type"] == "list" and service.shapes[shape["member"]["shape"]]["type"] == "structure":
        return "shapes"
    return "value"


def member_check(
    service: Service, member: Member, path: str = "path", violations: str = "violations"
) -> tuple[str, list[str]] | None:
    """The call validating one member inside `collectMemberViolations` as (callee, arguments), or None."""
    kind = member_kind(service, member)
    args = [escape_identifier(member.name), swift_string(member.name), f"at: {path}"]
    if member.required:
        args.append("required: true")
    if kind == "shape":
        return f"{violations}.checkShape", args
    rule = rule_name(service, member.shape)
    if kind == "shapes":
        return f"{violations}.checkShapes", args + ([f"rule: {rule}"] if rule else [])
    if rule:
        return f"{violations}.check", args + [f"rule: {rule}"]
    if member.required:
        return f"{violations}.require", args[:3]
    return None


def emit_enum(service: Service, shape_name: str) -> list[str]:
    shape = service.shapes[shape_name]
    swift_name = service.enum_names[shape_name]
    lines = doc_lines(doc_summary(shape.get("documentation")) or f"The values of the model's `{shape_name}` enum.", "")
    lines.append("///")
    lines.append("/// Members of this type travel as plain `String`s; ``allowedValues`` is what validation accepts.")
    lines.append(f"package enum {swift_name}: String, CaseIterable, Sendable {{")
    seen = set()
    for value in shape["enum"]:
        case = escape_identifier(enum_case_name(value))
        check(case not in seen, f"{shape_name}: duplicate enum case {case}")
        seen.add(case)
        lines.append(f"    case {case} = {swift_string(value)}")
    lines.append("")
    lines.append("    /// The wire values, in model order.")
    values = ", ".join(swift_string(value) for value in shape["enum"])
    lines.append(f"    package static let allowedValues: [String] = [{values}]")
    lines.append("}")
    return lines


def emit_struct(service: Service, shape_name: str) -> list[str]:
    shape = service.shapes[shape_name]
    swift_name = service.struct_names[shape_name]
    members = members_of(service, shape_name)
    summary = doc_summary(shape.get("documentation")) or service.shape_roles.get(shape_name)
    lines = doc_lines(summary or f"The model's `{shape_name}` structure.", "")
    lines.append(f"package struct {swift_name}: Codable, Sendable, Equatable {{")

    # Stored properties.
    for member in members:
        doc = doc_summary(member.documentation)
        if member.jsonvalue:
            doc = (doc + " " if doc else "") + "A JSON document, sent as a string."
        lines.extend(doc_lines(doc, "    "))
        optional = "" if member.required else "?"
        lines.append(f"    package var {escape_identifier(member.name)}: {swift_type(service, member.shape)}{optional}")
    if members:
        lines.append("")

    # Memberwise initialiser.
    params = []
    for member in members:
        name = escape_identifier(member.name)
        type_name = swift_type(service, member.shape)
        params.append(f"{name}: {type_name}" if member.required else f"{name}: {type_name}? = nil")
    lines.append("    /// Creates a value from its members; optional members default to `nil`.")
    lines.extend(signature_lines("    ", "package init", params, " {"))
    for member in members:
        name = escape_identifier(member.name)
        lines.append(f"        self.{name} = {name}")
    lines.append("    }")
    lines.append("")

    if not members:
        lines.append("    package init(from decoder: any Decoder) throws {")
        lines.append("        _ = try decoder.container(keyedBy: EmptyShapeCodingKey.self)")
        lines.append("    }")
        lines.append("")
        lines.append("    package func encode(to encoder: any Encoder) throws {")
        lines.append("        _ = encoder.container(keyedBy: EmptyShapeCodingKey.self)")
        lines.append("    }")
        lines.append("}")
        return lines

    lines.append("    enum CodingKeys: String, CodingKey {")
    for member in members:
        lines.append(f"        case {escape_identifier(member.name)}")
    lines.append("    }")
    lines.append("")

    # Decoding. Structures that can be incomplete (required members, or nested structures that may be) go through
    # ShapeDecodingState so that every violation in the request is reported at once.
    needs_state = any(m.required for m in members) or any(member_kind(service, m) != "value" for m in members)
    local = local_names(members, "decoder", "container", "state", "violations")
    decoder, container, state, violations = (local[k] for k in ("decoder", "container", "state", "violations"))
    lines.append(f"    package init(from {decoder}: any Decoder) throws {{")
    lines.append(f"        let {container} = try {decoder}.container(keyedBy: CodingKeys.self)")
    if not needs_state:
        for member in members:
            name = escape_identifier(member.name)
            type_name = swift_type(service, member.shape)
            call_args = [f"{type_name}.self", f"forKey: .{name}"]
            lines.extend(signature_lines("        ", f"self.{name} = try {container}.decodeIfPresent", call_args, ""))
        lines.append("    }")
        lines.append("}")
        return lines

    lines.append(f"        var {state} = ShapeDecodingState(decoder: {decoder})")
    for member in members:
        name = escape_identifier(member.name)
        type_name = swift_type(service, member.shape)
        call_args = [f"{type_name}.self", f"forKey: .{name}", f"state: &{state}"]
        lines.extend(signature_lines("        ", f"let {name} = try {container}.decodeMember", call_args, ""))
    bindings = [f"let {escape_identifier(m.name)}" for m in members if m.required]
    guard = ", ".join(bindings + [f"{state}.isComplete"])
    lines.append(f"        guard {guard} else {{")
    lines.append(f"            var {violations} = {state}.violationsSoFar()")
    checked = [m for m in members if member_check(service, m)]
    args = [f"{escape_identifier(m.name)}: {escape_identifier(m.name)}" for m in checked]
    args += [f"at: {state}.path", f"into: &{violations}"]
    lines.extend(signature_lines("            ", "Self.collectMemberViolations", args, ""))
    lines.append(f"            throw {violations}.incompleteShapeError()")
    lines.append("        }")
    for member in members:
        name = escape_identifier(member.name)
        lines.append(f"        self.{name} = {name}")
    lines.append("    }")
    lines.append("}")
    return lines


def emit_shapes_file(service: Service) -> str:
    spec = service.spec
    lines = header(service_line(service)) + FOUNDATION_IMPORT

    # Error table.
    errors = sorted(
        (name, shape.get("error", {}).get("httpStatusCode", 400))
        for name, shape in service.shapes.items()
        if shape.get("exception", False)
    )
    lines.append(f"/// The errors the {spec.model_name} model declares, by wire code (`__type`).")
    lines.append(f"package enum {spec.errors_enum} {{")
    lines.append(
        "    /// The HTTP status of each modelled error (`error.httpStatusCode`, 400 when the model gives none)."
    )
    lines.append("    package static let httpStatus: [String: Int] = [")
    for name, status in errors:
        lines.append(f"        {swift_string(name)}: {status},")
    lines.append("    ]")
    lines.append("}")

    for shape_name in sorted(service.enum_names, key=lambda s: service.enum_names[s]):
        lines.append("")
        lines.extend(emit_enum(service, shape_name))

    for shape_name in sorted(service.struct_names, key=lambda s: service.struct_names[s]):
        lines.append("")
        lines.extend(emit_struct(service, shape_name))
    return "\n".join(lines) + "\n"


def emit_validation_file(service: Service) -> str:
    spec = service.spec
    body: list[str] = []
    for shape_name in sorted(service.struct_names, key=lambda s: service.struct_names[s]):
        swift_name = service.struct_names[shape_name]
        members = members_of(service, shape_name)
        checked = [(m, member_check(service, m)) for m in members]
        checked = [(m, statement) for m, statement in checked if statement]
        body.append("")
        body.append(f"extension {swift_name}: APIShape {{")
        if not checked:
            body.append(f"    {COLLECT_SIGNATURE} {{}}")
            body.append("}")
            continue
        body.append(f"    {COLLECT_SIGNATURE} {{")
        args = [f"{escape_identifier(m.name)}: self.{escape_identifier(m.name)}" for m, _ in checked]
        args += ["at: path", "into: &violations"]
        body.extend(signature_lines("        ", "Self.collectMemberViolations", args, ""))
        body.append("    }")
        body.append("")
        body.append(
            "    /// Checks members one by one; `nil` stands for a member that is absent (or failed to decode)."
        )
        local = local_names(members, "path", "violations")
        params = [f"{escape_identifier(m.name)}: {swift_type(service, m.shape)}?" for m, _ in checked]
        params += [f"at {local['path']}: String", f"into {local['violations']}: inout ValidationViolations"]
        body.extend(signature_lines("    ", "static func collectMemberViolations", params, " {"))
        for member, _ in checked:
            callee, call_args = member_check(service, member, local["path"], local["violations"])
            body.extend(signature_lines("        ", callee, call_args, ""))
        body.append("    }")
        body.append("}")

    # Rules are emitted after the walk above has named every one that is used.
    rules: list[str] = []
    rules.append(
        f"/// The constraints of {spec.model_name}'s shapes, one rule per constrained string, number, list or map "
        "shape."
    )
    rules.append(f"package enum {spec.rules_enum} {{")
    pending = sorted(service.rule_names.items(), key=lambda item: item[1])
    for shape_name, name in pending:
        expression = rule_expression(service, shape_name)
        statement = f"    package static let {name} = ValueRule{expression}"
        rules.append(f"    /// `{shape_name}`")
        if len(statement) > LINE_LIMIT:
            factory, _, arguments = expression.partition("(")
            parts = split_arguments(arguments[:-1])
            rules.extend(signature_lines("    ", f"package static let {name} = ValueRule{factory}", parts, ""))
        else:
            rules.append(statement)
    check(
        len(service.rule_names) == len(pending),
        "rules referenced other rules that were not named before emission",
    )
    rules.append("")
    rules.append("    /// Every rule above, for tests (for example, that each pattern compiles).")
    rules.append("    package static let all: [ValueRule] = [")
    for _, name in pending:
        rules.append(f"        {name},")
    rules.append("    ]")
    rules.append("}")

    lines = header(service_line(service)) + FOUNDATION_IMPORT + rules + body
    return "\n".join(lines) + "\n"


def split_arguments(text: str) -> list[str]:
    """Split `a: 1, pattern: #"x, y"#` at top-level commas (not inside string literals)."""
    parts, current, in_string, hashes = [], "", False, ""
    index = 0
    while index < len(text):
        char = text[index]
        if not in_string and char == "#" or not in_string and char == '"':
            match = re.match(r'(#*)"', text[index:])
            if match:
                hashes = match.group(1)
                in_string = True
                current += match.group(0)
                index += len(match.group(0))
                continue
        if in_string and text.startswith('"' + hashes, index) and (hashes or text[index - 1] != "\\"):
            in_string = False
            current += '"' + hashes
            index += 1 + len(hashes)
            continue
        if not in_string and char == ",":
            parts.append(current.strip())
            current = ""
            index += 1
            continue
        current += char
        index += 1
    if current.strip():
        parts.append(current.strip())
    return parts


def operations_of(service: Service) -> list[dict]:
    ops = sorted(service.model["operations"].values(), key=lambda op: op["name"])
    check(
        len(ops) == service.spec.expected_operations,
        f"{service.spec.model_name}: expected {service.spec.expected_operations} operations, found {len(ops)}",
    )
    for op in ops:
        check("input" in op, f"{op['name']} has no input shape")
        input_shape = service.shapes[op["input"]["shape"]]
        check(input_shape["type"] == "structure", f"{op['name']}: input is not a structure")
        members_of(service, op["input"]["shape"])  # asserts every member is bound to the body
        if "output" in op:
            output_shape = service.shapes[op["output"]["shape"]]
            check(output_shape["type"] == "structure", f"{op['name']}: output is not a structure")
            for name, member in output_shape["members"].items():
                check(
                    "location" not in member,
                    f"{op['name']}: output member {name} is bound to {member.get('location')}",
                )
            check("payload" not in output_shape, f"{op['name']}: output payload members are not handled")
        check("payload" not in input_shape, f"{op['name']}: input payload members are not handled")
        if service.protocol_kind == "json":
            check(op["http"] == {"method": "POST", "requestUri": "/"}, f"{op['name']}: unexpected HTTP binding")
        else:
            check(op["http"]["method"] == "POST", f"{op['name']}: only POST operations are handled")
            check("{" not in op["http"]["requestUri"], f"{op['name']}: URI labels are not handled")
            check("?" not in op["http"]["requestUri"], f"{op['name']}: query literals are not handled")
    return ops


def input_type(service: Service, op: dict) -> str:
    return service.struct_names[op["input"]["shape"]]


def output_type(service: Service, op: dict) -> str | None:
    return service.struct_names[op["output"]["shape"]] if "output" in op else None


def emit_operations_file(service: Service) -> str:
    spec = service.spec
    ops = operations_of(service)
    metadata = service.model["metadata"]
    lines = header(service_line(service)) + FOUNDATION_IMPORT

    # Operation enum.
    if service.protocol_kind == "json":
        routing = f"`POST /` with `X-Amz-Target: {metadata['targetPrefix']}.<Operation>`"
    else:
        routing = "its own `POST` path"
    lines.append(f"/// The {len(ops)} operations of {metadata['serviceFullName']} ({spec.model_name}), by wire name.")
    lines.append("///")
    lines.append(f"/// Protocol `{metadata['protocol']}`; each operation is {routing}.")
    lines.append(f"package enum {spec.operation_enum}: String, CaseIterable, Sendable {{")
    for op in ops:
        lines.append(f"    case {escape_identifier(lower_camel(op['name']))} = {swift_string(op['name'])}")
    lines.append("}")
    lines.append("")

    lines.append(f"extension {spec.operation_enum} {{")
    if service.protocol_kind == "json":
        prefix = metadata["targetPrefix"]
        lines.append("    /// The `X-Amz-Target` prefix of every operation.")
        lines.append(f"    package static let targetPrefix = {swift_string(prefix)}")
        lines.append("")
        lines.append(f"    /// The operation named by an `X-Amz-Target` header such as `{prefix}.{ops[0]['name']}`.")
        lines.append("    package init?(target: String) {")
        lines.append("        let prefix = Self.targetPrefix + \".\"")
        lines.append("        guard target.hasPrefix(prefix) else {")
        lines.append("            return nil")
        lines.append("        }")
        lines.append("        self.init(rawValue: String(target.dropFirst(prefix.count)))")
        lines.append("    }")
        lines.append("")
        lines.append("    /// The `X-Amz-Target` header value that selects this operation.")
        lines.append("    package var target: String {")
        lines.append("        Self.targetPrefix + \".\" + self.rawValue")
        lines.append("    }")
        lines.append("")
        lines.append("    /// The HTTP status of a successful response.")
        lines.append("    package var successStatusCode: Int {")
        lines.append("        200")
        lines.append("    }")
    else:
        lines.append(
            "    /// The operation bound to an HTTP method and path (`path` without the query string), or `nil`."
        )
        lines.append("    package init?(method: String, path: String) {")
        lines.append("        switch (method, path) {")
        for op in ops:
            case = escape_identifier(lower_camel(op["name"]))
            http = op["http"]
            lines.append(
                f"        case ({swift_string(http['method'])}, {swift_string(http['requestUri'])}): self = .{case}"
            )
        lines.append("        default: return nil")
        lines.append("        }")
        lines.append("    }")
        lines.append("")
        lines.append("    /// The HTTP method of the operation's route (`http.method`).")
        lines.append("    package var httpMethod: String {")
        lines.append("        switch self {")
        for op in ops:
            case = escape_identifier(lower_camel(op["name"]))
            lines.append(f"        case .{case}: {swift_string(op['http']['method'])}")
        lines.append("        }")
        lines.append("    }")
        lines.append("")
        lines.append("    /// The path of the operation's route (`http.requestUri`).")
        lines.append("    package var requestURI: String {")
        lines.append("        switch self {")
        for op in ops:
            lines.append(
                f"        case .{escape_identifier(lower_camel(op['name']))}: {swift_string(op['http']['requestUri'])}"
            )
        lines.append("        }")
        lines.append("    }")
        lines.append("")
        lines.append(
            "    /// The HTTP status of a successful response (`http.responseCode`, 200 when the model gives none)."
        )
        lines.append("    package var successStatusCode: Int {")
        lines.append("        switch self {")
        for op in ops:
            status = op["http"].get("responseCode", 200)
            lines.append(f"        case .{escape_identifier(lower_camel(op['name']))}: {status}")
        lines.append("        }")
        lines.append("    }")
    lines.append("}")
    lines.append("")

    # Protocol.
    lines += swift_block(
        f"""
        /// One method per {spec.model_name} operation. A conforming type is the whole service: the compiler refuses
        /// to build until every operation is implemented.
        ///
        /// Inputs arrive decoded and validated against the model (see ``dispatch(_:body:context:)``).
        package protocol {spec.protocol_name}: Sendable {{
            /// Per-request state the transport passes through to every method (account, request ID, logger, …).
            associatedtype Context: Sendable
        """
    )
    for op in ops:
        lines.append("")
        lines.extend(doc_lines(f"Serves `{op['name']}`.", "    "))
        output = output_type(service, op)
        tail = f" async throws -> {output}" if output else " async throws"
        params = [f"_ input: {input_type(service, op)}", "context: Context"]
        lines.extend(signature_lines("    ", f"func {escape_identifier(lower_camel(op['name']))}", params, tail))
    lines.append("}")
    lines.append("")

    # Dispatcher.
    operation = spec.operation_enum
    lines += swift_block(
        f"""
        extension {spec.protocol_name} {{
            /// Runs one operation on a raw JSON request body: decode → validate → call → encode.
            ///
            /// An empty body means `{{}}`. Operations without output answer `{{}}`.
            ///
            /// - Throws: ``APISerializationError`` for a body that is not JSON or has a member of the wrong JSON type;
            ///   ``APIValidationError`` for missing required members or broken constraints; otherwise whatever the
            ///   operation's method throws.
            package func dispatch(_ operation: {operation}, body: Data, context: Context) async throws -> Data {{
                switch operation {{
        """
    )
    for op in ops:
        case = escape_identifier(lower_camel(op["name"]))
        method = case
        lines.append(f"        case .{case}:")
        call_args = [f"{input_type(service, op)}.self", "from: body"]
        lines.extend(signature_lines("            ", "let input = try AWSJSONCodec.decodeRequest", call_args, ""))
        lines.append("            try input.validate()")
        if output_type(service, op):
            lines.append(f"            let output = try await self.{method}(input, context: context)")
            lines.append("            return try AWSJSONCodec.encodeResponse(output)")
        else:
            lines.append(f"            try await self.{method}(input, context: context)")
            lines.append("            return AWSJSONCodec.emptyObject")
    lines.append("        }")
    lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def emit_stubs_file(services: list[Service]) -> str:
    lines = [
        f"// Generated by {GENERATOR_PATH} from botocore {BOTOCORE_VERSION}.",
        "// Do not edit: change the generator and run `python3 ops/codegen/generate_api.py`.",
        "",
        "import PersimmonAPIModel",
        "",
        "/// The context the stub services use.",
        "struct StubContext: Sendable {}",
        "",
        "/// Thrown by a stub whose handler returned a value of the wrong type for the operation's output.",
        "struct StubOutputTypeMismatch: Error {",
        "    var operation: String",
        "}",
    ]
    for service in services:
        spec = service.spec
        ops = operations_of(service)
        lines.append("")
        lines.append(f"/// A ``{spec.protocol_name}`` whose every method forwards to `handler`, for dispatcher tests.")
        lines.append(f"struct {spec.stub_name}: {spec.protocol_name} {{")
        lines.append("    typealias Context = StubContext")
        lines.append("")
        lines += swift_block(
            f"""
            /// Receives the operation and its decoded input; returns the output (ignored for operations without).
            var handler: @Sendable ({spec.operation_enum}, any Sendable) async throws -> (any Sendable)?
            """,
            indent="    ",
        )
        for op in ops:
            case = escape_identifier(lower_camel(op["name"]))
            output = output_type(service, op)
            tail = f" async throws -> {output} {{" if output else " async throws {"
            params = [f"_ input: {input_type(service, op)}", "context: StubContext"]
            lines.append("")
            lines.extend(signature_lines("    ", f"func {case}", params, tail))
            if output:
                lines.append(f"        let result = try await self.handler(.{case}, input)")
                lines.append(f"        guard let output = result as? {output} else {{")
                lines.append(f"            throw StubOutputTypeMismatch(operation: {swift_string(op['name'])})")
                lines.append("        }")
                lines.append("        return output")
            else:
                lines.append(f"        _ = try await self.handler(.{case}, input)")
            lines.append("    }")
        lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------------
# Driver


def build_outputs() -> dict[str, str]:
    data_dir = botocore_data_dir()
    services = []
    for spec in SERVICES:
        model = load_model(data_dir, spec)
        check(model["metadata"]["signingName"] == "personalize", f"{spec.model_name}: unexpected signing name")
        services.append(Service(spec=spec, model=model, shapes=model["shapes"]))
    check(services[0].protocol_kind == "json", "personalize is expected to be awsJson1_1")
    check(services[0].model["metadata"].get("jsonVersion") == "1.1", "personalize is expected to be awsJson1_1")
    for service in services[1:]:
        check(service.protocol_kind == "rest-json", f"{service.spec.model_name} is expected to be rest-json")

    assign_type_names(services)
    for service in services:
        for op in service.model["operations"].values():
            service.shape_roles[op["input"]["shape"]] = f"The input of the `{op['name']}` operation."
            if "output" in op:
                service.shape_roles[op["output"]["shape"]] = f"The output of the `{op['name']}` operation."
    outputs: dict[str, str] = {}
    for service in services:
        check_acyclic(service)
        name = service.spec.swift_name
        outputs[os.path.join(SOURCES_DIR, f"{name}+Shapes.swift")] = emit_shapes_file(service)
        outputs[os.path.join(SOURCES_DIR, f"{name}+Validation.swift")] = emit_validation_file(service)
        outputs[os.path.join(SOURCES_DIR, f"{name}+Operations.swift")] = emit_operations_file(service)
    outputs[os.path.join(TESTS_DIR, "GeneratedStubs.swift")] = emit_stubs_file(services)
    return outputs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if any generated file is out of date")
    args = parser.parse_args()

    outputs = build_outputs()
    stale = []
    for path, content in sorted(outputs.items()):
        existing = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                existing = handle.read()
        if existing == content:
            continue
        stale.append(os.path.relpath(path, REPO_ROOT))
        if not args.check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(content)

    # Files in Generated/ that the generator no longer produces are stale too.
    if os.path.isdir(SOURCES_DIR):
        for name in sorted(os.listdir(SOURCES_DIR)):
            path = os.path.join(SOURCES_DIR, name)
            if path not in outputs and name.endswith(".swift"):
                stale.append(os.path.relpath(path, REPO_ROOT))
                if not args.check:
                    os.remove(path)

    if args.check:
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print(f"{len(outputs)} generated files are up to date")
        return 0
    print(f"wrote {len(stale)} of {len(outputs)} files" + (": " + ", ".join(stale) if stale else " (no changes)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
