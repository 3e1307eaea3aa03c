"""Check data/, refs.bib, CITATION.cff and the chapters before anything is built.

The data package schema (data/datapackage.json) carries every per-column rule and is
enforced by the frictionless library; this module adds what a schema cannot say:
the raw file format, rules across columns and tables, and citations.
"""

import copy
import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import frictionless

from mrcreview.bibliography import check_bibliography
from mrcreview.chapter_rules import Known, chapter_problems
from mrcreview.citation_file import check_citation_file
from mrcreview.problems import Problem
from mrcreview.schema import DESCRIPTOR, resource
from mrcreview.untrusted import DECIMAL, INTEGER, MAX_TEXT, text_problem

# A proportion computed from its numerator and denominator may differ from the
# reported value by rounding to a whole percent.
ROUNDING = 0.0051
TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number written in digits 0-9",
    "number": "a number written in digits 0-9 with a dot for decimals, e.g. 0.476",
    "date": "a date written YYYY-MM-DD",
}


def read_schema(root: Path) -> tuple[dict | None, "frictionless.Package | None", list[Problem]]:
    """The descriptor, and the package Frictionless made of it (read once: it takes a third of the check)."""
    path = root / "data" / DESCRIPTOR
    name = f"data/{DESCRIPTOR}"
    if not path.exists():
        return None, None, [Problem(name, None, None, "the data package schema", "no such file")]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, None, [Problem(name, None, None, "a UTF-8 JSON file", "bytes that are not UTF-8")]
    except json.JSONDecodeError as err:
        return None, None, [Problem(name, err.lineno, None, "valid JSON", err.msg)]
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
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in descriptor_text_problems(name, value, f"{where}.{key}")]
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


def read_rows(root: Path, res: dict) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """Check the raw CSV (encoding, line ends, header, spaces) and return its rows with line numbers."""
    file = f"data/{res['path']}"
    path = root / "data" / res["path"]
    if not path.exists():
        return [], [Problem(file, None, None, f"the table {res['name']!r} named in {DESCRIPTOR}", "no such file")]
    raw = path.read_bytes()
    if not raw.strip():
        return [], [Problem(file, 1, None, "a header row and data rows", "an empty file")]
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(file, 1, None, "UTF-8 without a byte-order mark", "a byte-order mark"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return [], [Problem(file, line, None, "text encoded as UTF-8", f"byte {raw[err.start]:#04x}")]
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        problems.append(Problem(file, line, None, "Unix line ends (LF)", "Windows line ends (CRLF)"))
        text = text.replace("\r\n", "\n")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    expected = [f["name"] for f in res["schema"]["fields"]]
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name not in expected]
    if len(missing) == len(unknown) == 1:
        # one column renamed: one message, not a missing column and an unknown one
        problems.append(Problem(file, 1, missing[0], f"the column {missing[0]!r}", f"{unknown[0]!r} in its place"))
    else:
        for name in missing:
            problems.append(Problem(file, 1, name, f"a column named {name!r}", f"columns {', '.join(header)}"))
        for name in unknown:
            problems.append(Problem(file, 1, name, f"only the columns {', '.join(expected)}", f"a column {name!r}"))
    if problems:
        return [], problems
    if header != expected:
        problems.append(Problem(file, 1, None, f"the columns in the order {', '.join(expected)}", ", ".join(header)))
    types = {f["name"]: f["type"] for f in res["schema"]["fields"]}
    limits = {
        f["name"]: min(MAX_TEXT, f.get("constraints", {}).get("maxLength", MAX_TEXT)) for f in res["schema"]["fields"]
    }
    rows = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cells):
            problems.append(Problem(file, start, None, "a data row", "a blank line"))
            continue
        if len(cells) != len(header):
            problems.append(Problem(file, start, None, f"{len(header)} cells", f"{len(cells)} cells"))
            continue
        row = dict(zip(header, cells, strict=True))
        for name, cell in row.items():
            if cell != cell.strip():
                problems.append(Problem(file, start, name, "no spaces before or after the value", repr(cell)))
            elif broken := cell_problem(types[name], limits[name], cell):
                problems.append(Problem(file, start, name, *broken))
        rows.append((start, row))
    if not rows and not problems and not res.get("x-may-be-empty"):  # a screening log starts empty
        problems.append(Problem(file, 2, None, "at least one data row", "only the header"))
    return rows, problems


def cell_problem(kind: str, limit: int, cell: str) -> tuple[str, str] | None:
    """(expected, found) for a cell that breaks the rule for untrusted text or is a number
    written otherwise than in plain ASCII decimals: frictionless accepts NaN, Infinity,
    1e400, 0.4_76 and non-ASCII digits, which no reader means and later code cannot use."""
    if broken := text_problem(cell, limit, spreadsheet=kind == "string"):
        return broken
    if cell == "" or kind not in ("number", "integer"):
        return None
    if (DECIMAL if kind == "number" else INTEGER).fullmatch(cell):
        return None
    return TYPE_NAMES[kind], repr(cell)


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


def schema_problems(package: "frictionless.Package", descriptor: dict) -> list[Problem]:
    """Types, constraints, keys and foreign keys, as the schema states them."""
    report = package.validate()
    fields = {res["name"]: {f["name"]: f for f in res["schema"]["fields"]} for res in descriptor["resources"]}
    paths = {res["name"]: f"data/{res['path']}" for res in descriptor["resources"]}
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


def _number(text: str) -> float | None:
    # anything but a plain decimal is reported by cell_problem
    return float(text) if DECIMAL.fullmatch(text) else None


def outcome_problems(file: str, rows: list[tuple[int, dict]]) -> list[Problem]:
    """Rules across the columns of one reported number."""
    problems = []
    for line, row in rows:
        value, unit = _number(row["value"]), row["unit"]
        numerator, denominator = _number(row["numerator"]), _number(row["denominator"])
        low, high = _number(row["ci_lower"]), _number(row["ci_upper"])
        if value is None or value < 0:
            continue  # a missing, mistyped or negative value is reported by the schema check
        if unit == "proportion" and not 0 <= value <= 1:
            problems.append(
                Problem(file, line, "value", "a proportion between 0 and 1 (87.5% is written 0.875)", row["value"])
            )
        if unit == "count" and value != int(value):
            problems.append(Problem(file, line, "value", "a whole number for a count", row["value"]))
        if numerator is not None and denominator is not None:
            if numerator > denominator:
                problems.append(
                    Problem(
                        file, line, "numerator", f"at most the denominator ({row['denominator']})", row["numerator"]
                    )
                )
            elif unit == "proportion" and abs(value - numerator / denominator) > ROUNDING:
                problems.append(
                    Problem(
                        file,
                        line,
                        "value",
                        f"numerator/denominator = {row['numerator']}/{row['denominator']} = "
                        f"{numerator / denominator:.3f} (within rounding)",
                        row["value"],
                    )
                )
        if (low is None) != (high is None) or (low is not None and row["ci_level"] == ""):
            problems.append(
                Problem(
                    file,
                    line,
                    "ci_lower",
                    "ci_lower, ci_upper and ci_level all given, or none",
                    f"ci_lower={row['ci_lower']!r}, ci_upper={row['ci_upper']!r}, ci_level={row['ci_level']!r}",
                )
            )
        elif low is not None and not low <= value <= high:
            interval = f"{row['ci_lower']}–{row['ci_upper']}"
            problems.append(Problem(file, line, "value", f"a value inside its interval {interval}", row["value"]))
        elif low is not None and unit == "proportion" and high > 1:
            problems.append(Problem(file, line, "ci_upper", "a proportion between 0 and 1", row["ci_upper"]))
    return problems


RATIO_UNITS = {"hazard_ratio", "odds_ratio", "relative_risk"}
UNITS = RATIO_UNITS | {"proportion", "count", "months", "years", "cm"}  # others are reported by the schema check


def figure_problems(
    file: str, figures: list[tuple[int, dict]], shown_rows: list[tuple[int, dict]], units: dict[str, str]
) -> list[Problem]:
    """A figure is drawable: bars say what labels them and show proportions; a forest plot shows
    proportions or ratios, not both; a pooling rule comes with its reason; every figure shows a row."""
    problems = []
    shows: dict[str, list[str]] = {}
    for _, row in shown_rows:
        shows.setdefault(row["figure_id"], []).append(units.get(row["outcome_id"], ""))
    for line, row in figures:
        chart, figure_units = row["chart"], shows.get(row["figure_id"], [])
        if not figure_units:
            problems.append(Problem(file, line, "figure_id", "a figure with rows in data/figure_rows.csv", "none"))
        if chart == "bars":
            if not row["bars_by"]:
                problems.append(
                    Problem(file, line, "bars_by", "what labels each bar, for a bar chart", "an empty cell")
                )
            if row["pool"]:
                problems.append(
                    Problem(file, line, "pool", "an empty cell for a bar chart (forest plots only)", row["pool"])
                )
            if any(unit != "proportion" for unit in figure_units if unit in UNITS):
                expected = "a bar chart of proportions only (ratios, counts and times go in a forest plot or the text)"
                problems.append(Problem(file, line, "chart", expected, ", ".join(sorted(set(figure_units)))))
        elif chart == "forest":
            for column in ("bars_by", "colour_by"):
                if row[column]:
                    problems.append(Problem(file, line, column, "an empty cell for a forest plot", row[column]))
            kinds = {"ratio" if unit in RATIO_UNITS else unit for unit in figure_units if unit in UNITS}
            if kinds - {"proportion", "ratio"} or len(kinds) > 1:
                expected = "a forest plot of proportions only or of ratios only"
                problems.append(Problem(file, line, "chart", expected, ", ".join(sorted(set(figure_units)))))
        if row["pool"] and not row["pooling_reason"]:
            problems.append(
                Problem(file, line, "pooling_reason", "why the numbers are or are not pooled", "an empty cell")
            )
    return problems


def screening_problems(file: str, rows: list[tuple[int, dict]], today: date) -> list[Problem]:
    """A decision a reviewer can stand by: every exclusion says why, an id matches its PMID or DOI,
    and nothing was found in the future."""
    problems = []
    for line, row in rows:
        if row["decision"] == "excluded" and not row["reason"].strip():
            problems.append(Problem(file, line, "reason", "why the record was excluded", "an empty cell"))
        kind, _, value = row["record_id"].partition(":")
        if kind in ("pmid", "doi") and row.get(kind) and row[kind] != value:
            problems.append(Problem(file, line, kind, f"the {kind} in record_id ({value[:40]})", repr(row[kind])))
        if _future(row["found_on"], today):
            problems.append(Problem(file, line, "found_on", f"a date not after today ({today})", row["found_on"]))
    return problems


def search_problems(file: str, rows: list[tuple[int, dict]], today: date) -> list[Problem]:
    return [
        Problem(file, line, "run_on", f"a date not after today ({today})", row["run_on"])
        for line, row in rows
        if _future(row["run_on"], today)
    ]


def _future(text: str, today: date) -> bool:
    try:
        return date.fromisoformat(text) > today
    except ValueError:
        return False  # empty or malformed: the schema check reports it


def study_problems(file: str, rows: list[tuple[int, dict]], today: date) -> list[Problem]:
    return [
        Problem(file, line, field, f"a date no later than today ({today})", row[field])
        for line, row in rows
        for field in ("status_checked", "registry_updated")
        if _future(row.get(field, ""), today)
    ]


def review_reference_problems(file: str, rows: list[tuple[int, dict]]) -> list[Problem]:
    return [
        Problem(
            file,
            line,
            "citation_key",
            "a citation key for an identified reference (or another status)",
            "an empty cell",
        )
        for line, row in rows
        if row["status"] == "identified" and not row["citation_key"]
    ]


def citation_key_problems(tables: dict[str, list[tuple[int, dict]]], keys: set[str]) -> list[Problem]:
    return [
        Problem(file, line, "citation_key", "a key defined in refs.bib", repr(row["citation_key"]))
        for file, rows in tables.items()
        for line, row in rows
        if row.get("citation_key") and row["citation_key"] not in keys
    ]


def ids(tables: dict[str, list[tuple[int, dict]]], file: str | None, column: str) -> frozenset[str]:
    return frozenset(row[column] for _, row in tables.get(file, []) if row.get(column))


def check_project(root: Path, today: date | None = None) -> list[Problem]:
    """Every problem in the project's inputs, sorted by file and line."""
    today = today or date.today()
    descriptor, package, problems = read_schema(root)
    bib_problems, keys = check_bibliography(root / "refs.bib")
    problems += bib_problems
    problems += check_citation_file(root)
    if descriptor is None:
        return sorted(problems, key=_order)
    tables, raw_ok = {}, True
    for res in descriptor["resources"]:
        rows, found = read_rows(root, res)
        tables[f"data/{res['path']}"] = rows
        problems += found
        # frictionless cannot read a table whose file or header is broken: report that alone
        raw_ok = raw_ok and bool(rows or res.get("x-may-be-empty")) and not any(p.line in (None, 1) for p in found)
    if raw_ok:
        # a cell the raw read already refused (a number typed as NaN, say) is reported once
        refused = {(p.file, p.line, p.field) for p in problems}
        problems += [p for p in schema_problems(package, descriptor) if (p.file, p.line, p.field) not in refused]
    paths = {res["name"]: f"data/{res['path']}" for res in descriptor["resources"]}
    if "outcomes" in paths:
        problems += outcome_problems(paths["outcomes"], tables[paths["outcomes"]])
    if "studies" in paths:
        problems += study_problems(paths["studies"], tables[paths["studies"]], today)
    if "review_references" in paths:
        problems += review_reference_problems(paths["review_references"], tables[paths["review_references"]])
    if "screening" in paths:
        problems += screening_problems(paths["screening"], tables[paths["screening"]], today)
    if "searches" in paths:
        problems += search_problems(paths["searches"], tables[paths["searches"]], today)
    # figures are checked against the outcomes' units only when every table could be read
    if raw_ok and {"figures", "figure_rows", "outcomes"} <= set(paths):
        units = {row["outcome_id"]: row["unit"] for _, row in tables[paths["outcomes"]]}
        problems += figure_problems(paths["figures"], tables[paths["figures"]], tables[paths["figure_rows"]], units)
    if keys is not None:  # an unreadable refs.bib is one problem, not one per citation
        problems += citation_key_problems(tables, keys)
    known = Known(
        outcome_ids=ids(tables, paths.get("outcomes"), "outcome_id"),
        study_ids=ids(tables, paths.get("studies"), "study_id"),
        figure_ids=ids(tables, paths.get("figures"), "figure_id"),
        citation_keys=None if keys is None else frozenset(keys),
        resources=frozenset(paths),
    )
    problems += chapter_problems(root, known)
    return sorted(set(problems), key=_order)


def _order(problem: Problem):
    return (problem.file, problem.line or 0, problem.column or 0, problem.field or "", problem.expected)
