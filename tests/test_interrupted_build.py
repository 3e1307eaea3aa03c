"""A build stopped part-way (a timeout, a cancelled CI run, a full disk) never publishes old numbers."""

import re
import signal
from pathlib import Path

import pytest

from helpers import chart_specs, page, read_times, run_module, site_digest, start_build, wait_for_log
from mrcreview.paths import chapter_files

pytestmark = pytest.mark.build


def stop_while_writing(project: Path, stop: signal.Signals) -> tuple[int, str]:
    """Change a number, build, and stop the build when Sphinx has recorded the new data as read and is about
    to write the pages."""
    outcomes = project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace(",0.476,", ",0.512,"), encoding="utf-8")
    (project / "_build" / "build.log").unlink()
    build = start_build(project)
    wait_for_log(project, "checking consistency", build)
    build.send_signal(stop)
    _, stderr = build.communicate(timeout=120)
    assert "Traceback" not in stderr
    return build.returncode, stderr


def test_a_build_stopped_by_sigterm_says_so_keeps_the_site_and_the_next_starts_afresh(rebuildable_project):
    project = rebuildable_project
    before = site_digest(project / "_build" / "html")
    returncode, stderr = stop_while_writing(project, signal.SIGTERM)
    assert returncode == 128 + signal.SIGTERM
    assert stderr.strip().splitlines() == [
        f"build: stopped by SIGTERM; {project / '_build' / 'html'} holds the last complete site."
    ]
    assert site_digest(project / "_build" / "html") == before
    # the next build does not trust what the stopped one left (what it then publishes: see the SIGKILL test)
    rebuild, line = start_build(project), ""
    for line in rebuild.stdout:
        if "starting afresh" in line or "Executing" in line or "published" in line:
            break
    rebuild.terminate()
    rebuild.communicate(timeout=120)
    assert line.strip() == "build: the last build was interrupted; starting afresh.", line


def test_a_build_killed_while_writing_pages_is_discarded_and_never_publishes_old_numbers(
    built_project, rebuildable_project
):
    project = rebuildable_project
    returncode, _ = stop_while_writing(project, signal.SIGKILL)
    assert returncode == -signal.SIGKILL

    # the next build finds the mark, starts afresh and publishes the new value; a second build
    # started meanwhile in the same clone waits for the first instead of sharing its folders
    (project / "_build" / "build.log").unlink()
    rebuild = start_build(project)
    wait_for_log(project, "reading sources", rebuild)  # it holds the lock
    waiting = run_module("build", cwd=project)
    stdout, stderr = rebuild.communicate(timeout=600)
    assert rebuild.returncode == 0, stderr[-2000:]
    assert "51.2%" in page(project, "organ-preservation") and "51.2%" in page(project, "evidence-register-p-q")
    # What's new reports the change from the release's 47.6%: the one place an earlier value belongs
    assert "47.6% → 51.2%" in page(project, "whats-new")
    for path in (project / "_build" / "html").rglob("*.html"):
        assert "47.6%" not in path.read_text(encoding="utf-8").replace("47.6% → 51.2%", ""), path
    assert "the last build was interrupted; starting afresh" in stdout
    assert waiting.returncode == 0 and "another build is running in this clone" in waiting.stdout
    assert "nothing changed since the last build" in waiting.stdout
    # built from scratch, every chapter ran again, and every table and chart the edit did not touch is
    # what the session's first build made
    with_code = [p for p in chapter_files(project) if "{code-cell}" in p.read_text(encoding="utf-8")]
    assert (project / "_build" / "build.log").read_text(encoding="utf-8").count("Executing notebook") == len(with_code)
    for path in (built_project / "_build" / "html" / "book").glob("*.html"):
        first, again = path.read_text(encoding="utf-8"), page(project, path.stem)
        if "51.2%" not in again and path.stem != "download":
            assert chart_specs(first) == chart_specs(again), path
            assert re.findall(r"<table.*?</table>", first, re.S) == re.findall(r"<table.*?</table>", again, re.S)


def test_a_failed_check_starts_no_build_and_leaves_the_saved_state(rebuildable_project):
    project = rebuildable_project
    site, read = site_digest(project / "_build" / "html"), read_times(project)
    saved = project / "_build" / "work" / "_build" / ".doctrees" / "environment.pickle"
    state, log = saved.stat().st_mtime_ns, (project / "_build" / "build.log").read_bytes()
    outcomes = project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace(",0.476,", ",not a number,"), encoding="utf-8")
    result = run_module("build", cwd=project)
    assert result.returncode == 1 and result.stderr.endswith("nothing was built.\n"), result.stderr
    # Sphinx never started (its log is the last build's), read and wrote nothing; the next build, once the
    # check passes, is incremental: the saved state untouched, the work folder not marked as interrupted
    assert (project / "_build" / "build.log").read_bytes() == log
    assert read_times(project) == read and site_digest(project / "_build" / "html") == site
    assert saved.stat().st_mtime_ns == state and not (project / "_build" / "work" / "in-progress").exists()
