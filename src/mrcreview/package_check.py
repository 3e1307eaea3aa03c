"""The data package: its descriptor (data/datapackage.json) read and held to its own rules, and the
tables validated against it by the frictionless library, with each error told in the check's words."""

import copy
import re
from pathlib import Path

import frictionless

from mrcreview.csv_rows import TYPE_NAMES, read_rows
from mrcreview.inputs import read_json
from mrcreview.problems import Problem
from mrcreview.schema import DESCRIPTOR, resource
from mrcreview.untrusted import text_problem

MAX_DESCRIPTOR = 2**20  # bytes: today's descriptor is 30 KB


def read_schema(root: Path) -> tuple[dict | None, "frictionless.Package | None", list[Problem]]:
    """The descriptor, and the package Frictionless made of it (read once: it takes a third of the check)."""
    path = root / "data" / DESCRIPTOR
    name = f"data/{DESCRIPTOR}"
    descriptor = read_json(root, name, "the data package schema", MAX_DESCRIPTOR)
    if isinstance(descriptor, Problem):
        return None, None, [descriptor]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, None, [Problem(name, None, "resources", "a data package with a list of resources", "none")]
    package, errors = None, []
    try:  # what frictionless.Package.validate_descriptor does, keeping the package
        package = frictionless.Package.from_descriptor(copy.deepcopy(descriptor), basepath=str(path.parent))
    except frictionless.FrictionlessException as exception:
        errors = exception.reasons or [exception.error]
    problems = [Problem(name, None, None, "a valid Frictionless data package descriptor", e.message) for e in errors]
    problems += misspelt_keys(name, descriptor)
    problems += descriptor_text_problems(name, descriptor)
    return (None, None, problems) if problems else (descriptor, package, problems)


def descriptor_text_problems(name: str, node, where: str = "") -> list[Problem]:
    """Descriptions, titles and names of the schema reach the data appendix: the same rule as data."""
    if isinstance(node, dict):  # keys too: a bidi control in one reorders the line a reviewer reads
        keys = [
            Problem(name, None, where.lstrip(".") or None, *broken) for key in node if (broken := text_problem(key))
        ]
        return keys + [
            p for key, value in node.items() for p in descriptor_text_problems(name, value, f"{where}.{key}")
        ]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in descriptor_text_problems(name, value, f"{where}[{i}]")]
    if isinstance(node, str) and (broken := text_problem(node)):
        return [Problem(name, None, where.lstrip("."), *broken)]
    return []


# Table Schema ignores keys it does not know, so a misspelt "primarykey" would
# silently switch a rule off: refuse unknown keys instead.
SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues"}
FIELD_KEYS = {"name", "type", "format", "title", "description", "constraints", "example"}
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
CONSTRAINT_KEYS = {"required", "unique", "minimum", "maximum", "minLength", "maxLength", "pattern", "enum"}


def misspelt_keys(name: str, descriptor: dict) -> list[Problem]:
    problems = []
    for res in descriptor["resources"]:
        schema = res.get("schema", {})
        where = f"resources.{res.get('name')}.schema"
        problems += [
            Problem(name, None, f"{where}.{k}", f"one of {sorted(SCHEMA_KEYS)}", repr(k))
            for k in schema
            if k not in SCHEMA_KEYS
        ]
        for field in schema.get("fields", []):
            fwhere = f"{where}.{field.get('name')}"
            if not FIELD_NAME.fullmatch(str(field.get("name"))):
                problems.append(Problem(name, None, fwhere, "a column name of a-z, 0-9 and _", repr(field.get("name"))))
            problems += [
                Problem(name, None, f"{fwhere}.{k}", f"one of {sorted(FIELD_KEYS)}", repr(k))
                for k in field
                if k not in FIELD_KEYS
            ]
            problems += [
                Problem(name, None, f"{fwhere}.constraints.{k}", f"one of {sorted(CONSTRAINT_KEYS)}", repr(k))
                for k in field.get("constraints", {})
                if k not in CONSTRAINT_KEYS
            ]
    return problems


def _expected_for(field: dict, constraint: str) -> str:
    rules = field.get("constraints", {})
    if constraint == "enum":
        return "one of: " + ", ".join(repr(v) for v in rules["enum"])
    if constraint == "minimum":
        return f"a value of at least {rules['minimum']}"
    if constraint == "maximum":
        return f"a value of at most {rules['maximum']}"
    if constraint == "pattern":
        return f"text matching the pattern {rules['pattern']}"
    if constraint == "required":
        return "a value (the field is required)"
    if constraint == "maxLength":
        return f"at most {rules['maxLength']} characters"
    return f"a value meeting the {constraint} constraint"


def schema_problems(package: "frictionless.Package", descriptor: dict, folder: str = "data") -> list[Problem]:
    """Types, constraints, keys and foreign keys, as the schema states them, of the tables in folder."""
    report = package.validate()
    fields = {res["name"]: {f["name"]: f for f in res["schema"]["fields"]} for res in descriptor["resources"]}
    paths = {res["name"]: f"{folder}/{res['path']}" for res in descriptor["resources"]}
    problems = []
    for task in report.tasks:
        file = paths.get(task.name, task.name)
        for err in task.errors:
            line = getattr(err, "row_number", None)
            name = getattr(err, "field_name", None)
            cell = getattr(err, "cell", None)
            field = fields.get(task.name, {}).get(name, {})
            if err.type == "type-error":
                expected = TYPE_NAMES.get(field.get("type"), field.get("type", "another type"))
                problems.append(Problem(file, line, name, expected, repr(cell)))
            elif err.type == "constraint-error":
                match = re.search(r'constraint "(\w+)"', err.note)
                expected = _expected_for(field, match.group(1) if match else "")
                problems.append(Problem(file, line, name, expected, repr(cell) if cell else "an empty cell"))
            elif err.type in ("unique-error", "primary-key"):
                key = name or ", ".join(resource(descriptor, task.name)["schema"].get("primaryKey", []))
                note = err.note.replace("row at position", "line")
                problems.append(Problem(file, line, key, "a value no other row uses", f"a duplicate ({note})"))
            elif err.type == "foreign-key":
                match = re.search(r'values "([^"]*)" not found in the lookup table "(\w+)" as "(\w+)"', err.note)
                if match:
                    value, table, column = match.groups()
                    problems.append(Problem(file, line, column, f"a {column} listed in {paths[table]}", repr(value)))
                else:
                    problems.append(Problem(file, line, None, "a valid reference to another table", err.note))
            elif err.type in (
                "missing-cell",
                "extra-cell",
                "blank-row",
                "extra-label",
                "missing-label",
                "incorrect-label",
                "duplicate-label",
                "blank-label",
            ):
                continue  # already reported, with the line, by read_rows
            else:
                problems.append(Problem(file, line, name, "a valid row", err.message))
    return problems


def read_tables(
    root: Path, resources: list[dict], folder: str = "data", optional: frozenset[str] = frozenset()
) -> tuple[dict[str, list[tuple[int, dict]]], list[Problem], bool]:
    """The rows of each table, by file; the problems of their raw read; and whether frictionless can read
    them all (it cannot read a table whose file or header is broken: that is reported alone)."""
    tables, problems, readable = {}, [], True
    for res in resources:
        rows, found = read_rows(root, res, folder, optional)
        tables[f"{folder}/{res['path']}"] = rows
        problems += found
        readable = readable and bool(rows or res.get("x-may-be-empty")) and not any(p.line in (None, 1) for p in found)
        # a row of the wrong width, already reported: frictionless copies the whole row for each extra cell,
        # so one line of 20,000 commas would take minutes and gigabytes
        readable = readable and not any(p.field is None and p.expected.endswith(" cells") for p in found)
    return tables, problems, readable


def new_schema_problems(package, descriptor: dict, folder: str, known: list[Problem]) -> list[Problem]:
    """The schema's problems not already known: a cell the raw read refused (a number typed as NaN, an
    identifier with a quote in it) is reported once, in the raw read's words."""
    refused = {(p.file, p.line, p.field) for p in known}
    return [p for p in schema_problems(package, descriptor, folder) if (p.file, p.line, p.field) not in refused]
