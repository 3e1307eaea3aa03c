"""While a build starts, Sphinx gets a core of its own: cores are split, every thread of a process is
moved, a process that has ended is left alone, and this process gets back the cores it had."""

import subprocess
import sys

import psutil
import pytest

from mrcreview import cores

EVERY = cores.usable()
needs_two = pytest.mark.skipif(len(EVERY) < 2, reason="with one core nothing is pinned")


def affinity_of_threads(pid: int) -> list[set[int]]:
    return [set(psutil.Process(thread.id).cpu_affinity()) for thread in psutil.Process(pid).threads()]


def test_sphinx_gets_the_first_core_and_the_rest_the_others():
    assert (cores.for_sphinx({0, 1}), cores.for_the_rest({0, 1})) == ({0}, {1})
    assert (cores.for_sphinx({5, 2, 7}), cores.for_the_rest({5, 2, 7})) == ({2}, {5, 7})
    for few in (set(), {3}):  # nothing to split: nothing is pinned
        assert cores.for_sphinx(few) == set() and cores.for_the_rest(few) == set()


@needs_two
def test_every_thread_of_a_process_is_moved_and_moved_back():
    threads = "import threading, time; threading.Thread(target=time.sleep, args=(60,)).start(); print(1, flush=True)"
    child = subprocess.Popen([sys.executable, "-c", threads], stdout=subprocess.PIPE)
    try:
        child.stdout.readline()  # its second thread is running
        one = cores.for_sphinx(EVERY)
        cores.pin(child.pid, one)
        moved = affinity_of_threads(child.pid)
        assert len(moved) == 2 and all(each == one for each in moved)
        cores.pin(child.pid, EVERY)
        assert all(each == EVERY for each in affinity_of_threads(child.pid))
    finally:
        child.kill()
        child.wait()
    cores.pin(child.pid, cores.for_sphinx(EVERY))  # it has ended: nothing to move, and no error


@needs_two
def test_this_process_gets_its_cores_back_after_the_block_even_when_it_fails():
    rest = cores.for_the_rest(EVERY)
    with cores.pinned(rest):
        assert cores.usable() == rest
    assert cores.usable() == EVERY
    with pytest.raises(KeyError), cores.pinned(rest):
        raise KeyError("the check failed")
    assert cores.usable() == EVERY
    with cores.pinned(set()):  # one core: nothing pinned
        assert cores.usable() == EVERY
