"""This repository's pull requests as GitHub's API lists them: the one a workflow run was for, the open ones,
and the one comment the workflows keep on a pull request.

preview.yml acts, with a token that can comment and publish, after ci.yml has run for a pull request. A
fork's pull request runs its own copy of ci.yml, so it writes that run's artifacts as it likes: nothing in
them names the pull request. The pull request is the one GitHub lists as having the run's head commit, from
the run's head repository, both taken from the workflow_run event.

Why `pulls?head=<owner>:<branch>&state=all`: the event's `pull_requests` list is empty when the pull request
comes from a fork, and `commits/{sha}/pulls` does not list a fork's pull requests reliably. The pulls list,
filtered by the head repository's owner and branch, includes forks' pull requests (closed ones too, so
that a closed pull request's preview is removed), and each entry carries its head commit and head
repository, which must both be the run's: a branch of the same name in another fork, or the same commit
pushed to another repository, names a different pull request.

Standard library only: the workflows run it with the runner's Python, without installing the project.
Usage (the repository in GITHUB_REPOSITORY, as on GitHub's runners):
    python -m mrcreview.pull_requests identify   # HEAD_SHA, HEAD_OWNER, HEAD_BRANCH, HEAD_REPOSITORY_ID, REPOSITORY_ID
    python -m mrcreview.pull_requests open       # the open pull requests' numbers, one a line
    python -m mrcreview.pull_requests comment BODY_FILE   # PR: the number; posts or updates the comment
"""

import json
import os
import re
import subprocess
import sys

PAGE = 100  # entries per answer, GitHub's maximum
MAX_PAGES = 10  # a longer list is refused rather than read in part (a part would drop open previews)
MARKER = "<!-- evidence-preview -->"  # the first line of the comment the workflows keep up to date
BOT = "github-actions[bot]"

SHA = re.compile(r"[0-9a-f]{40}")
NUMBER = re.compile(r"[1-9][0-9]{0,9}")
LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}")
REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
BRANCH = re.compile(r"[^\x00-\x20\x7f~^:?*\[\\]{1,255}")  # what git allows in a branch name, in short


class Refused(Exception):
    """A run, an argument or an answer acted on by no one: the message says which and why."""


def gh(method: str, endpoint: str, *args: str, stdin: str | None = None):
    """`gh api` (which holds the token), its answer as JSON."""
    command = ["gh", "api", "--method", method, endpoint, *args]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if result.returncode:
        raise Refused(f"{method} {endpoint}: {result.stderr.strip()[:200]}")
    try:
        return json.loads(result.stdout or "null")
    except json.JSONDecodeError as err:
        raise Refused(f"{method} {endpoint}: the answer is not JSON ({err.msg})") from None


def listed(endpoint: str, **query: str) -> list[dict]:
    """Every entry of a paginated list, page by page (pages are asked for one at a time: gh's --paginate
    prints one JSON array per page, not one list)."""
    entries: list[dict] = []
    for page in range(1, MAX_PAGES + 1):
        fields = [f"{key}={value}" for key, value in {**query, "per_page": PAGE, "page": page}.items()]
        answer = gh("GET", endpoint, *(arg for field in fields for arg in ("-f", field)))
        if not isinstance(answer, list) or not all(isinstance(entry, dict) for entry in answer):
            raise Refused(f"GET {endpoint}: expected a list of objects; found {type(answer).__name__}")
        entries += answer
        if len(answer) < PAGE:
            return entries
    raise Refused(f"GET {endpoint}: more than {PAGE * MAX_PAGES} entries; none is acted on")


def at(entry, *path):
    """entry[path[0]][path[1]]..., or None where an answer lacks a level."""
    for key in path:
        entry = entry.get(key) if isinstance(entry, dict) else None
    return entry


def number_and_state(pull: dict) -> tuple[int, str]:
    number, state = pull.get("number"), pull.get("state")
    if type(number) is not int or number < 1 or state not in ("open", "closed"):
        raise Refused(f"a pull request without a number and a state open or closed: {number!r}, {state!r}")
    return number, state


def _checked(name: str, value: str, pattern: re.Pattern) -> str:
    if not pattern.fullmatch(value or ""):
        raise Refused(f"{name}: expected {pattern.pattern}; found {value[:80]!r}")
    return value


def identify(repository: str, head_sha: str, head_owner: str, head_branch: str, head_repository_id: str):
    """(number, "open" or "closed") of the pull request of `repository` whose head is commit head_sha in the
    repository with id head_repository_id; None when there is none. Refused when two open ones match
    (one branch proposed to two base branches): neither gets a preview rather than the wrong one."""
    _checked("GITHUB_REPOSITORY", repository, REPOSITORY)
    _checked("the run's head commit", head_sha, SHA)
    _checked("the run's head repository owner", head_owner, LOGIN)
    _checked("the run's head branch", head_branch, BRANCH)
    _checked("the run's head repository id", head_repository_id, NUMBER)
    pulls = listed(f"repos/{repository}/pulls", state="all", head=f"{head_owner}:{head_branch}")
    matching = [
        number_and_state(pull)
        for pull in pulls
        if at(pull, "head", "sha") == head_sha
        and type(at(pull, "head", "repo", "id")) is int
        and str(at(pull, "head", "repo", "id")) == head_repository_id
        and at(pull, "base", "repo", "full_name") == repository
    ]
    open_ones = [match for match in matching if match[1] == "open"]
    if len(open_ones) > 1:
        raise Refused(f"open pull requests {sorted(n for n, _ in open_ones)} all have this run's head commit")
    return open_ones[0] if open_ones else max(matching, default=None)


def from_fork(repository_id: str, head_repository_id: str) -> bool:
    """Whether the run's head repository is another than this one (both ids from the workflow_run event).
    A fork's run ran the fork's code, so what it built is not published at the site's address."""
    _checked("the repository id", repository_id, NUMBER)
    return _checked("the run's head repository id", head_repository_id, NUMBER) != repository_id


def open_numbers(repository: str) -> list[int]:
    _checked("GITHUB_REPOSITORY", repository, REPOSITORY)
    pulls = listed(f"repos/{repository}/pulls", state="open")
    return sorted(number for number, state in map(number_and_state, pulls) if state == "open")


def keep_comment(repository: str, pr: str, body: str) -> None:
    """The workflows' one comment on pull request pr: updated if there is one, else posted."""
    _checked("GITHUB_REPOSITORY", repository, REPOSITORY)
    _checked("PR", pr, NUMBER)
    comments = listed(f"repos/{repository}/issues/{pr}/comments")
    ours = [
        c["id"]
        for c in comments
        if at(c, "user", "login") == BOT and str(c.get("body", "")).startswith(MARKER) and type(c.get("id")) is int
    ]
    payload = json.dumps({"body": body})
    if ours:
        gh("PATCH", f"repos/{repository}/issues/comments/{ours[0]}", "--input", "-", stdin=payload)
    else:
        gh("POST", f"repos/{repository}/issues/{pr}/comments", "--input", "-", stdin=payload)


def main(argv: list[str]) -> int:
    env = os.environ.get
    try:
        if argv == ["identify"]:
            found = identify(
                env("GITHUB_REPOSITORY", ""),
                env("HEAD_SHA", ""),
                env("HEAD_OWNER", ""),
                env("HEAD_BRANCH", ""),
                env("HEAD_REPOSITORY_ID", ""),
            )
            if found is None:
                print("pull_requests: no pull request has this run's head commit and repository", file=sys.stderr)
            else:
                fork = from_fork(env("REPOSITORY_ID", ""), env("HEAD_REPOSITORY_ID", ""))
                print(f"pr={found[0]}\nstate={found[1]}\nfrom_fork={str(fork).lower()}")
        elif argv == ["open"]:
            print("".join(f"{number}\n" for number in open_numbers(env("GITHUB_REPOSITORY", ""))), end="")
        elif len(argv) == 2 and argv[0] == "comment":
            with open(argv[1], encoding="utf-8") as file:
                keep_comment(env("GITHUB_REPOSITORY", ""), env("PR", ""), file.read())
        else:
            print(__doc__.split("Usage", 1)[1], file=sys.stderr)
            return 2
    except Refused as refused:
        print(f"pull_requests: {refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
