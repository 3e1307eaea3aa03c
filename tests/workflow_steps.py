"""Run a workflow's own `run:` step in a test, as GitHub's runner does: its shell text and env read from the
YAML, the `${{ }}` expressions of its env resolved from a given context, `gh` answered by the fake in
tests/fixtures/github from recorded JSON. The step is never copied into the test: when it changes, the test
runs the new one, and an expression the test does not know fails it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import yaml

from helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
GITHUB = ROOT / "tests" / "fixtures" / "github"
EXPRESSION = re.compile(r"\$\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
REPOSITORY = "review-org/mrcreview"
TOKEN = "token-for-the-test"
URL = f"https://x-access-token:{TOKEN}@github.com/{REPOSITORY}.git"  # the workflows' address of the repository


def git_sent_to(remote: Path, home: Path) -> dict:
    """The environment in which git sends the workflows' github.com address to the local remote instead
    (url.insteadOf), with no system or user configuration."""
    return {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{remote}.insteadOf",
        "GIT_CONFIG_VALUE_0": URL,
    }


def read_workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def step(workflow_name: str, job: str, name: str) -> dict:
    """The step of a job whose name (or id) starts with name."""
    steps = read_workflow(workflow_name)["jobs"][job]["steps"]
    found = [s for s in steps if str(s.get("name", s.get("id", ""))).startswith(name)]
    assert len(found) == 1, f"{workflow_name}: job {job} has {len(found)} steps named {name!r}"
    return found[0]


def resolve(value, context: dict) -> str:
    """A value of a step's env with each ${{ a.b.c }} looked up in context; any other expression fails."""

    def lookup(match: re.Match) -> str:
        found = context
        for key in match.group(1).split("."):
            assert isinstance(found, dict) and key in found, f"the test does not know ${{{{ {match.group(1)} }}}}"
            found = found[key]
        return str(found)

    text = EXPRESSION.sub(lookup, str(value))
    assert "${{" not in text, f"an expression the test cannot resolve: {value!r}"
    return text


def event_context(**workflow_run) -> dict:
    """The `github` context of preview.yml for the recorded workflow_run event, with fields replaced."""
    event = json.loads((GITHUB / "workflow-run.json").read_text(encoding="utf-8"))
    event["workflow_run"].update(workflow_run)
    return {
        "github": {
            "event": event,
            "token": "token-for-the-test",
            "repository": event["repository"]["full_name"],
            "repository_owner": event["repository"]["owner"]["login"],
        }
    }


def pull_request(**changes) -> dict:
    """The recorded pull request (GitHub's list answer has this shape), with fields replaced: head_sha,
    head_repo_id and base_repo name nested fields, anything else a top-level field."""
    pull = json.loads((GITHUB / "pull-request.json").read_text(encoding="utf-8"))
    if "head_sha" in changes:
        pull["head"]["sha"] = changes.pop("head_sha")
    if "head_repo_id" in changes:
        repo_id = changes.pop("head_repo_id")
        pull["head"]["repo"] = None if repo_id is None else {**pull["head"]["repo"], "id": repo_id}
    if "base_repo" in changes:
        pull["base"]["repo"]["full_name"] = changes.pop("base_repo")
    return {**pull, **changes}


def api_key(endpoint: str, **query) -> str:
    """How the fake gh looks up a GET: the endpoint and its query, keys sorted."""
    return f"GET {endpoint}" + (f"?{urlencode(sorted((k, str(v)) for k, v in query.items()))}" if query else "")


class Runner:
    """Runs steps in one folder (the runner's workspace), with the fake gh and its recorded answers."""

    def __init__(self, workspace: Path, answers: dict | None = None, repository: str = "review-org/mrcreview"):
        self.workspace, self.repository = workspace, repository
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.answers = workspace.parent / f"{workspace.name}-answers.json"
        self.calls_file = workspace.parent / f"{workspace.name}-calls.jsonl"
        self.output = workspace.parent / f"{workspace.name}-output"
        self.answer(answers or {})
        self.extra_env: dict[str, str] = {}

    def check_out_scripts(self) -> None:
        """What actions/checkout gives the jobs that only run the scripts: the default branch's src/."""
        (self.workspace / "src").symlink_to(ROOT / "src", target_is_directory=True)

    def answer(self, answers: dict) -> None:
        self.answers.write_text(json.dumps(answers), encoding="utf-8")

    def run(self, step: dict, context: dict, **env: str) -> subprocess.CompletedProcess:
        """The step's run text with bash as GitHub runs it (bash --noprofile --norc -eo pipefail)."""
        assert step.get("shell") == "bash", "every run step says shell: bash"
        script = step["run"]
        assert "${{" not in script, "a run text has no expression: values come in through env"
        self.output.write_text("")
        environment = {
            "PATH": os.pathsep.join([str(GITHUB), str(Path(sys.executable).parent), os.environ["PATH"]]),
            "HOME": os.environ.get("HOME", str(self.workspace)),
            "LANG": "C.UTF-8",
            "GITHUB_REPOSITORY": self.repository,
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_WORKSPACE": str(self.workspace),
            "FAKE_GH_ANSWERS": str(self.answers),
            "FAKE_GH_CALLS": str(self.calls_file),
            **{key: resolve(value, context) for key, value in step.get("env", {}).items()},
            **self.extra_env,
            **env,
        }
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.workspace,
            env=environment,
            capture_output=True,
            text=True,
        )

    def outputs(self) -> dict[str, str]:
        """What the last step wrote to GITHUB_OUTPUT."""
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines if line)

    def calls(self) -> list[dict]:
        if not self.calls_file.exists():
            return []
        return [json.loads(line) for line in self.calls_file.read_text(encoding="utf-8").splitlines()]
