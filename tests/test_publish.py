"""Publishing: the site is swapped in whole, an interrupted publish is completed, write errors are one line."""

import errno
import os

import pytest

from mrcreview import publish, site


def make_site(folder, text):
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    (folder / "page.html").write_text(text)
    return folder


def test_publish_replaces_the_whole_site_and_leaves_nothing_beside_it(tmp_path):
    output = make_site(tmp_path / "html", "old")
    (output / "gone.html").write_text("a page the new site no longer has")
    publish.publish(make_site(tmp_path / "built", "new"), output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built", "html"]
    assert sorted(p.name for p in output.iterdir()) == ["index.html", "page.html"]
    assert (output / "page.html").read_text() == "new"


def test_the_swap_is_one_step_where_the_system_offers_it(tmp_path):
    first, second = make_site(tmp_path / "a", "a"), make_site(tmp_path / "b", "b")
    if not publish.exchange(first, second):
        pytest.skip("this file system has no atomic exchange; publish uses two renames and restores")
    assert (first / "index.html").read_text() == "b" and (second / "index.html").read_text() == "a"


def test_a_publish_stopped_between_its_renames_is_restored(tmp_path):
    output = tmp_path / "html"
    make_site(publish.retired_folder(output), "old")  # the old site moved aside...
    make_site(publish.staged_folder(output), "half")  # ...and the new one not yet in place
    publish.restore_interrupted_publish(output)
    assert (output / "index.html").read_text() == "old"
    assert not publish.staged_folder(output).exists() and not publish.retired_folder(output).exists()


def fake_sphinx(text):
    def run_sphinx(root, work, log):
        make_site(work / "_build" / "html", text)
        log.write_text("built\n")
        return 0

    return run_sphinx


@pytest.fixture
def project(minimal_project, monkeypatch):
    monkeypatch.setattr(site, "inputs_digest", lambda root, output: "digest")
    monkeypatch.setattr(site, "fingerprint", lambda root: "fingerprint")
    make_site(minimal_project / "_build" / "html", "published")
    return minimal_project


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_write_error_while_publishing_is_one_line_and_leaves_the_site(project, monkeypatch, capsys, error):
    monkeypatch.setattr(site, "run_sphinx", fake_sphinx("new"))

    def copytree(source, target):
        os.makedirs(target)
        (target / "index.html").write_text("half")
        raise OSError(error, os.strerror(error), str(target / "page.html"))

    monkeypatch.setattr(publish.shutil, "copytree", copytree)
    assert site.build_site(project) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("build: cannot write ") and os.strerror(error) in lines[0]
    output = project / "_build" / "html"
    assert (output / "index.html").read_text() == "published"
    assert not publish.staged_folder(output).exists()


def test_a_write_error_while_building_is_one_line_and_the_next_build_starts_afresh(project, monkeypatch, capsys):
    def failing_sphinx(root, work, log):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(work / "book" / "page.html"))

    monkeypatch.setattr(site, "run_sphinx", failing_sphinx)
    assert site.build_site(project) == 1
    assert len(capsys.readouterr().err.splitlines()) == 1
    monkeypatch.setattr(site, "run_sphinx", fake_sphinx("new"))
    assert site.build_site(project) == 0
    assert "starting afresh" in capsys.readouterr().out
    assert (project / "_build" / "html" / "index.html").read_text() == "new"
