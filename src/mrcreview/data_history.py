"""When the data were last edited: the date of the last commit that changed data/ or refs.bib, as git
records it in the clone the book is built from.

Git's answer is shown as fact only when it is one. The build must run at the top of a git clone with
its whole history (in a shallow clone, the oldest commit fetched would pass for the last edit), the data
in the working tree must be those committed, and the commit's date must be a date, not in the future.
Otherwise the answer says why no date is given; nothing fails, whatever git does or says.
"""

import os
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

EDITED = ("data", "refs.bib")
# git's strict ISO 8601 (%cI): the committer's local time and its offset from UTC
STRICT_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}")
OUTSIDE = "not known (built outside a git clone)"
CHANGED = "changed since the last commit"
UNREADABLE = "not known (git could not read the history)"
TIMEOUT = 30  # seconds: each command reads a few hundred commits at most, in milliseconds


class _GitFailed(Exception):
    pass


def _git(root: Path, *args: str) -> str:
    # A variable such as GIT_DIR (set for a hook) would point git at another repository than the project's,
    # and a configuration can name a command git runs (core.fsmonitor, for `status`): only the repository's
    # own configuration is read, with that command turned off.
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    try:
        result = subprocess.run(
            ["git", "--no-optional-locks", "-c", "core.fsmonitor=false", *args],  # reads only: no index lock
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise _GitFailed(type(err).__name__) from err
    if result.returncode != 0:
        raise _GitFailed(result.stderr)
    return result.stdout


def last_data_edit(root: Path) -> date | str:
    """The date of the last commit that changed the data, or, in words, why it is not known (or that the
    data have changed since)."""
    try:
        shallow, top = _git(root, "rev-parse", "--is-shallow-repository", "--show-toplevel").splitlines()
    except _GitFailed as err:
        return OUTSIDE if "not a git repository" in str(err) else UNREADABLE
    except ValueError:  # not the two lines asked for
        return UNREADABLE
    if os.path.realpath(top) != os.path.realpath(root):  # the project is a folder of another repository
        return OUTSIDE
    if shallow != "false":
        return "not known (built from a clone without its full history)"
    try:
        if _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *EDITED):
            return CHANGED
        # the first parent only: a merged branch's data changed this history when it was merged
        when = _git(root, "log", "-1", "--first-parent", "--format=%cI", "--", *EDITED).strip()
    except _GitFailed:
        return UNREADABLE
    if not when:
        return "not known (no commit has changed the data yet)"
    if not STRICT_ISO.fullmatch(when):
        return "not known (git's date of the last change is not a date)"
    try:
        instant = datetime.fromisoformat(when)
    except ValueError:
        return "not known (git's date of the last change is not a date)"
    if instant > datetime.now(UTC):
        return "not known (git's date of the last change is in the future)"
    return instant.date()  # the day as the committer's clock showed it
