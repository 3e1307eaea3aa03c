"""pages.yml loses nothing: its own "record" step, run against a local gh-pages branch (git's url.insteadOf
sends the workflow's github.com address there) and recorded answers of GitHub's API, applies each change to
gh-pages as it is, keeps only open pull requests' previews, and never forces a push; its deploys, queued one at
a time, each deploy gh-pages whole as it is when they start."""

import pytest
from gh_pages import IDENTITY, PUBLISHED, Pages, git
from workflow_steps import REPOSITORY, read_workflow


def test_a_preview_is_added_and_previews_of_closed_pull_requests_go(tmp_path):
    pages = Pages(tmp_path, PUBLISHED)
    before = pages.head()
    pages.site({"index.html": "seven", "book/page.html": "seven's page"})
    result = pages.record("publish-preview", "7")
    assert result.returncode == 0, result.stderr
    assert pages.published() == {
        "index.html": "main v1",
        ".nojekyll": "",
        "pr-preview/pr-5/index.html": "five",
        "pr-preview/pr-7/index.html": "seven",
        "pr-preview/pr-7/book/page.html": "seven's page",
    }
    git("--git-dir", str(pages.remote), "merge-base", "--is-ancestor", before, "gh-pages")  # no force


def test_a_change_made_while_this_one_was_prepared_is_kept(tmp_path):
    """Another run pushes to gh-pages after this one fetched it: the push is refused, and the change is made
    again on the new state, so both are published."""
    pages = Pages(tmp_path, PUBLISHED)
    other = tmp_path / "other"
    concurrent = (
        f"git clone -q -b gh-pages {pages.remote} {other} && cd {other} && echo 'five v2' > pr-preview/pr-5/index.html"
        f" && git {' '.join(IDENTITY)} commit -qam 'publish-preview #5' && git push -q origin gh-pages"
    )
    pages.site({"index.html": "seven"})
    result = pages.record("publish-preview", "7", FAKE_GH_FIRST=concurrent)
    assert result.returncode == 0, result.stderr
    assert "gh-pages moved while this change was made (attempt 1)" in result.stdout
    published = pages.published()
    assert published["pr-preview/pr-5/index.html"] == "five v2\n"
    assert published["pr-preview/pr-7/index.html"] == "seven"
    log = git("--git-dir", str(pages.remote), "log", "--format=%s", "gh-pages").splitlines()
    assert log[:2] == ["publish-preview #7", "publish-preview #5"]


def test_changes_whose_deploys_were_dropped_are_all_in_the_next_deploy(tmp_path):
    """GitHub cancels a pending deploy when another is queued: each change is recorded before its deploy is
    queued, and the deploy that runs takes gh-pages as it is then."""
    pages = Pages(tmp_path, PUBLISHED)
    pages.site({"index.html": "five v2"})
    assert pages.record("publish-preview", "5").returncode == 0
    pages.site({"index.html": "seven"})
    assert pages.record("publish-preview", "7").returncode == 0
    pages.site({"index.html": "main v2"})
    assert pages.record("publish-site").returncode == 0
    assert pages.published() == {
        "index.html": "main v2",
        ".nojekyll": "",
        "pr-preview/pr-5/index.html": "five v2",
        "pr-preview/pr-7/index.html": "seven",
    }
    jobs = read_workflow("pages.yml")["jobs"]
    checkout, upload = jobs["deploy"]["steps"][:2]
    assert jobs["deploy"]["needs"] == "record"
    assert checkout["with"]["ref"] == "gh-pages" and upload["with"]["path"] == checkout["with"]["path"]


def test_only_the_deploy_is_queued_the_record_never_waits_or_is_dropped():
    workflow = read_workflow("pages.yml")
    assert "concurrency" not in workflow and "concurrency" not in workflow["jobs"]["record"]
    assert workflow["jobs"]["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_a_removed_preview_goes_and_main_stays(tmp_path):
    pages = Pages(tmp_path, PUBLISHED, open_prs=(5,))
    assert pages.record("remove-preview", "5").returncode == 0
    assert pages.published() == {"index.html": "main v1", ".nojekyll": ""}


def test_the_first_publish_makes_the_branch(tmp_path):
    pages = Pages(tmp_path, None, open_prs=())
    pages.site({"index.html": "main v1"})
    result = pages.record("publish-site")
    assert result.returncode == 0, result.stderr
    assert pages.published() == {"index.html": "main v1", ".nojekyll": ""}


@pytest.mark.parametrize(
    "action, pr, site, answered, message",
    [
        ("publish-preview", "7; rm -rf ..", {}, True, "pr: expected a number"),
        ("publish-preview", "../5", {}, True, "pr: expected a number"),
        ("publish-preview", "", {}, True, "pr: expected a number"),
        ("delete-everything", "", {}, True, "action: expected publish-site"),
        # a site whose entries are links could publish the runner's files (the Pages upload follows links)
        ("publish-preview", "7", {"link": "/etc/hostname"}, True, "neither files nor folders"),
        # when GitHub's list of open pull requests cannot be read, no preview is dropped on a guess
        ("publish-preview", "7", {}, False, f"pull_requests: GET repos/{REPOSITORY}/pulls: gh: Not Found"),
    ],
)
def test_a_refused_change_changes_nothing(tmp_path, action, pr, site, answered, message):
    pages = Pages(tmp_path, PUBLISHED)
    pages.site({"index.html": "seven"})
    for name, target in site.items():
        (pages.runner.workspace / "site" / name).symlink_to(target)
    if not answered:
        pages.runner.answer({})
    before = pages.head()
    result = pages.record(action, pr)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert pages.head() == before


@pytest.mark.parametrize("size, files", [(100 * 2**20 + 1, 1), (0, 5001)], ids=["over-100-MB", "over-5000-files"])
def test_a_preview_over_the_size_limit_is_not_published(tmp_path, size, files):
    """A fork's run makes the artifact: gh-pages would keep it in its history for good, and a site over
    GitHub Pages' limit would stop every deploy, main's included, while the pull request is open."""
    pages = Pages(tmp_path, PUBLISHED)
    pages.site({f"page-{n}.html": "" for n in range(files)})
    with open(pages.runner.workspace / "site" / "page-0.html", "r+b") as page:
        page.truncate(size)  # a sparse file: its apparent size, without writing it
    before = pages.head()
    result = pages.record("publish-preview", "7")
    assert result.returncode == 1 and "The preview is over 100 MB or 5000 files" in result.stdout
    assert pages.head() == before
