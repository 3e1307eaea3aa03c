"""The CI workflows are valid GitHub workflows and pass zizmor's security audit, offline; preview.yml's own
steps, run against recorded answers of GitHub's API (tests/fixtures/github), act on the pull request GitHub
names and on no other, whatever the pull request's run left in its artifacts."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from workflow_steps import Runner, api_key, event_context, pull_request, read_workflow, step

from helpers import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_workflows_match_the_github_workflow_schema():
    assert WORKFLOWS
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_zizmor():
    result = subprocess.run(
        [BIN / "zizmor", "--offline", "--config", ROOT / ".github" / "zizmor.yml", ROOT / ".github"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit():
    for workflow in [*WORKFLOWS, ROOT / ".github" / "actions" / "setup" / "action.yml"]:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            uses = line.strip().removeprefix("- ").removeprefix("uses:").strip() if "uses:" in line else ""
            if uses and not uses.startswith("./"):
                ref = uses.split("@", 1)[1].split()[0]
                assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), (workflow.name, uses)


# preview.yml: which pull request a run is for comes from the event and GitHub's API, never from artifacts.

REPOSITORY = "review-org/mrcreview"
PULLS = f"repos/{REPOSITORY}/pulls"
HEAD = {"head": "contributor:new-trial", "state": "all"}
SHA = "1f6a0c2b3d4e5f60718293a4b5c6d7e8f9012345"


def identify(tmp_path, pulls, pages=None, **workflow_run):
    """The identify step of preview.yml, for the recorded event (with fields replaced) and GitHub's answer."""
    runner = Runner(tmp_path / "workspace")
    runner.check_out_scripts()
    answers = pages or {api_key(PULLS, **HEAD, per_page=100, page=1): pulls}
    runner.answer(answers)
    result = runner.run(step("preview.yml", "identify", "The pull request"), event_context(**workflow_run))
    assert "Traceback" not in result.stderr, result.stderr
    return result, runner.outputs(), runner


def test_the_pull_request_is_the_one_github_lists_with_the_runs_head_commit_and_repository(tmp_path):
    result, outputs, runner = identify(tmp_path, [pull_request()])
    assert result.returncode == 0, result.stderr
    assert outputs == {"pr": "7", "state": "open", "from_fork": "true"}
    # asked of the pulls list filtered by the head repository's owner and branch, closed ones included
    assert [(c["method"], c["endpoint"], c["query"]["head"], c["query"]["state"]) for c in runner.calls()] == [
        ("GET", PULLS, "contributor:new-trial", "all")
    ]


def test_a_pull_request_found_on_a_later_page_is_found(tmp_path):
    others = [pull_request(number=n, head_sha="0" * 40) for n in range(100, 200)]
    pages = {
        api_key(PULLS, **HEAD, per_page=100, page=1): others,
        api_key(PULLS, **HEAD, per_page=100, page=2): [pull_request(number=250)],
    }
    assert identify(tmp_path, None, pages)[1] == {"pr": "250", "state": "open", "from_fork": "true"}


def test_closed_comes_from_github_not_from_the_run(tmp_path):
    assert identify(tmp_path, [pull_request(state="closed")])[1] == {"pr": "7", "state": "closed", "from_fork": "true"}


@pytest.mark.parametrize(
    "pulls, workflow_run",
    [
        # the pull request moved on: this run's commit is no longer its head (an old run finishing late)
        ([pull_request(head_sha="2" * 40)], {}),
        # the same commit pushed to another fork, whose branch has the same name: not the run's repository
        ([pull_request()], {"head_repository": {"id": 6666, "owner": {"login": "contributor"}}}),
        # GitHub lists the pull request but its fork is gone
        ([pull_request(head_repo_id=None)], {}),
        # the head repository's id given as text is still not the run's
        ([pull_request(head_repo_id="9001")], {}),
        # a pull request to another repository (GitHub never answers so; refused all the same)
        ([pull_request(base_repo="someone/else")], {}),
        # no pull request at all from that branch
        ([], {}),
    ],
)
def test_a_run_that_matches_no_pull_request_does_nothing(tmp_path, pulls, workflow_run):
    result, outputs, _ = identify(tmp_path, pulls, **workflow_run)
    assert result.returncode == 0, result.stderr
    assert outputs == {}
    assert "no pull request has this run's head commit and repository" in result.stderr


@pytest.mark.parametrize(
    "answer, message",
    [
        ("<html>rate limited</html>", "the answer is not JSON"),
        ({"message": "Not a list"}, "expected a list of objects"),
        ([pull_request(number="7")], "without a number and a state"),
        ([pull_request(state="merged")], "without a number and a state"),
        ([pull_request(), pull_request(number=8)], "open pull requests [7, 8] all have this run's head commit"),
    ],
)
def test_an_answer_that_cannot_be_trusted_identifies_nothing(tmp_path, answer, message):
    result, outputs, _ = identify(tmp_path, answer)
    assert result.returncode == 1 and outputs == {}
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize(
    "workflow_run, message",
    [
        ({"head_sha": "not-a-commit"}, "the run's head commit"),
        ({"head_branch": "a b"}, "the run's head branch"),
        ({"head_repository": {"id": "9001 OR 1", "owner": {"login": "contributor"}}}, "head repository id"),
        ({"head_repository": {"id": 9001, "owner": {"login": "../../orgs"}}}, "head repository owner"),
    ],
)
def test_an_event_with_values_github_never_sends_is_refused_before_any_question(tmp_path, workflow_run, message):
    result, outputs, runner = identify(tmp_path, [pull_request()], **workflow_run)
    assert result.returncode == 1 and outputs == {} and runner.calls() == []
    assert message in result.stderr


def test_a_branch_name_is_sent_as_data_never_run_or_spliced_into_the_query(tmp_path):
    branch = "x$(touch${IFS}pwned)`touch${IFS}pwned2`&state=open&head=victim"
    result, outputs, runner = identify(tmp_path, [], head_branch=branch)
    assert result.returncode == 1  # the recorded answer is for the real branch: the fake answers 404
    assert not list(runner.workspace.glob("pwned*"))
    [call] = runner.calls()
    assert call["query"]["head"] == f"contributor:{branch}" and call["query"]["state"] == "all"


def test_a_forged_artifact_cannot_choose_the_pull_request_nor_close_one(tmp_path):
    """A fork's own ci.yml writes pr-info naming pull request 3 as closed: the comment still goes to the
    pull request GitHub names (7), which stays open, and nothing is removed."""
    result, outputs, runner = identify(tmp_path, [pull_request()])
    pr_info = runner.workspace / "pr-info"
    pr_info.mkdir()
    (pr_info / "number").write_text("3\n")
    (pr_info / "check").write_text("closed\n")
    (pr_info / "check.txt").write_text("data/outcomes.csv, line 2: @octocat see #3\n")
    assert outputs == {"pr": "7", "state": "open", "from_fork": "true"}
    jobs = read_workflow("preview.yml")["jobs"]
    assert jobs["remove"]["if"] == "needs.identify.outputs.state == 'closed'"
    comments = f"repos/{REPOSITORY}/issues/7/comments"
    runner.answer({api_key(comments, per_page=100, page=1): []})
    context = event_context() | {"needs": {"identify": {"outputs": outputs}, "publish": {"result": "skipped"}}}
    result = runner.run(step("preview.yml", "comment", "One comment per pull request"), context)
    assert result.returncode == 0, result.stderr
    posted = [c for c in runner.calls() if c["method"] != "GET"]
    assert [(c["method"], c["endpoint"]) for c in posted] == [("POST", comments)]
    body = json.loads(posted[0]["body"])["body"]
    assert "\n```text\ndata/outcomes.csv, line 2: @octocat see #3\n```\n" in body
    assert all("/3" not in c["endpoint"] for c in runner.calls())


def test_the_comment_updates_the_bots_own_comment_only(tmp_path):
    """A comment by someone else that starts with the marker is not the bot's: it is left alone."""
    runner = Runner(tmp_path / "workspace")
    runner.check_out_scripts()
    comments = f"repos/{REPOSITORY}/issues/7/comments"
    marker = "<!-- evidence-preview -->"
    forged = {"id": 41, "user": {"login": "mallory"}, "body": f"{marker}\nforged"}
    ours = {"id": 42, "user": {"login": "github-actions[bot]"}, "body": f"{marker}\nold"}
    runner.answer({api_key(comments, per_page=100, page=1): [forged, ours]})
    context = event_context() | {
        "needs": {
            "identify": {"outputs": {"pr": "7", "state": "open", "from_fork": "false"}},
            "publish": {"result": "success"},
        }
    }
    result = runner.run(step("preview.yml", "comment", "One comment per pull request"), context)
    assert result.returncode == 0, result.stderr
    [patch] = [c for c in runner.calls() if c["method"] != "GET"]
    assert (patch["method"], patch["endpoint"]) == ("PATCH", f"repos/{REPOSITORY}/issues/comments/42")
    body = json.loads(patch["body"])["body"]
    assert "**No preview and no summary:**" in body  # the run left no pr-info at all
    assert "see [the run](https://github.com/review-org/mrcreview/actions/runs/123456789)." in body


def test_no_workflow_reads_a_pull_request_number_or_state_from_an_artifact():
    texts = {path.name: path.read_text(encoding="utf-8") for path in WORKFLOWS}
    assert all("pr-info/number" not in text and "pr-info/check\n" not in text for text in texts.values())
    jobs = read_workflow("preview.yml")["jobs"]
    # the job that says which pull request it is reads no artifact; every other job takes its answer
    assert not any("download-artifact" in str(s.get("uses", "")) for s in jobs["identify"]["steps"])
    assert jobs["publish"]["with"]["pr"] == jobs["remove"]["with"]["pr"] == "${{ needs.identify.outputs.pr }}"
    comment = step("preview.yml", "comment", "One comment per pull request")
    assert comment["env"]["PR"] == "${{ needs.identify.outputs.pr }}"


def test_no_workflow_forces_a_push():
    for path in WORKFLOWS:
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            for run in (s.get("run", "") for s in job.get("steps", [])):
                for line in run.splitlines():
                    if "git push" in line:
                        assert not re.search(r"\s(-[a-z]*f\b|--force|\+)", line.split("git push", 1)[1]), line


def test_only_a_branch_of_this_repository_is_published_as_a_preview(tmp_path):
    # the recorded event is a fork's run (head repository 9001, this repository 1001)
    assert identify(tmp_path / "fork", [pull_request()])[1]["from_fork"] == "true"
    event = event_context()["github"]["event"]
    own = {**event["workflow_run"]["head_repository"], "id": event["repository"]["id"]}
    same = identify(tmp_path / "own", [pull_request(head_repo_id=own["id"])], head_repository=own)[1]
    assert same == {"pr": "7", "state": "open", "from_fork": "false"}
    publish = read_workflow("preview.yml")["jobs"]["publish"]["if"]
    assert "needs.identify.outputs.from_fork == 'false'" in publish.split("&&")[1]


def test_a_forks_comment_links_no_preview_and_says_whose_summary_it_is(tmp_path):
    """A fork's run left a summary; even with a publish reported as done, its comment offers the run's site
    artifact, not a page at the site's address."""
    runner = Runner(tmp_path / "workspace")
    runner.check_out_scripts()
    (runner.workspace / "pr-info").mkdir()
    changes = {"numbers_changed": [], "numbers_added": [], "numbers_removed": [], "chapters_added": []}
    (runner.workspace / "pr-info" / "changes.json").write_text(json.dumps(changes))
    comments = f"repos/{REPOSITORY}/issues/7/comments"
    runner.answer({api_key(comments, per_page=100, page=1): []})
    for from_fork in ("true", "", "False"):  # anything but "false" is a fork
        context = event_context() | {
            "needs": {
                "identify": {"outputs": {"pr": "7", "state": "open", "from_fork": from_fork}},
                "publish": {"result": "success"},
            }
        }
        result = runner.run(step("preview.yml", "comment", "One comment per pull request"), context)
        assert result.returncode == 0, result.stderr
        body = json.loads([c for c in runner.calls() if c["method"] != "GET"][-1]["body"])["body"]
        assert "pr-preview" not in body and "**No preview:** this pull request comes from a fork" in body, body
        assert "### What this pull request changes in the evidence, as the fork's own run reports it" in body
