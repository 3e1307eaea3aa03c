"""Each release's site under v/<version>/ of the published tree: pages.yml's own steps, run on a checkout of a
commit of a local repository with tags (gh_pages.py), keep it only when the commit published is exactly the
release, and never replace it; release-site.yml keeps a release published before v/ was, from its tag, once."""

import json
import shutil

import pytest
from gh_pages import PUBLISHED, RELEASE_ACTIONS, Pages, git
from workflow_steps import Runner, git_sent_to, read_workflow, step

# Each release's site under v/<version>/: kept by the publish of exactly the release's commit, never replaced.


def citation(version_line: str) -> dict[str, str]:
    return {"CITATION.cff": f"cff-version: 1.2.0\ntitle: A living review\n{version_line}\ndate-released: 2026-11-28\n"}


def test_the_release_commits_publish_keeps_its_site_and_a_later_commits_leaves_it(tmp_path):
    pages = Pages(tmp_path, {**PUBLISHED, "v/0.1.0/index.html": "0.1.0 as released"})
    pages.commit({**citation("version: 0.2.0"), "data/outcomes.csv": "as released"}, tag="v0.2.0")
    pages.check_out()
    pages.site({"index.html": "main at 0.2.0", "book/page.html": "a page at 0.2.0"})
    result = pages.record("publish-site")
    assert result.returncode == 0, result.stderr
    published = pages.published()
    assert published["index.html"] == "main at 0.2.0"
    assert published["v/0.2.0/index.html"] == "main at 0.2.0"
    assert published["v/0.2.0/book/page.html"] == "a page at 0.2.0"
    assert published["v/0.1.0/index.html"] == "0.1.0 as released"  # publish-site keeps v/
    assert git("--git-dir", str(pages.remote), "log", "-1", "--format=%s", "gh-pages").strip() == (
        "publish-site (v/0.2.0 added)"
    )
    # a correction after the release, at the same version: main's site moves on, the release's stays
    pages.commit({"data/outcomes.csv": "corrected after the release"})
    pages.check_out()
    shutil.rmtree(pages.runner.workspace / "site", ignore_errors=True)
    pages.site({"index.html": "main after 0.2.0"})
    result = pages.record("publish-site")
    assert result.returncode == 0, result.stderr
    published = pages.published()
    assert published["index.html"] == "main after 0.2.0" and "book/page.html" not in published
    assert published["v/0.2.0/index.html"] == "main at 0.2.0"
    assert published["v/0.2.0/book/page.html"] == "a page at 0.2.0"
    assert sorted(name for name in published if name.startswith("v/")) == [
        "v/0.1.0/index.html",
        "v/0.2.0/book/page.html",
        "v/0.2.0/index.html",
    ]


def test_a_release_site_once_kept_is_never_replaced(tmp_path):
    """The release's commit published again (a re-run, a scheduled run): main's site is replaced, the
    release's is not."""
    pages = Pages(tmp_path, {**PUBLISHED, "v/0.2.0/index.html": "0.2.0 as first published"})
    pages.commit(citation("version: 0.2.0"), tag="v0.2.0")
    pages.check_out()
    pages.site({"index.html": "0.2.0 built again", "extra.html": "a page the first build did not have"})
    result = pages.record("publish-site")
    assert result.returncode == 0, result.stderr
    published = pages.published()
    assert published["index.html"] == "0.2.0 built again"
    assert {name: text for name, text in published.items() if name.startswith("v/")} == {
        "v/0.2.0/index.html": "0.2.0 as first published"
    }


@pytest.mark.parametrize(
    "version_line, tag",
    [
        ("version: 0.2.0", None),  # no tag: a version set by hand, never released
        ("version: 0.2", "v0.2"),
        ("version: 0.2.0-rc1", "v0.2.0-rc1"),
        ("version: 00.2.0", "v00.2.0"),
        ("version: 0.2.0 ", "v0.2.0"),
        ('version: "0.2.0"', "v0.2.0"),
        ("version: 0.2.0 # the next", "v0.2.0"),
        ("version: 0.\u0662.0", "v0.2.0"),  # an Arabic-Indic two: a digit, not an ASCII one
        ("version: 0.2.0\nversion: 0.3.0", "v0.2.0"),
        ("version: ../../0.2.0", "v0.2.0"),
        ("version: 0.2.0/../..", "v0.2.0"),
    ],
)
def test_a_version_that_is_not_exactly_x_y_z_or_has_no_tag_keeps_nothing(tmp_path, version_line, tag):
    pages = Pages(tmp_path, PUBLISHED)
    pages.commit(citation(version_line), tag=tag)
    pages.check_out()
    pages.site({"index.html": "main"})
    result = pages.record("publish-site")
    assert result.returncode == 0, result.stderr
    published = pages.published()
    assert published["index.html"] == "main" and not [name for name in published if name.startswith("v/")]


def test_a_tag_on_another_tree_is_not_this_commits_release(tmp_path):
    """The tag moved, or names an earlier commit with the same version: this commit is not the release."""
    pages = Pages(tmp_path, PUBLISHED)
    pages.commit({**citation("version: 0.2.0"), "data/outcomes.csv": "a"})
    pages.commit({"data/outcomes.csv": "b"}, tag="v0.2.0", tagged="HEAD~1")
    pages.check_out()
    pages.site({"index.html": "main"})
    result = pages.record("publish-site")
    assert result.returncode == 0, result.stderr
    assert not [name for name in pages.published() if name.startswith("v/")]


@pytest.mark.parametrize("branch", ["x/refs/tags/v0.2.0", "refs/tags/v0.2.0"])
def test_a_branch_named_like_the_tag_is_no_release(tmp_path, branch):
    """ls-remote matches the end of a ref's name and fetch falls back to refs/heads/: a branch whose name ends
    in the tag's is not the tag. Main's publish goes on, keeping no release site."""
    pages = Pages(tmp_path, PUBLISHED)
    pages.commit(citation("version: 0.2.0"))
    git("push", "-q", str(pages.remote), f"main:refs/heads/{branch}", cwd=pages.source)
    pages.check_out()
    pages.site({"index.html": "main"})
    result = pages.record("publish-site")
    assert result.returncode == 0, result.stdout + result.stderr
    published = pages.published()
    assert published["index.html"] == "main" and not [name for name in published if name.startswith("v/")]


def test_when_the_tags_cannot_be_read_nothing_is_published(tmp_path):
    """A release not kept because its tag could not be asked for would never be kept: the run fails instead."""
    pages = Pages(tmp_path, PUBLISHED)
    pages.commit(citation("version: 0.2.0"), tag="v0.2.0")
    pages.check_out()
    pages.site({"index.html": "main"})
    before = pages.head()
    unreachable = git_sent_to(tmp_path / "no-such-remote.git", tmp_path)
    result = pages.release("publish-site", **unreachable)
    assert result.returncode != 0 and "could not ask the repository for tag v0.2.0" in result.stdout
    assert pages.runner.outputs() == {} and pages.head() == before


def test_a_site_with_folders_of_its_own_for_previews_or_releases_is_refused(tmp_path):
    pages = Pages(tmp_path, {**PUBLISHED, "v/0.1.0/index.html": "0.1.0 as released"})
    pages.commit(citation("version: 0.2.0"))
    pages.check_out()
    for folder in ("v/0.1.0", "pr-preview/pr-5"):
        shutil.rmtree(pages.runner.workspace / "site", ignore_errors=True)
        pages.site({"index.html": "main", f"{folder}/index.html": "replaced"})
        before = pages.head()
        result = pages.record("publish-site")
        assert result.returncode != 0 and "has a folder pr-preview or v" in result.stdout
        assert pages.head() == before


def test_the_release_step_runs_for_publishing_only_and_alone_decides_the_version():
    """It runs where the record step publishes a site of main or of a release, and the record step's release
    comes from it alone: not from the artifact, the pull request or an input."""
    steps = read_workflow("pages.yml")["jobs"]["record"]["steps"]
    names = [s.get("name", s.get("uses", "")) for s in steps]
    release = step("pages.yml", "record", "The release whose site")
    assert release["if"] == " || ".join(f"inputs.action == '{action}'" for action in RELEASE_ACTIONS)
    assert names.index(release["name"]) < names.index("The built site")  # decided before there is an artifact
    assert step("pages.yml", "record", "Record the change")["env"]["RELEASE"] == "${{ steps.release.outputs.version }}"


# A release published before v/ was kept (0.1.0): release-site.yml builds its tag, publish-release keeps it once.


def old_release(tmp_path) -> Pages:
    """0.1.0 released from a commit that main has moved on from."""
    pages = Pages(tmp_path, {**PUBLISHED, "v/0.3.0/index.html": "0.3.0"})
    pages.commit({**citation("version: 0.1.0"), "data/outcomes.csv": "as in 0.1.0"}, tag="v0.1.0")
    pages.commit({**citation("version: 0.2.0"), "data/outcomes.csv": "since"})
    pages.check_out()
    pages.site({"index.html": "0.1.0 built from its tag"})
    return pages


def test_a_release_published_before_is_kept_once_from_its_tag(tmp_path):
    pages = old_release(tmp_path)
    result = pages.record("publish-release", tag="v0.1.0")
    assert result.returncode == 0, result.stderr
    published = pages.published()
    assert published["v/0.1.0/index.html"] == "0.1.0 built from its tag"
    assert published["index.html"] == "main v1" and published["v/0.3.0/index.html"] == "0.3.0"  # nothing else
    assert "pr-preview/pr-9/index.html" not in published  # closed pull requests' previews go, as on any change
    # run again, with another build: the release's site stays as it was first kept
    kept = pages.head()
    pages.site({"index.html": "0.1.0 built again"})
    result = pages.record("publish-release", tag="v0.1.0")
    assert result.returncode == 0 and "v/0.1.0 is published already" in result.stdout
    assert pages.head() == kept


@pytest.mark.parametrize(
    "tag, message",
    [
        ("0.1.0", "tag: expected v<x.y.z>"),
        ("v0.1", "tag: expected v<x.y.z>"),
        ("v0.1.0/../..", "tag: expected v<x.y.z>"),
        ("v0.1.0; rm -rf ..", "tag: expected v<x.y.z>"),
        ("main", "tag: expected v<x.y.z>"),
        ("v0.9.0", "tag: v0.9.0 does not exist"),
    ],
)
def test_a_tag_that_is_not_a_release_keeps_nothing(tmp_path, tag, message):
    pages = old_release(tmp_path)
    before = pages.head()
    result = pages.record("publish-release", tag=tag)
    assert result.returncode != 0 and message in result.stdout
    assert pages.head() == before


def test_a_tag_whose_citation_gives_another_version_is_not_that_release(tmp_path):
    pages = old_release(tmp_path)
    pages.commit({}, tag="v0.4.0", tagged="HEAD")  # main, whose CITATION.cff says 0.2.0
    before = pages.head()
    result = pages.record("publish-release", tag="v0.4.0")
    assert result.returncode != 0 and "v0.4.0 is not release 0.4.0" in result.stdout
    assert pages.head() == before


@pytest.mark.parametrize("tag", ["v0.1.0", "v12.0.345678"])
def test_release_site_builds_the_tag_it_is_given(tmp_path, tag):
    runner = Runner(tmp_path / "workspace")
    result = runner.run(step("release-site.yml", "build", "The tag"), {"inputs": {"tag": tag}})
    assert result.returncode == 0, result.stderr
    assert runner.outputs() == {"ref": f"refs/tags/{tag}"}


@pytest.mark.parametrize("tag", ["0.1.0", "v0.1", "v0.1.0-rc1", "v01.0.0", "main", "v0.1.0\nref=refs/heads/x", ""])
def test_release_site_builds_no_ref_but_a_release_tag(tmp_path, tag):
    runner = Runner(tmp_path / "workspace")
    result = runner.run(step("release-site.yml", "build", "The tag"), {"inputs": {"tag": tag}})
    assert result.returncode != 0 and "tag: expected v<x.y.z>" in result.stdout
    assert runner.outputs() == {}


def test_release_site_builds_the_checked_tag_and_hands_its_site_to_publish_release():
    workflow = read_workflow("release-site.yml")
    assert list(workflow[True]) == ["workflow_dispatch"]  # a maintainer's run only (YAML 1.1 reads "on" as true)
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ steps.tag.outputs.ref }}" and checkout["with"]["fetch-depth"] == 0
    runs = [s.get("run", "") for s in build["steps"]]
    assert runs.index("make book") > build["steps"].index(checkout)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    download = step("pages.yml", "record", "The built site")
    assert upload["with"]["name"] == download["with"]["name"] and upload["with"]["path"] == "_build/html"
    assert publish["uses"] == "./.github/workflows/pages.yml" and publish["needs"] == "build"
    assert publish["with"] == {
        "action": "publish-release",
        "run-id": "${{ github.run_id }}",
        "tag": "${{ inputs.tag }}",
    }


@pytest.mark.parametrize("version", ["../..", "0.2.0/../../x", "0.2", "0.2.0\n1.0.0"])
def test_the_record_step_takes_no_release_but_a_version(tmp_path, version):
    """What the release step gives is checked again where it names a folder."""
    pages = old_release(tmp_path)
    before = pages.head()
    context = {
        "inputs": {"action": "publish-release", "pr": "", "run-id": "123", "tag": "v0.1.0"},
        "github": {"token": "token-for-the-test"},
        "steps": {"release": {"outputs": {"version": version}}},
    }
    result = pages.runner.run(step("pages.yml", "record", "Record the change"), context)
    assert result.returncode != 0 and "release: expected x.y.z" in result.stdout
    assert pages.head() == before


def test_the_releases_kept_are_listed_for_the_pages_that_link_them(tmp_path):
    """release-sites.js links a release's site only where the published site's list names it: the list is
    what v/ holds after each change, whatever the artifact's own list says."""
    pages = Pages(tmp_path, {**PUBLISHED, "v/0.1.0/index.html": "0.1.0", "v/notes/index.html": "not a release"})
    pages.commit(citation("version: 0.2.0"), tag="v0.2.0")
    pages.check_out()
    pages.site({"index.html": "main", "_static/release-sites.json": '["9.9.9"]'})
    assert pages.record("publish-site").returncode == 0
    published = pages.published()
    assert json.loads(published["_static/release-sites.json"]) == ["0.1.0", "0.2.0"]
    assert published["v/0.2.0/_static/release-sites.json"] == '["9.9.9"]'  # a copy's own list is never read
    # a preview leaves the list as it is; a release kept later is added to it
    pages.site({"index.html": "seven"})
    assert pages.record("publish-preview", "7").returncode == 0
    assert json.loads(pages.published()["_static/release-sites.json"]) == ["0.1.0", "0.2.0"]
    pages.commit(citation("version: 0.3.0"), tag="v0.3.0")
    pages.site({"index.html": "0.3.0 built from its tag"})
    assert pages.record("publish-release", tag="v0.3.0").returncode == 0
    assert json.loads(pages.published()["_static/release-sites.json"]) == ["0.1.0", "0.2.0", "0.3.0"]
