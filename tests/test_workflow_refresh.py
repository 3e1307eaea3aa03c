"""refresh.yml never erases a reviewer's work: its own steps, run in a clone of a local remote (git's
url.insteadOf sends the workflow's github.com address there) with `make refresh` played by an edit of the
data, build on the refresh branch as reviewers left it and never force a push."""

import subprocess

from workflow_steps import TOKEN, Runner, git_sent_to, step

IDENTITY = ["-c", "user.name=Reviewer", "-c", "user.email=reviewer@example.org"]
SCREENING = "data/screening.csv"
CONTEXT = {"github": {"token": TOKEN}}


def git(*args, cwd=None, check=True) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True).stdout


class Repository:
    """A remote whose main has two commits; optionally a refresh branch from the first, with a refresh
    commit and a reviewer's screening decisions on top."""

    def __init__(self, tmp_path, refresh_branch: bool = True, main_screening: str | None = None):
        self.tmp, self.remote = tmp_path, tmp_path / "remote.git"
        git("init", "-q", "--bare", "-b", "main", str(self.remote))
        seed = tmp_path / "seed"
        git("clone", "-q", str(self.remote), str(seed))
        self.commit(seed, {SCREENING: "record,decision\n", "README": "v1\n"}, "first", "main")
        if refresh_branch:
            git("checkout", "-q", "-b", "refresh/weekly", cwd=seed)
            self.commit(seed, {SCREENING: "record,decision\nr1,\n"}, "Refresh: one record", "refresh/weekly")
            self.decision = self.commit(
                seed, {SCREENING: "record,decision\nr1,include\n"}, "Screen r1", "refresh/weekly"
            )
            git("checkout", "-q", "main", cwd=seed)
        changes = {"README": "v2\n"} | ({SCREENING: main_screening} if main_screening else {})
        self.main = self.commit(seed, changes, "second", "main")
        self.runner = Runner(tmp_path / "workspace")
        self.runner.workspace.rmdir()
        git("clone", "-q", str(self.remote), str(self.runner.workspace))  # actions/checkout, fetch-depth 0
        self.runner.extra_env = git_sent_to(self.remote, tmp_path)

    def commit(self, clone, contents: dict[str, str], message: str, branch: str) -> str:
        for name, text in contents.items():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            (clone / name).write_text(text)
        git("add", "-A", cwd=clone)
        git(*IDENTITY, "commit", "-q", "-m", message, cwd=clone)
        git("push", "-q", "origin", branch, cwd=clone)
        return git("rev-parse", "HEAD", cwd=clone).strip()

    def start(self) -> subprocess.CompletedProcess:
        return self.runner.run(step("refresh.yml", "refresh", "Start from the refresh branch"), CONTEXT)

    def refresh_finds(self, record: str | None) -> None:
        """What `make refresh | tee summary.txt` leaves: a record added to screen, and its summary."""
        screening = self.runner.workspace / SCREENING
        if record:
            screening.write_text(screening.read_text() + f"{record},\n")
        (self.runner.workspace / "summary.txt").write_text(f"refresh: {int(bool(record))} record(s) added\n")

    def open_or_update(self, state: str | None = "OPEN") -> subprocess.CompletedProcess:
        self.runner.answer({"pr view refresh/weekly": {"state": state}} if state else {})
        return self.runner.run(step("refresh.yml", "refresh", "Open or update the pull request"), CONTEXT)

    def branch(self) -> str:
        return git("--git-dir", str(self.remote), "rev-parse", "refresh/weekly", check=False).strip()

    def contains(self, commit: str) -> bool:
        args = ["--git-dir", str(self.remote), "merge-base", "--is-ancestor", commit, "refresh/weekly"]
        return subprocess.run(["git", *args]).returncode == 0

    def screening(self) -> str:
        return git("--git-dir", str(self.remote), "show", f"refresh/weekly:{SCREENING}")


def test_the_refresh_builds_on_the_reviewers_decisions(tmp_path):
    repository = Repository(tmp_path)
    assert repository.start().returncode == 0
    repository.refresh_finds("r2")
    result = repository.open_or_update()
    assert result.returncode == 0, result.stderr
    # the decision is kept, main is merged in, and the new record comes on top
    assert repository.contains(repository.decision) and repository.contains(repository.main)
    assert repository.screening() == "record,decision\nr1,include\nr2,\n"
    subject = git("--git-dir", str(repository.remote), "log", "-1", "--format=%s", "refresh/weekly")
    assert subject.strip() == "Refresh: registry statuses and the literature search"
    [edit] = repository.runner.calls()[1:]
    assert edit["args"][:3] == ["pr", "edit", "refresh/weekly"] and "refresh: 1 record(s) added" in edit["body"]


def test_without_a_refresh_branch_one_is_made_from_main_and_proposed(tmp_path):
    repository = Repository(tmp_path, refresh_branch=False)
    assert repository.start().returncode == 0
    repository.refresh_finds("r1")
    result = repository.open_or_update(state=None)
    assert result.returncode == 0, result.stderr
    assert repository.contains(repository.main) and repository.screening() == "record,decision\nr1,\n"
    assert repository.runner.calls()[-1]["args"][:2] == ["pr", "create"]


def test_a_branch_that_moved_since_the_start_refuses_the_push_and_keeps_its_commit(tmp_path):
    repository = Repository(tmp_path)
    assert repository.start().returncode == 0
    reviewer = tmp_path / "reviewer"
    git("clone", "-q", "-b", "refresh/weekly", str(repository.remote), str(reviewer))
    late = repository.commit(reviewer, {"notes.txt": "a late decision\n"}, "Screen later", "refresh/weekly")
    repository.refresh_finds("r2")
    result = repository.open_or_update()
    assert result.returncode != 0
    assert repository.branch() == late
    assert repository.runner.calls() == []  # nor is the pull request touched


def test_a_main_that_conflicts_with_the_branch_stops_the_refresh_before_anything_is_pushed(tmp_path):
    repository = Repository(tmp_path, main_screening="record,decision\nr1,exclude\n")
    before = repository.branch()
    result = repository.start()
    assert result.returncode != 0
    assert "main does not merge cleanly into refresh/weekly" in result.stdout
    assert repository.branch() == before


def test_when_nothing_changed_nothing_is_pushed(tmp_path):
    repository = Repository(tmp_path)
    before = repository.branch()
    assert repository.start().returncode == 0
    repository.refresh_finds(None)
    result = repository.open_or_update()
    assert result.returncode == 0 and "Nothing changed." in result.stdout
    assert repository.branch() == before and repository.runner.calls() == []
