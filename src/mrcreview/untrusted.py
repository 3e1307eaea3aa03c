"""The one rule for text that comes from pull requests.

Every string in data/, refs.bib, CITATION.cff and datapackage.json is a stranger's text.
Before anything is built, the check holds each value to this rule: a sane length, no control
characters, links only to https:// addresses, and (in the CSV files readers download and open
in spreadsheets) no value a spreadsheet would run as a formula. Where a value is placed in a
page it is escaped: markdown.md_escape for MyST, html.escape for HTML, and the search index
carries titles escaped (sphinx_ext/search.py).
"""

import json
import re

MAX_TEXT = 1000  # characters in any one value
SHOWN = 80  # characters of a bad value that a message repeats

LINK = re.compile(r"https://[^\s\"'<>{}\\`]+")
DOI = re.compile(r"10\.[0-9]{4,9}/[^\s\"'<>{}\\`]+")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Numbers as a reader and every program read them: ASCII digits, an optional minus and decimal dot.
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
INTEGER = re.compile(r"-?[0-9]+")


def shown(text: str) -> str:
    """A value as a message repeats it: never more than SHOWN characters."""
    text = str(text)
    return text if len(text) <= SHOWN else f"{text[: SHOWN - 1]}… ({len(text)} characters)"


def text_problem(value: str, limit: int = MAX_TEXT, spreadsheet: bool = False) -> tuple[str, str] | None:
    """(expected, found) when a value breaks the rule, else None."""
    if len(value) > limit:
        return f"at most {limit} characters", f"{len(value)} characters"
    if match := CONTROL.search(value):
        return "text without control characters", f"character {ord(match.group()):#06x} in {shown(value)!r}"
    if spreadsheet and value.startswith(FORMULA_START):
        return (
            "text that does not begin with =, +, -, @ or a tab (a spreadsheet would run it as a formula)",
            repr(shown(value)),
        )
    return None


def link_problem(value: str) -> tuple[str, str] | None:
    if not LINK.fullmatch(value):
        return "an https:// address", repr(shown(value))
    return None


def script_json(value) -> str:
    """JSON to place inside a <script> element: "<", ">" and "&" occur only inside JSON strings, where \\u
    escapes are equivalent, so no text from data can close the element."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
