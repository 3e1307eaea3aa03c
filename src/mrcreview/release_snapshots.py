"""releases/: the snapshots `make release` writes, held to the rules of the data they copy.

What's new (changes.py) reads every snapshot and places its text in the book, so a snapshot edited
by hand is a stranger's text like data/: each file inside the project and within its size limit,
its tables held to today's schema, the rules across their columns and the rule for untrusted text,
its release.json to the version and date it records. A snapshot keeps the columns of its day: a
column added to the schema since may be missing, unless the schema requires it or What's new
compares it. Its refs.bib, of which What's new reads only the keys, is held to the rule for
untrusted text, keys and identifiers, not to the completeness rules refs.bib has gained since.
"""

import filecmp
from datetime import date
from pathlib import Path

import frictionless

from mrcreview.bibliography import check_bibliography
from mrcreview.citation_file import is_date
from mrcreview.data_rules import citation_key_problems, outcome_problems, study_problems
from mrcreview.inputs import file_problem, place_problem, read_json
from mrcreview.package_check import new_schema_problems, read_tables
from mrcreview.problems import Problem
from mrcreview.schema import resource
from mrcreview.snapshot import COMPARED, RELEASE_FILE, RELEASES, SNAPSHOT
from mrcreview.untrusted import text_problem, version_problem

MAX_RELEASE_FILE = 4 * 2**10  # bytes: a version, a date and a note
RELEASE_KEYS = {"version", "date", "note"}
CONTENTS = {RELEASE_FILE, *(Path(name).name for name in SNAPSHOT)}
TABLES = [Path(name).stem for name in SNAPSHOT if name.endswith(".csv")]  # the resources snapshotted


def snapshot_problems(root: Path, descriptor: dict, today: date, keys: set[str] | None) -> list[Problem]:
    """Every problem of every snapshot in releases/; keys are those of refs.bib (None if unreadable)."""
    if problem := place_problem(root, RELEASES):
        return [problem]
    folder = root / RELEASES
    if not folder.exists():
        return []
    if not folder.is_dir():
        return [Problem(RELEASES, None, None, "a folder of release snapshots", "a file")]
    problems = []
    for entry in sorted(folder.iterdir()):
        name = f"{RELEASES}/{entry.name}"
        if broken := version_problem(entry.name):
            problems.append(
                Problem(name, None, None, f"a snapshot folder named by its version: {broken[0]}", broken[1])
            )
        elif problem := place_problem(root, name):
            problems.append(problem)  # checked before its contents are listed: they may be anywhere
        elif not entry.is_dir():
            problems.append(Problem(name, None, None, "a snapshot folder", "a file"))
        else:
            problems += one_snapshot(root, name, descriptor, today, keys)
    return problems


def one_snapshot(root: Path, folder: str, descriptor: dict, today: date, keys: set[str] | None) -> list[Problem]:
    version = folder.rsplit("/", 1)[1]
    # A copy identical to the file it copies was held to the same rules (refs.bib to more) as data/ was: its
    # schema validation and parse are skipped, a second at 50 times today's data, just after a release.
    same = {name: _identical(root, name, f"{folder}/{Path(name).name}") for name in SNAPSHOT}
    problems = [
        Problem(f"{folder}/{path.name}", None, None, f"only {', '.join(sorted(CONTENTS))} in a snapshot", "more")
        for path in sorted((root / folder).iterdir())
        if path.name not in CONTENTS
    ]
    problems += release_file_problems(root, folder, version, today)
    resources = [dict(resource(descriptor, table), path=f"{table}.csv") for table in TABLES]
    # a column What's new compares or the schema requires is needed; one added since may be missing
    optional = frozenset(
        f["name"]
        for res in resources
        for f in res["schema"]["fields"]
        if not f.get("constraints", {}).get("required") and f["name"] not in COMPARED
    )
    tables, found, readable = read_tables(root, resources, folder, optional)
    problems += found
    if readable and not (same["data/outcomes.csv"] and same["data/studies.csv"]):
        package = snapshot_package(root, folder, resources, tables)
        problems += new_schema_problems(package, {"resources": resources}, folder, problems)
    problems += outcome_problems(f"{folder}/outcomes.csv", tables[f"{folder}/outcomes.csv"])
    problems += study_problems(f"{folder}/studies.csv", tables[f"{folder}/studies.csv"], today)
    if not same["refs.bib"]:
        bib_problems, keys = check_bibliography(root, f"{folder}/refs.bib", "the release's copy of refs.bib", False)
        problems += bib_problems
    if keys is not None:
        problems += citation_key_problems(tables, keys)
    return problems


def snapshot_package(root: Path, folder: str, resources: list[dict], tables: dict) -> "frictionless.Package":
    """The snapshot's tables as a data package: the schema's fields the snapshot has, and the foreign keys
    between its own tables."""
    snapshot = []
    for res in resources:
        header = set(tables[f"{folder}/{res['path']}"][0][1]) if tables[f"{folder}/{res['path']}"] else set()
        schema = dict(res["schema"], fields=[f for f in res["schema"]["fields"] if f["name"] in header])
        schema["foreignKeys"] = [k for k in schema.get("foreignKeys", []) if k["reference"]["resource"] in TABLES]
        snapshot.append(dict(res, schema=schema))
    return frictionless.Package({"resources": snapshot}, basepath=str(root / folder))


def release_file_problems(root: Path, folder: str, version: str, today: date) -> list[Problem]:
    """release.json: the version of its folder, the date it was released, and perhaps a note."""
    file = f"{folder}/{RELEASE_FILE}"
    record = read_json(root, file, "the release's version and date (release.json)", MAX_RELEASE_FILE)
    if isinstance(record, Problem):
        return [record]
    if not isinstance(record, dict):
        return [Problem(file, None, None, "an object with a version and a date", type(record).__name__)]
    problems = [
        Problem(file, None, key, f"only the keys {', '.join(sorted(RELEASE_KEYS))}", repr(key))
        for key in record
        if key not in RELEASE_KEYS
    ]
    for key in sorted(RELEASE_KEYS & set(record)):
        if not isinstance(record[key], str):
            problems.append(Problem(file, None, key, "text in quotes", type(record[key]).__name__))
        elif broken := text_problem(record[key]):
            problems.append(Problem(file, None, key, *broken))
    if record.get("version") != version:
        problems.append(
            Problem(file, None, "version", f"{version!r}, the name of its folder", repr(record.get("version")))
        )
    released = record.get("date")
    if not (isinstance(released, str) and is_date(released) and date.fromisoformat(released) <= today):
        problems.append(
            Problem(file, None, "date", f"a date written YYYY-MM-DD, not after today ({today})", repr(released))
        )
    return problems


def _identical(root: Path, original: str, copy: str) -> bool:
    readable = file_problem(root, original, "") is None and file_problem(root, copy, "") is None
    return readable and filecmp.cmp(root / original, root / copy, shallow=False)
