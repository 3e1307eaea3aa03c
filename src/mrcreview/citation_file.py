"""CITATION.cff: how the book asks to be cited. Its text reaches every page's footer and the
How to cite page, so the check holds it to the same rule as data/ (untrusted.py)."""

import copy
import functools
import re
from datetime import date
from pathlib import Path

import yaml

from mrcreview.inputs import read_input
from mrcreview.problems import Problem
from mrcreview.untrusted import doi_problem, link_problem, text_problem, version_problem

FILE = "CITATION.cff"
REQUIRED = ("cff-version", "message", "title", "version", "date-released", "authors")
LINK_KEYS = {"url", "repository", "repository-code", "repository-artifact", "license-url"}
MAX_VALUE = 500
MAX_FILE = 64 * 2**10  # bytes: today's is 1 KB


def read_citation(root: Path) -> dict:
    """CITATION.cff as data; dates as ISO text (the check has made sure it is well formed)."""
    return copy.deepcopy(_parsed((root / FILE).read_text(encoding="utf-8")))


# The check and the build read the file with one parser: PyYAML's own accepted "\ud800", which libyaml,
# reading it for the build, refused with a traceback.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> dict:
    # A build asks for it ten times (version, release date, how to cite, every page's footer).
    return yaml.load(text, Loader=LOADER)


def _scalars(node, key: str = ""):
    """Every scalar in a YAML node tree, keys included, with the mapping key it sits under."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            yield from _scalars(key_node)  # a bidi control in a key reorders the line a reviewer reads
            yield from _scalars(value_node, str(key_node.value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item, key)
    elif isinstance(node, yaml.ScalarNode):
        yield key, str(node.value), node.start_mark.line + 1


def check_citation_file(root: Path) -> list[Problem]:
    raw = read_input(root, FILE, "a CITATION.cff file at the project root", MAX_FILE)
    if isinstance(raw, Problem):
        return [raw]
    try:
        text = raw.decode("utf-8")
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=LOADER)):
            # an alias repeats a node without copying it: nine of nine levels are a billion values to walk
            return [Problem(FILE, None, None, "YAML without aliases (*name)", "an alias")]
        tree = yaml.compose(text, Loader=LOADER)
        data = yaml.load(text, Loader=LOADER)
    except UnicodeDecodeError as err:
        return [Problem(FILE, None, None, "text encoded as UTF-8", f"byte {err.object[err.start]:#04x}")]
    except yaml.YAMLError as err:
        line = err.problem_mark.line + 1 if getattr(err, "problem_mark", None) else None
        found = str(getattr(err, "problem", None) or "a syntax error").removeprefix("found ")
        return [Problem(FILE, line, None, "valid YAML", found)]
    except RecursionError:
        return [Problem(FILE, None, None, "YAML nested a few levels deep", "deeper nesting")]
    if not isinstance(data, dict):
        return [Problem(FILE, 1, None, "a mapping of CITATION.cff keys", type(data).__name__)]
    problems = [
        Problem(FILE, None, key, "a value (the key is required)", "none") for key in REQUIRED if key not in data
    ]
    for key, value, line in _scalars(tree):
        if broken := text_problem(value, MAX_VALUE):
            problems.append(Problem(FILE, line, key, *broken))
        elif key in LINK_KEYS and (broken := link_problem(value)):
            problems.append(Problem(FILE, line, key, *broken))
        elif key == "doi" and (broken := doi_problem(value)):
            problems.append(Problem(FILE, line, key, *broken))
    if "version" in data and (broken := version_problem(str(data["version"]))):
        problems.append(Problem(FILE, _line_of(tree, "version"), "version", *broken))
    if "date-released" in data and not is_date(str(data["date-released"])):
        line, value = _line_of(tree, "date-released"), repr(data["date-released"])
        problems.append(Problem(FILE, line, "date-released", "a date written YYYY-MM-DD", value))
    authors = data.get("authors")
    if "authors" in data and not (isinstance(authors, list) and authors):
        problems.append(Problem(FILE, _line_of(tree, "authors"), "authors", "a list of at least one author", "none"))
    for author in authors if isinstance(authors, list) else []:
        if not isinstance(author, dict) or not (author.get("name") or author.get("family-names")):
            line = _line_of(tree, "authors")
            problems.append(Problem(FILE, line, "authors", "each author with a name or family-names", repr(author)))
    return problems


def _line_of(tree, key: str) -> int | None:
    """The line of a top-level key."""
    if isinstance(tree, yaml.MappingNode):
        for key_node, _ in tree.value:
            if key_node.value == key:
                return key_node.start_mark.line + 1
    return None


def is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))
