"""Opening the files the check reads: each one is a stranger's, from a pull request.

A pull request can turn a data file into a link to another file of the machine that checks it
(/proc/self/environ holds the CI's secrets; .git/config its token), into a folder, or into a file
too big to read in reasonable time. Before a byte is read, the file's real path must lie inside the
project and outside its hidden folders, be a regular file and hold at most a stated number of bytes.
A message names the file as the project names it: never where a link points, nor what is there.
"""

import json
import os
import stat
from pathlib import Path

from mrcreview.problems import Problem

# Bytes in one file: 13 times the 50-fold synthetic data bench/scale.py checks; a file this size is
# checked in a few seconds, where 100 MB took a minute and 1.5 GB of memory.
MAX_BYTES = 10 * 2**20


def place_problem(root: Path, name: str, hidden: frozenset[str] = frozenset()) -> Problem | None:
    """Why the project's file or folder `name` may not be read, if it may not: its real path is outside
    the project or in a hidden folder (.git) other than those named in `hidden`. A missing file is the
    caller's to report."""
    top = os.path.realpath(root)
    real = os.path.realpath(root / name)
    if os.path.commonpath([top, real]) != top:
        return Problem(name, None, None, "a file inside the project", "a link or path leading out of it")
    if any(part.startswith(".") and part not in hidden for part in Path(os.path.relpath(real, top)).parts):
        return Problem(name, None, None, "a file outside the hidden folders (.git)", "a link or path into one")
    return None


def file_problem(
    root: Path, name: str, missing: str, limit: int = MAX_BYTES, hidden: frozenset[str] = frozenset()
) -> Problem | None:
    """The one problem that keeps the project's file `name` (a path relative to root) from being read, if
    any. `missing` says what was expected when there is no such file."""
    if problem := place_problem(root, name, hidden):
        return problem
    try:
        status = os.stat(root / name)
    except FileNotFoundError:
        return Problem(name, None, None, missing, "no such file")
    if not stat.S_ISREG(status.st_mode):
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "a special file"
        return Problem(name, None, None, "a regular file", kind)
    if status.st_size > limit:
        return Problem(name, None, None, f"a file of at most {_size(limit)}", f"{status.st_size:,} bytes")
    return None


def read_input(
    root: Path, name: str, missing: str, limit: int = MAX_BYTES, hidden: frozenset[str] = frozenset()
) -> bytes | Problem:
    """The bytes of the project's file `name`, or the one problem that keeps them from being read."""
    if problem := file_problem(root, name, missing, limit, hidden):
        return problem
    try:
        with open(root / name, "rb") as file:
            data = file.read(limit + 1)  # a file that grew since: never more than the limit in memory
    except OSError as err:
        return Problem(name, None, None, "a file the check can read", err.strerror or type(err).__name__)
    if len(data) > limit:
        return Problem(name, None, None, f"a file of at most {_size(limit)}", f"more than {limit:,} bytes")
    return data


MAX_DEPTH = 32  # levels of nesting in a JSON file: the descriptor has 7; a walk of 1000 overflows the stack


def read_json(root: Path, name: str, missing: str, limit: int) -> object | Problem:
    """The project's JSON file `name`, parsed, or the one problem that keeps it from being read."""
    raw = read_input(root, name, missing, limit)
    if isinstance(raw, Problem):
        return raw
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Problem(name, None, None, "a UTF-8 JSON file", "bytes that are not UTF-8")
    except json.JSONDecodeError as err:
        return Problem(name, err.lineno, None, "valid JSON", err.msg)
    except RecursionError:
        return Problem(name, None, None, f"JSON nested at most {MAX_DEPTH} levels deep", "deeper nesting")
    level, nodes = 0, [value]
    while nodes:  # level by level, not recursively: no depth can overflow the stack
        level += 1
        if level > MAX_DEPTH:
            return Problem(name, None, None, f"JSON nested at most {MAX_DEPTH} levels deep", "deeper nesting")
        nodes = [
            child
            for node in nodes
            if isinstance(node, (dict, list))
            for child in (node.values() if isinstance(node, dict) else node)
        ]
    return value


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 2**10} KB"
