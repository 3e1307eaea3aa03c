"""While a build starts, Sphinx gets a core of its own.

A build starts three processes at once: Sphinx loading its modules, which everything after waits for;
the data check; and, for an edit, the kernel warming up for the first chapter. On two cores the three
share them, and Sphinx takes half as long again to start. So until Sphinx is told to go, it runs on the
first usable core and the other two on the rest (Linux only; elsewhere nothing is pinned). Then every
process may use every core again.
"""

import contextlib
import os
from pathlib import Path


def usable() -> set[int]:
    """The cores this process may run on; empty where that cannot be told or changed."""
    return os.sched_getaffinity(0) if hasattr(os, "sched_setaffinity") else set()


def for_sphinx(cores: set[int]) -> set[int]:
    """The core Sphinx starts on; empty (no pinning) with fewer than two."""
    return {min(cores)} if len(cores) > 1 else set()


def for_the_rest(cores: set[int]) -> set[int]:
    """The cores the check and the kernel start on; empty (no pinning) with fewer than two."""
    return cores - {min(cores)} if len(cores) > 1 else set()


def pin(pid: int, cores: set[int]) -> None:
    """Every thread of process pid (0: this one) onto cores. Nothing when cores is empty, and nothing
    when the process has ended or may not be moved: it then only starts as it would have."""
    if not cores:
        return
    try:
        threads = [int(task.name) for task in Path(f"/proc/{pid or os.getpid()}/task").iterdir()]
    except OSError:
        threads = [pid]
    for thread in threads:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(thread, cores)


@contextlib.contextmanager
def pinned(cores: set[int]):
    """This process on cores while the block runs, then back on those it had."""
    before = usable()
    pin(0, cores)
    try:
        yield
    finally:
        pin(0, before)
