"""The chapters' kernels: the one started ahead goes to the first chapter that fits, told the page's
record file; every kernel is stopped as soon as its chapter has run; one no chapter took is stopped;
a cell's error reaches the build's log."""

import os
import time

import nbformat
import psutil
import pytest
from nbclient.exceptions import CellExecutionError

from helpers import running
from mrcreview import cores, kernels
from mrcreview.dependencies import RECORD
from mrcreview.site import ANSI


def notebook(source: str = "pass", kernel: str = kernels.KERNEL) -> nbformat.NotebookNode:
    spec = {"name": kernel, "display_name": kernel, "language": "python"}
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)], metadata={"kernelspec": spec})


def printed(nb: nbformat.NotebookNode) -> list[str]:
    return "".join(o["text"] for o in nb.cells[0].outputs if o.get("name") == "stdout").split()


@pytest.fixture
def started(tmp_path):
    """A kernel started ahead for chapters in tmp_path, and its process id."""
    kernels.start(tmp_path)
    yield kernels._waiting[0][0].provisioner.pid
    kernels.stop()


def test_the_first_chapter_that_fits_runs_on_the_kernel_started_ahead(tmp_path, started, monkeypatch):
    record = tmp_path / "data-used" / "chapter.jsonl"
    monkeypatch.setenv(RECORD, str(record))  # set as Sphinx starts reading the page, after the kernel started
    code = "import os; print(os.getpid(), os.environ['MRCREVIEW_RECORD'], os.getcwd())"
    ran = kernels.execute(notebook(code), cwd=str(tmp_path), timeout=60)
    assert printed(ran) == [str(started), str(record), str(tmp_path)]
    assert not running(started)  # stopped as soon as the chapter has run
    # the next chapter starts a kernel of its own, stopped as soon as it has run too
    ran = kernels.execute(notebook("import os; print(os.getpid())"), cwd=str(tmp_path), timeout=60)
    (second,) = printed(ran)
    assert second != str(started) and not running(int(second))


def test_a_chapter_that_does_not_fit_gets_a_kernel_of_its_own(tmp_path, started, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert kernels.take(notebook(), str(elsewhere)) is None
    assert kernels.take(notebook(kernel="julia"), str(tmp_path)) is None
    this_process = os.getpid()
    with monkeypatch.context() as patched:  # in a worker forked by Sphinx's parallel reading
        patched.setattr(kernels.os, "getpid", lambda: this_process + 1)
        assert kernels.take(notebook(), str(tmp_path)) is None
    assert running(started)
    kernels.stop()  # as at the end of a build in which no chapter took it
    assert not running(started)
    assert kernels.take(notebook(), str(tmp_path)) is None


def test_the_kernel_started_ahead_warms_up_on_the_cores_it_is_given_then_gets_them_all(tmp_path):
    every = cores.usable()
    kernels.start(tmp_path, cores.for_the_rest(every))
    try:
        pid = kernels._waiting[0][0].provisioner.pid
        assert set(psutil.Process(pid).cpu_affinity()) == (cores.for_the_rest(every) or every)
        deadline = time.monotonic() + 30
        while psutil.Process(pid).num_threads() < 2:  # its threads, started later, are moved back too
            assert time.monotonic() < deadline
            time.sleep(0.05)
        kernels.pin_waiting(every)
        threads = psutil.Process(pid).threads()
        assert len(threads) > 1 and all(set(psutil.Process(t.id).cpu_affinity()) == every for t in threads)
    finally:
        kernels.stop()


def test_a_failing_cell_is_told_on_standard_error_as_well_as_raised(tmp_path, capfd):
    # Sphinx reading pages in parallel passes on only the failing page's name: the log keeps the error
    with pytest.raises(CellExecutionError):
        kernels.execute(notebook("raise ValueError('a cell that raises')"), cwd=str(tmp_path), timeout=60)
    assert "ValueError: a cell that raises" in ANSI.sub("", capfd.readouterr().err)
