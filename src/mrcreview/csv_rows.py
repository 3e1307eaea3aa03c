"""The raw read of a CSV table: encoding, line ends, header, spaces, and every cell held to the rule
for untrusted text (untrusted.py), before frictionless reads the table against its schema."""

import csv
import io
import re
from pathlib import Path

from mrcreview.inputs import read_input
from mrcreview.problems import Problem
from mrcreview.schema import DESCRIPTOR
from mrcreview.untrusted import DECIMAL, INTEGER, MAX_TEXT, doi_problem, pmid_problem, text_problem

TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number written in digits 0-9",
    "number": "a number written in digits 0-9 with a dot for decimals, e.g. 0.476",
    "date": "a date written YYYY-MM-DD",
}


# A record with neither PMID nor DOI, added by hand: its first author's surname, year and a word of its title.
OTHER_RECORD = re.compile(r"[a-z]+(-[a-z0-9]+)*")


def record_problem(value: str) -> tuple[str, str] | None:
    """A screening record's id: pmid:<PubMed id>, doi:<DOI> or other:<surname>-<year>-<word>, each held
    to its own rule."""
    kind, _, identifier = value.partition(":")
    if kind == "pmid":
        return pmid_problem(identifier)
    if kind == "doi":
        return doi_problem(identifier)
    if kind == "other" and OTHER_RECORD.fullmatch(identifier) and len(identifier) <= 100:
        return None
    expected = "pmid:<PubMed id>, doi:<DOI>, or for neither other:<surname>-<year>-<word> in a-z, 0-9 and -"
    return expected, repr(value)


# Columns that hold an identifier, in whatever table: each has one rule, the one refs.bib is held to.
IDENTIFIERS = {"doi": doi_problem, "pmid": pmid_problem, "record_id": record_problem}


# How spreadsheets save "CSV UTF-8" (Excel everywhere, LibreOffice on Windows): a byte-order mark first
# and Windows line ends. Both are read as the project writes its files, by every reader (the check, the
# refresh, What's new and the chapters' tables); git stores the line ends as LF (.gitattributes).
BOM = "\ufeff"
SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)'"


def as_written(text: str) -> str:
    """CSV text as the project writes it: without a byte-order mark, with LF line ends."""
    return text.removeprefix(BOM).replace("\r\n", "\n")


def parse_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The one parse of the project's CSV text (the check, the refresh and What's new read through it): the
    header, and each row's cells with the line it starts on (a quoted cell may hold a line end)."""
    reader = csv.reader(io.StringIO(as_written(text)))
    header = next(reader, [])
    rows, line = [], reader.line_num
    for cells in reader:
        rows.append((line + 1, cells))
        line = reader.line_num
    return header, rows


def parse_records(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and each row as {column: text}, exactly as written."""
    header, rows = parse_csv(text)
    return header, [dict(zip(header, cells, strict=False)) for _, cells in rows]


def read_rows(
    root: Path, res: dict, folder: str = "data", optional: frozenset[str] = frozenset()
) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """Check the raw CSV folder/<res path> and return its rows with line numbers. Columns in `optional` may
    be left out (a release snapshot keeps the columns of its day)."""
    file = f"{folder}/{res['path']}"
    raw = read_input(root, file, f"the table {res['name']!r} named in {DESCRIPTOR}")
    if isinstance(raw, Problem):
        return [], [raw]
    if not raw.strip():
        return [], [Problem(file, 1, None, "a header row and data rows", "an empty file")]
    expected = [f["name"] for f in res["schema"]["fields"]]
    text = decoded(file, raw, expected)
    if isinstance(text, Problem):
        return [], [text]
    problems = []
    header, parsed = parse_csv(text)
    missing = [name for name in expected if name not in header and name not in optional]
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
    if header != [name for name in expected if name in header]:
        problems.append(Problem(file, 1, None, f"the columns in the order {', '.join(expected)}", ", ".join(header)))
    types = {f["name"]: f["type"] for f in res["schema"]["fields"]}
    limits = {
        f["name"]: min(MAX_TEXT, f.get("constraints", {}).get("maxLength", MAX_TEXT)) for f in res["schema"]["fields"]
    }
    rows = []
    for start, cells in parsed:
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
            elif broken := cell_problem(name, types[name], limits[name], cell):
                problems.append(Problem(file, start, name, *broken))
        rows.append((start, row))
    if not rows and not problems and not res.get("x-may-be-empty"):  # a screening log starts empty
        problems.append(Problem(file, 2, None, "at least one data row", "only the header"))
    return rows, problems


def decoded(file: str, raw: bytes, columns: list[str]) -> str | Problem:
    """The file's text as the project writes it, or the one problem that keeps it from being read as CSV:
    whatever else would be said of such a file only follows from it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(
            file, 1, None, f"text encoded as UTF-8 ({SAVE_AS})", "UTF-16 text (a spreadsheet's 'Unicode Text')"
        )
    try:
        text = as_written(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return Problem(file, line, None, f"text encoded as UTF-8 ({SAVE_AS})", f"byte {raw[err.start]:#04x}")
    if text.startswith(BOM):  # every other reader removes one mark: its header would start with the second
        return Problem(file, 1, None, f"at most one byte-order mark ({SAVE_AS})", "two at the start")
    first = text.partition("\n")[0]
    for separator, name in ((";", "';'"), ("\t", "tabs")):
        if "," not in first and set(next(csv.reader([first], delimiter=separator))) & set(columns):
            return Problem(file, 1, None, f"',' as separator ({SAVE_AS})", f"{name} as separator")
    if "\r" in text:  # a line end of classic Mac OS, or a carriage return inside a cell
        line = text[: text.index("\r")].count("\n") + 1
        return Problem(file, line, None, "line ends written LF or CRLF", "a carriage return (CR) alone")
    return text


def cell_problem(name: str, kind: str, limit: int, cell: str) -> tuple[str, str] | None:
    """(expected, found) for a cell that breaks the rule for untrusted text, an identifier that breaks its
    rule, or a number written otherwise than in plain ASCII decimals: frictionless accepts NaN, Infinity,
    1e400, 0.4_76 and non-ASCII digits, which no reader means and later code cannot use."""
    if broken := text_problem(cell, limit, spreadsheet=kind == "string"):
        return broken
    if cell == "":
        return None
    if name in IDENTIFIERS:
        return IDENTIFIERS[name](cell)
    if kind not in ("number", "integer") or (DECIMAL if kind == "number" else INTEGER).fullmatch(cell):
        return None
    return TYPE_NAMES[kind], repr(cell)
