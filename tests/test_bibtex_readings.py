"""The check reads refs.bib with bibtexparser (bibliography.py), the build with pybtex (through
sphinxcontrib-bibtex): both see the same keys, fields and authors, or the check refuses what the
two would read apart, so that no reference reaches the book other than as it was checked."""

import pytest
from pybtex.database import Person
from sphinxcontrib.bibtex.bibfile import parse_bibdata

from helpers import ROOT
from mrcreview.bibliography import author_names, check_bibliography, field_values, read_library

PEOPLE = ("author", "editor")


def plain(value: str) -> str:
    return " ".join(value.split())  # as a page shows it


def as_checked(path) -> dict:
    return {
        entry.key: (
            {name: plain(value) for name, value in field_values(entry).items() if name not in PEOPLE},
            [str(Person(name)) for name in author_names(entry)],
        )
        for entry in read_library(path).entries
    }


def as_built(path) -> dict:
    entries = parse_bibdata([path], "utf-8").data.entries
    return {
        key: (
            {name.lower(): plain(value) for name, value in entry.fields.items()},
            [str(person) for person in entry.persons.get("author", [])],
        )
        for key, entry in entries.items()
    }


def test_the_check_and_the_build_read_refs_bib_alike():
    checked, built = as_checked(ROOT / "refs.bib"), as_built(ROOT / "refs.bib")
    assert len(checked) > 20
    assert checked == built


ENTRY = (
    "@article{{key2020,\n  author = {author},\n  title = {title},\n  journal = {{J}},\n  year = 2020,\n"
    "  doi = {{10.1000/x}},\n{more}}}\n"
)
ALIKE = {
    "braces and accents": ENTRY.format(
        author=r"{Riihim{\"a}ki, M. and M{\"u}ller, Hans}", title=r"{Global {GLOBOCAN} {\'e}tude}", more=""
    ),
    "an @string macro, comments": "@string{jcl = {J. Clin. Lab.}}\n% a comment\n@comment{x}\n"
    + ENTRY.format(author="{Smith, A.}", title="{T}", more="  note = jcl,\n"),
    "a corporate author with and in braces": ENTRY.format(
        author="{{Food and Drug Administration} and Smith, A.}", title="{T}", more=""
    ),
    "names joined by AND": ENTRY.format(author="{Smith, A. AND Doe, B.}", title="{T}", more=""),
    "field names in capitals": ENTRY.format(
        author="{Smith, A.}", title="{T}", more="  URL = {https://example.org/a},\n"
    ),
    "a quoted value": ENTRY.format(author='"Smith, A."', title='"A {Quoted} title"', more=""),
}
REFUSED = {  # the entry, and the field the check names
    "a field given twice": (ENTRY.format(author="{Smith, A.}", title="{T}", more="  title = {Other},\n"), None),
    "a concatenation": (ENTRY.format(author="{Smith, A.}", title='"A " # "B"', more=""), "title"),
    "a month macro": (ENTRY.format(author="{Smith, A.}", title="{T}", more="  month = jan,\n"), "month"),
    "an undefined macro": (ENTRY.format(author="{Smith, A.}", title="undefined", more=""), "title"),
}


@pytest.mark.parametrize("text", ALIKE.values(), ids=ALIKE.keys())
def test_tricky_entries_are_read_alike(text, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    problems, keys = check_bibliography(tmp_path)
    assert problems == [] and keys == {"key2020"}
    checked, built = as_checked(path), as_built(path)
    assert checked == built and checked["key2020"][1]


@pytest.mark.parametrize(("text", "field"), REFUSED.values(), ids=REFUSED.keys())
def test_what_the_two_would_read_apart_is_refused_by_the_check(text, field, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    problems, _ = check_bibliography(tmp_path)
    assert [(problem.file, problem.field) for problem in problems] == [("refs.bib", field)], problems
    assert problems[0].line
