"""A gh-pages branch in a local remote, and pages.yml's own steps run against it: git's url.insteadOf sends the
workflow's github.com address to the remote, recorded answers of GitHub's API say which pull requests are open,
and the remote's main branch and tags are a maintainer's commits and releases."""

import shutil
import subprocess

from workflow_steps import REPOSITORY, TOKEN, Runner, api_key, git_sent_to, pull_request, step

IDENTITY = ["-c", "user.name=Someone", "-c", "user.email=someone@example.org"]


def git(*args, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def files(folder) -> dict[str, str]:
    found = (p for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts)
    return {str(p.relative_to(folder)): p.read_text() for p in found}


def write(folder, contents: dict[str, str]) -> None:
    for name, text in contents.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


class Pages:
    """A remote with a gh-pages branch, and a runner whose workspace has the default branch's scripts and the
    downloaded site; the remote's main branch and tags are made by commit() and checked out by check_out()."""

    def __init__(self, tmp_path, published: dict[str, str] | None, open_prs=(5, 7)):
        self.tmp, self.remote = tmp_path, tmp_path / "remote.git"
        git("init", "-q", "--bare", str(self.remote))
        self.source = tmp_path / "source"  # a maintainer's clone: commits and tags pushed to the remote
        git("init", "-q", "-b", "main", str(self.source))
        if published is not None:
            seed = tmp_path / "seed"
            git("init", "-q", "-b", "gh-pages", str(seed))
            write(seed, published)
            git("add", "-A", cwd=seed)
            git(*IDENTITY, "commit", "-q", "-m", "published", cwd=seed)
            git("push", "-q", str(self.remote), "gh-pages", cwd=seed)
        self.runner = Runner(tmp_path / "workspace")
        self.runner.check_out_scripts()
        self.runner.extra_env = git_sent_to(self.remote, tmp_path)
        self.answer_open(open_prs)

    def answer_open(self, numbers) -> None:
        key = api_key(f"repos/{REPOSITORY}/pulls", state="open", per_page=100, page=1)
        self.runner.answer({key: [pull_request(number=n) for n in numbers]})

    def site(self, contents: dict[str, str]) -> None:
        write(self.runner.workspace / "site", contents)

    def commit(self, contents: dict[str, str], tag: str | None = None, tagged: str = "HEAD") -> str:
        """A commit of main with contents, pushed; tag (annotated, as make release makes it) names commit tagged."""
        write(self.source, contents)
        git("add", "-A", cwd=self.source)
        git(*IDENTITY, "commit", "-q", "--allow-empty", "-m", "an edit", cwd=self.source)
        if tag:
            git(*IDENTITY, "tag", "-a", tag, "-m", f"Release {tag}", tagged, cwd=self.source)
        git("push", "-q", "--follow-tags", str(self.remote), "main", cwd=self.source)
        return git("rev-parse", "HEAD", cwd=self.source).strip()

    def check_out(self) -> None:
        """What actions/checkout gives the record job: main's last commit, one commit deep, and nothing else."""
        workspace = self.runner.workspace
        shutil.rmtree(workspace)
        git("clone", "-q", "--depth=1", "-b", "main", f"file://{self.remote}", str(workspace))
        self.runner.check_out_scripts()

    def release(self, action: str, tag: str = "", **env) -> subprocess.CompletedProcess:
        """The step that says which release's site this publish keeps."""
        context = {"inputs": {"action": action, "tag": tag}, "github": {"token": TOKEN}}
        return self.runner.run(step("pages.yml", "record", "The release whose site"), context, **env)

    def record(self, action: str, pr: str = "", tag: str = "", **env) -> subprocess.CompletedProcess:
        """The release step where the workflow runs it (publish-site, publish-release), then the record step
        with what the release step gave; a failed release step ends the job, as on GitHub."""
        version = ""
        if action in RELEASE_ACTIONS:
            found = self.release(action, tag, **env)
            if found.returncode != 0:
                return found
            version = self.runner.outputs().get("version", "")
        context = {
            "inputs": {"action": action, "pr": pr, "run-id": "123", "tag": tag},
            "github": {"token": TOKEN},
            "steps": {"release": {"outputs": {"version": version}}},
        }
        self.runner.output.write_text("")
        return self.runner.run(step("pages.yml", "record", "Record the change"), context, **env)

    def published(self) -> dict[str, str]:
        checkout = self.tmp / f"checkout-{len(list(self.tmp.glob('checkout-*')))}"
        git("clone", "-q", "-b", "gh-pages", str(self.remote), str(checkout))
        return files(checkout)

    def head(self) -> str:
        return git("--git-dir", str(self.remote), "rev-parse", "gh-pages").strip()


RELEASE_ACTIONS = ("publish-site", "publish-release")
PUBLISHED = {
    "index.html": "main v1",
    ".nojekyll": "",
    "pr-preview/pr-5/index.html": "five",
    "pr-preview/pr-9/index.html": "nine, closed since",
}
