"""The check's rules for chapters: each a small function from the chapters' text (and what the data
defines) to problems with file, line and column, and each with a broken-input case in tests/broken/.

A chapter's every reference is known statically: numbers ({n}), citations ({cite}), figure and
table labels ({numref}, {ref}), ids named in code, glued outputs. A typo is one line, with the
closest valid name, before anything is built.
"""

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from mrcreview.chapter_text import (
    CODE_CELL,
    glue_keys_defined,
    glue_placements,
    hidden_reads,
    labels_defined,
    literal_arguments,
    reference_target,
    role_uses,
)
from mrcreview.counts import COUNTS
from mrcreview.inputs import place_problem
from mrcreview.paths import chapter_files
from mrcreview.problems import Problem


@dataclass(frozen=True)
class Known:
    """What chapters may refer to: ids in data/, keys in refs.bib, resources of datapackage.json."""

    # None: the file could not be read, and nothing is said of the ids it would define
    outcome_ids: frozenset[str] | None = frozenset()
    study_ids: frozenset[str] | None = frozenset()
    figure_ids: frozenset[str] | None = frozenset()
    citation_keys: frozenset[str] | None = frozenset()
    resources: frozenset[str] = frozenset()


def read_chapters(root: Path) -> dict[str, str]:
    """Every chapter's source, by its path from the project root: read once for all the rules."""
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in chapter_files(root)}


def closest(found: str, valid: set[str] | frozenset[str]) -> str:
    close = difflib.get_close_matches(found, sorted(valid), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_targets(chapters: dict[str, str], role: str, valid, expected: str) -> list[Problem]:
    """Every {role}`target` whose target is not among valid, with the closest valid one."""
    return [
        Problem(file, line, role, f"{expected}{closest(found.strip(), valid)}", repr(found), column)
        for file, source in chapters.items()
        for line, column, _, found in role_uses(source, role)
        if found.strip() not in valid
    ]


def number_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """{n}`id`: the id must be an outcome_id of data/outcomes.csv (unknown while that file is unreadable)."""
    if known.outcome_ids is None:
        return []
    return unknown_targets(chapters, "n", known.outcome_ids, "an outcome_id of data/outcomes.csv")


def count_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """{count}`name`: the name must be one of the counts the book defines (counts.py)."""
    return unknown_targets(chapters, "count", frozenset(COUNTS), f"one of {', '.join(COUNTS)}")


def citation_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """{cite:p}`key` and its kin: every key must be defined in refs.bib."""
    problems = []
    if known.citation_keys is None:
        return problems
    for file, source in chapters.items():
        for line, column, _, content in role_uses(source, "cite", "cite:p", "cite:t", "cite:ps", "cite:ts"):
            offset = 0
            for part in content.split(","):
                key = part.strip()
                if key not in known.citation_keys:
                    expected = f"a key defined in refs.bib{closest(key, known.citation_keys)}"
                    at = column + offset + len(part) - len(part.lstrip())
                    problems.append(Problem(file, line, "cite", expected, repr(key), at))
                offset += len(part) + 1
    return problems


def label_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """{numref} and {ref}: the label must be defined in some chapter (or be an evidence-register entry)."""
    labels = set()
    for source in chapters.values():
        glued, _ = glue_keys_defined(source)
        labels |= labels_defined(source, glued)
    labels |= {f"ev-{i}" for i in known.outcome_ids or ()}
    problems = []
    for file, source in chapters.items():
        for line, column, role, content in role_uses(source, "numref", "ref"):
            target = reference_target(content)
            if known.outcome_ids is None and target.startswith("ev-"):
                continue  # an evidence-register entry of outcomes.csv, which could not be read
            if target not in labels:
                expected = f"a figure, table or section label defined in a chapter{closest(target, labels)}"
                problems.append(Problem(file, line, role, expected, repr(target), column))
    return problems


GLOSSARY_BLOCK = re.compile(r"^(`{3,}|:{3,})\{glossary\}[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)


def glossary_terms(chapters: dict[str, str]) -> set[str]:
    """The terms of every {glossary} block: its unindented lines (indented lines are definitions)."""
    return {
        line.strip()
        for source in chapters.values()
        for block in GLOSSARY_BLOCK.finditer(source)
        for line in block.group(2).splitlines()
        if line.strip() and not line[0].isspace() and not line.startswith(":")
    }


def term_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """{term}`X`: X must be defined in the glossary (book/glossary.md)."""
    terms = glossary_terms(chapters)
    folded = {t.lower() for t in terms}
    return [
        Problem(
            file,
            line,
            "term",
            f"a term of the glossary, book/glossary.md{closest(target, terms)}",
            repr(target),
            column,
        )
        for file, source in chapters.items()
        for line, column, _, content in role_uses(source, "term")
        if (target := reference_target(content)).lower() not in folded
    ]


# Chapter code that names data: each literal id must exist, or the chapter fails mid-build.
NAMED_IN_CODE = {
    "load_outcomes": ("outcome_ids", "an outcome_id of data/outcomes.csv"),
    "load_studies": ("study_ids", "a study_id of data/studies.csv"),
    "count_rows": ("resources", "a resource named in data/datapackage.json"),
    "glue_figure": ("figure_ids", "a figure_id of data/figures.csv"),
}


def code_id_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    problems = []
    for file, source in chapters.items():
        for line, column, function, value in literal_arguments(source, *NAMED_IN_CODE):
            attribute, expected = NAMED_IN_CODE[function]
            valid = getattr(known, attribute)
            if valid is not None and value not in valid:
                problems.append(Problem(file, line, function, expected + closest(value, valid), repr(value), column))
    return problems


def chapter_code_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """Code that reaches data other than by a call the build records (chapter_text.hidden_reads)."""
    return [
        Problem(file, line, None, expected, found, column)
        for file, source in chapters.items()
        for line, column, expected, found in hidden_reads(source)
    ]


# MyST would pass HTML and {raw} content into the page as they are: chapters are written by
# contributors too, so they place text with Markdown only (the build also disables MyST's HTML syntax).
HTML_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s|/?>)|/[A-Za-z]|!--|\?)")
RAW = re.compile(r"\{raw\}")
# Role content ({ref}`title <label>`) and code spans are shown as text, never parsed as HTML.
LITERAL = re.compile(r"(?:\{[\w:-]+\})?(`+)(?:(?!\1).)+\1")


def chapter_markup_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    problems = []
    for file, source in chapters.items():
        prose = CODE_CELL.sub(lambda cell: "\n" * cell.group(0).count("\n"), source)
        # split on "\n" only: the prose keeps exactly the source's line feeds, whatever other breaks it holds
        for number, (line, prose_line) in enumerate(zip(source.split("\n"), prose.split("\n"), strict=True), start=1):
            if match := RAW.search(line):
                expected = "no {raw} directive or role (it puts unescaped HTML into the page)"
                problems.append(Problem(file, number, None, expected, line.strip()[:80], match.start() + 1))
            elif match := HTML_TAG.search(LITERAL.sub(lambda m: " " * len(m.group(0)), prose_line)):
                expected = "Markdown, not HTML tags (the book shows HTML as text)"
                problems.append(Problem(file, number, None, expected, prose_line.strip()[:80], match.start() + 1))
    return problems


def glue_key_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """Every output a chapter places with {glue} must be one its code glues."""
    problems = []
    for file, source in chapters.items():
        keys, patterns = glue_keys_defined(source)
        for line, column, key in glue_placements(source):
            if key in keys or any(p.fullmatch(key) for p in patterns):
                continue
            if key in (known.outcome_ids or ()):
                hint = " (a number is placed with {n}`outcome-id`)"
            elif key.startswith("fig-") and key[4:] in (known.figure_ids or ()):
                hint = f' (a code cell calls mr.glue_figure("{key[4:]}") to draw it)'
            else:
                hint = closest(key, keys)
            expected = f"a key glued by this chapter's code{hint}"
            problems.append(Problem(file, line, "glue", expected, repr(key), column))
    return problems


FIGURE_BLOCK = re.compile(r"^(`{3,}|:{3,})\{evidence-figure\}[ \t]+(\S+)[ \t]*\n(.*?)^\1[ \t]*$", re.M | re.S)


def figure_caption_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    """A figure's caption links to the table of its numbers: the way a keyboard or screen-reader user
    reaches every value the chart draws."""
    problems = []
    for file, source in chapters.items():
        for match in FIGURE_BLOCK.finditer(source):
            figure_id, caption = match.group(2), match.group(3)
            if f"`tbl-{figure_id}`" not in caption and f"<tbl-{figure_id}>`" not in caption:
                line = source.count("\n", 0, match.start()) + 1
                expected = f"a caption that refers to the figure's numbers, {{numref}}`tbl-{figure_id}`"
                problems.append(Problem(file, line, "evidence-figure", expected, repr(caption.strip()[:80])))
    return problems


# A chapter may offer the project's own data for download; anything it reads in from elsewhere
# (a file outside the project, an include) would be published with the site.
FILE_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{(include|literalinclude|image|figure)\}", re.M)


def file_problems(chapters: dict[str, str], known: Known, root: Path) -> list[Problem]:
    problems = []
    for file, source in chapters.items():
        folder = (root / file).parent
        for line, column, _, content in role_uses(source, "download"):
            target = reference_target(content)
            path = (folder / target).resolve()
            # a file of the project, outside its hidden folders: .git/config holds the workflow's token
            if place_problem(root, path) or not path.is_file():
                expected = "a file of the project, e.g. ../data/outcomes.csv"
                problems.append(Problem(file, line, "download", expected, repr(target), column))
        for match in FILE_DIRECTIVE.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            expected = "no file read into the page (place data with {n}, a table or a figure)"
            problems.append(Problem(file, line, None, expected, f"{{{match.group(1)}}}", 1))
    return problems


CHAPTER_RULES = [
    number_problems,
    count_problems,
    citation_problems,
    label_problems,
    term_problems,
    code_id_problems,
    chapter_code_problems,
    chapter_markup_problems,
    glue_key_problems,
    figure_caption_problems,
    file_problems,
]


def chapter_problems(root: Path, known: Known) -> list[Problem]:
    chapters = read_chapters(root)
    return [problem for rule in CHAPTER_RULES for problem in rule(chapters, known, root)]
