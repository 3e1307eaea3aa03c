"""Read refs.bib and check every entry carries what a reader needs to find the work."""

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from pybtex.bibtex.utils import split_name_list

from mrcreview.inputs import read_input
from mrcreview.problems import Problem
from mrcreview.untrusted import doi_problem, link_problem, pmid_problem, text_problem

ENTRY_TYPES = {"article", "book", "incollection", "inproceedings", "misc", "techreport"}
YEAR = re.compile(r"(19|20)[0-9][0-9]")
KEY = re.compile(r"[a-z][a-z0-9]*")


def read_library(path: Path):
    return parse_library(path.read_bytes().decode("utf-8"))


def parse_library(text: str):
    """Parse BibTeX. bibtexparser logs each block it cannot parse: the check reports those itself, once,
    in its own words."""
    parser_log = logging.getLogger("bibtexparser")
    level = parser_log.level
    parser_log.setLevel(logging.CRITICAL)
    try:
        return bibtexparser.parse_string(text)
    finally:
        parser_log.setLevel(level)


# pybtex turns these LaTeX commands into links, whatever field they are in.
LINK_COMMAND = re.compile(r"\\(url|href)(?![a-z])", re.IGNORECASE)
MAX_FIELD = 2000  # characters: long author lists, never a payload


def _value(entry: Entry, name: str) -> str:
    # BibTeX field names ignore case, and so does pybtex: URL is the url field.
    field = next((f for f in entry.fields if f.key.lower() == name), None)
    return str(field.value).strip() if field is not None else ""


def field_values(entry: Entry) -> dict[str, str]:
    """Every field of an entry by its name in lower case, as the check reads it."""
    return {field.key.lower(): _value(entry, field.key.lower()) for field in entry.fields}


def author_names(entry: Entry) -> list[str]:
    """The entry's authors, split as the build's pybtex splits them: on "and" in any case, never
    inside braces ({Food and Drug Administration} is one name)."""
    return split_name_list(_value(entry, "author"))


def field_problems(entry: Entry, file: str) -> list[Problem]:
    """Every field of an entry held to the rule for text from pull requests (untrusted.py)."""
    found, seen = [], set()
    for field in entry.fields:
        name, value, line = field.key.lower(), str(field.value), field.start_line + 1
        if name in seen:
            found.append(Problem(file, line, name, "each field once (field names ignore case)", repr(field.key)))
        seen.add(name)
        if field.enclosing == "no-enclosing":
            # bibtexparser leaves a # concatenation, a month macro or an undefined @string name as
            # written, where the build's pybtex joins or expands it: the two would read it apart.
            found.append(Problem(file, line, name, "a value in braces or quotes, a number or an @string name", value))
        elif broken := text_problem(value, MAX_FIELD):
            found.append(Problem(file, line, name, *broken))
        elif LINK_COMMAND.search(value):
            expected = "no \\url or \\href command (the address belongs in the url field)"
            found.append(Problem(file, line, name, expected, repr(value)))
        elif name == "url" and (broken := link_problem(value.strip())):
            found.append(Problem(file, line, name, *broken))
    return found


def check_entry(entry: Entry, file: str, complete: bool = True) -> list[Problem]:
    """The rule for untrusted text, the key and identifiers; with complete, also what a reader needs to find
    the work."""
    line = entry.start_line + 1
    found: list[Problem] = field_problems(entry, file)

    def problem(field, expected, value):
        found.append(Problem(file, line, field, expected, value))

    if not KEY.fullmatch(entry.key):
        problem("key", "a key of lower-case letters and digits, e.g. dijkstra2023rapido", repr(entry.key))
    doi, pmid, url = _value(entry, "doi"), _value(entry, "pmid"), _value(entry, "url")
    if doi and (broken := doi_problem(doi)):
        problem("doi", *broken)
    if pmid and (broken := pmid_problem(pmid)):
        problem("pmid", *broken)
    if not complete:
        return found
    if entry.entry_type.lower() not in ENTRY_TYPES:
        problem("entry type", f"one of {', '.join(sorted(ENTRY_TYPES))}", f"@{entry.entry_type}")
    for name in ("author", "title", "year"):
        if not _value(entry, name):
            problem(name, f"a non-empty {name} for @{entry.entry_type}{{{entry.key}}}", "none")
    names = author_names(entry)
    if "others" in names[:-1]:
        problem(
            "author", "'and others' only at the end of the list (BibTeX drops every name after it)", "a name after it"
        )
    year = _value(entry, "year")
    if year and not YEAR.fullmatch(year):
        problem("year", "a four-digit year", repr(year))
    if not (_value(entry, "journal") or _value(entry, "publisher") or _value(entry, "booktitle")):
        problem("journal", f"a journal, publisher or booktitle for {entry.key}", "none")
    if not (doi or pmid or url):
        problem("doi", f"a doi, pmid or url for {entry.key}", "none of them")
    return found


def check_bibliography(
    root: Path, file: str = "refs.bib", missing: str = "a BibTeX file at the project root", complete: bool = True
) -> tuple[list[Problem], set[str] | None]:
    """Return the problems of the BibTeX file `file` and the keys it defines (None when it cannot be read at
    all). A release's copy (complete False) is held to the rule for untrusted text, keys and identifiers, not
    to what readers need to find a work: What's new reads only its keys, and it stays as it was released."""
    raw = read_input(root, file, missing)
    if isinstance(raw, Problem):
        return [raw], None
    try:
        library = parse_library(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return [Problem(file, line, None, "text encoded as UTF-8", f"byte {err.object[err.start]:#04x}")], None
    problems: list[Problem] = []
    # The key of an entry that cannot be parsed still counts as defined: its one message is the root
    # cause, not every citation of it in data/ and the chapters.
    broken_keys = set()
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(Problem(file, line, "key", "each key defined once", f"{block.key!r} defined again"))
        elif isinstance(block, ParsingFailedBlock):
            start = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
            if key := re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,", block.raw):
                broken_keys.add(key.group(1))
            problems.append(
                Problem(
                    file,
                    line,
                    None,
                    "a complete entry with balanced braces and quotes",
                    f"a block that cannot be parsed, starting {start!r}",
                )
            )
    dois: dict[str, str] = {}
    for entry in library.entries:
        problems.extend(check_entry(entry, file, complete))
        doi = _value(entry, "doi").lower()
        if doi and complete:
            if doi in dois:
                problems.append(
                    Problem(
                        file, entry.start_line + 1, "doi", f"each DOI once (already used by {dois[doi]})", repr(doi)
                    )
                )
            dois.setdefault(doi, entry.key)
    return problems, {entry.key for entry in library.entries} | broken_keys
