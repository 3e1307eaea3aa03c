"""The one rule for text that comes from pull requests.

Every string in data/, refs.bib, CITATION.cff, datapackage.json and releases/ is a stranger's
text. Before anything is built, the check holds each value to this rule: a sane length, no
character that changes how text reads without being seen (controls, bidi controls, zero-width
characters), links only to https:// addresses, identifiers (DOI, PMID, version) in plain ASCII,
and (in the CSV files readers download and open in spreadsheets) no value a spreadsheet would
run as a formula. Where a value is placed in a page it is escaped: markdown.md_escape for MyST,
html.escape for HTML, and the search index carries titles escaped (sphinx_ext/search.py).
"""

import json
import re

MAX_TEXT = 1000  # characters in any one value
SHOWN = 80  # characters of a bad value that a message repeats
MAX_DOI = 200  # characters: DataCite's longest registered DOIs are well under this

LINK = re.compile(r"https://[^\s\"'<>{}\\`]+")
# A DOI as doi.org resolves it and any page, BibTeX entry or attribute can hold it: "10.", the
# registrant's ASCII digits, a slash, then printable ASCII without quotes, angle brackets, a backslash,
# braces or a backtick (each would end an attribute, a tag, a BibTeX value or Markdown code).
DOI = re.compile(r"10\.[0-9]{4,9}/[!#-&(-;=?-\[\]-_a-z|~]+")
PMID = re.compile(r"[1-9][0-9]{0,8}")
# A release version: every part a plain ASCII number of at most six digits, so that no int() of it is slow
# or fails, and no digit of another script passes for one.
VERSION = re.compile(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})")
# Characters that change how text reads without being seen: C0 and C1 controls, line and paragraph
# separators, bidi controls (which reorder what a reviewer sees: "Trojan Source"), zero-width and every
# other character Unicode says to draw as nothing (Default_Ignorable_Code_Point: U+2064 INVISIBLE PLUS,
# Hangul fillers, variation selectors, the tag characters U+E0000-U+E0FFF, which make two different
# values look the same), the other format characters (category Cf) and lone surrogates, which JSON and
# YAML escapes can write ("\ud800") and no page can be encoded with.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff\ufe00-\ufe0f\ufeff"
    "\uffa0\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Numbers as a reader and every program read them: ASCII digits, an optional minus and decimal dot.
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
INTEGER = re.compile(r"-?[0-9]+")


def shown(text: str) -> str:
    """A value as a message repeats it: never more than SHOWN characters."""
    text = str(text)
    return text if len(text) <= SHOWN else f"{text[: SHOWN - 1]}… ({len(text)} characters)"


def _kind(character: str) -> str:
    code = ord(character)
    if code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        return "a zero-width character"
    if code in (0x061C, 0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidi control"
    if code in (0x2028, 0x2029):
        return "a line separator"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if code < 0xA0:
        return "a control character"
    return "an invisible or format character"


def text_problem(value: str, limit: int = MAX_TEXT, spreadsheet: bool = False) -> tuple[str, str] | None:
    """(expected, found) when a value breaks the rule, else None."""
    if len(value) > limit:
        return f"at most {limit} characters", f"{len(value)} characters"
    if match := INVISIBLE.search(value):
        character = match.group()
        return (
            "text without control, bidi or zero-width characters",
            f"U+{ord(character):04X} ({_kind(character)}) in {shown(value)!r}",
        )
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


def doi_problem(value: str) -> tuple[str, str] | None:
    if len(value) > MAX_DOI or not DOI.fullmatch(value):
        expected = (
            f"a DOI like 10.1000/xyz123 (no https://doi.org/ prefix; at most {MAX_DOI} characters of printable "
            "ASCII without quotes, <, >, \\, braces, backticks or spaces)"
        )
        return expected, repr(shown(value))
    return None


def pmid_problem(value: str) -> tuple[str, str] | None:
    if not PMID.fullmatch(value):
        return "a PubMed id: 1 to 9 digits 0-9, the first not 0", repr(shown(value))
    return None


def version_problem(value: str) -> tuple[str, str] | None:
    if not VERSION.fullmatch(value):
        return "a version x.y.z, e.g. 0.2.0 (digits 0-9, at most 6 per part, no leading zero)", repr(shown(value))
    return None


def script_json(value) -> str:
    """JSON to place inside a <script> element: "<", ">" and "&" occur only inside JSON strings, where \\u
    escapes are equivalent, so no text from data can close the element."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
