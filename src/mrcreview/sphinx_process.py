"""Running Jupyter Book's build (book_build.py) in a process of its own, its output in a log file."""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path


def run_sphinx(root: Path, work: Path, log: Path, builder: str = "html") -> int:
    """Build root into work/_build/<builder>; everything it prints goes to log. Its exit status."""
    command = [sys.executable, "-m", "mrcreview.book_build", str(root), str(work), builder]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}  # the log shows how far a running build got
    with open(log, "w", encoding="utf-8") as stream:
        child = subprocess.Popen(
            command, cwd=root, stdout=stream, stderr=subprocess.STDOUT, env=environment, preexec_fn=_die_with_parent
        )
        try:
            return child.wait()
        except BaseException:  # stopped by a signal: Sphinx stops too, and its kernels with it
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            raise


def _die_with_parent() -> None:
    """In the child: on Linux, be killed when the build process dies, even by SIGKILL, so no orphaned
    Sphinx goes on writing into a work folder that the next build uses."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
