"""The build's record of its inputs: a build is skipped only when nothing it reads has changed."""

from helpers import copy_project
from mrcreview.site import fingerprint, inputs_digest


def test_the_inputs_digest_changes_with_any_input_and_with_the_output(tmp_path):
    project = copy_project(tmp_path / "project")
    output = project / "_build" / "html"
    first = inputs_digest(project, output)
    assert inputs_digest(project, output) == first
    # what the build writes is not an input
    (project / "_build" / "work").mkdir(parents=True)
    (project / "_build" / "work" / "build.log").write_text("log")
    assert inputs_digest(project, output) == first
    assert inputs_digest(project, tmp_path / "elsewhere") != first

    outcomes = project / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    outcomes.write_text(text.replace(",0.476,", ",0.512,"), encoding="utf-8")
    assert inputs_digest(project, output) != first
    outcomes.write_text(text, encoding="utf-8")
    assert inputs_digest(project, output) == first

    (project / "book" / "new-chapter.md").write_text("# New\n", encoding="utf-8")
    assert inputs_digest(project, output) != first


def test_a_study_checked_later_does_not_start_the_build_afresh(minimal_project):
    # no page shows a date that moves with every check: a study checked today rebuilds what shows it
    before = fingerprint(minimal_project)
    studies = minimal_project / "data" / "studies.csv"
    text = studies.read_text(encoding="utf-8")
    assert "2026-02-01" in text  # the minimal project's latest check
    studies.write_text(text.replace("2026-02-01", "2026-12-01"), encoding="utf-8")
    assert fingerprint(minimal_project) == before
