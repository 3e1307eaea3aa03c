"""Publishing a built site in one step, and one build at a time in a clone.

Readers never see half a site: the new one is copied beside the old, then the two are swapped.
"""

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from pathlib import Path


@contextlib.contextmanager
def build_lock(folder: Path):
    """One build at a time in a clone: a second one says so and waits (the lock goes with its holder)."""
    with open(folder / "build.lock", "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            print(f"build: another build is running in this clone ({holder}); waiting for it to finish.", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}")
        lock.flush()
        yield


def staged_folder(output: Path) -> Path:
    return output.with_name(output.name + ".new")


def retired_folder(output: Path) -> Path:
    return output.with_name(output.name + ".old")


def publish(built: Path, output: Path) -> None:
    """Copy the new site beside the old one, then swap them in one step, so readers never see half a site."""
    staged, retired = staged_folder(output), retired_folder(output)
    for leftover in (staged, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, staged)
    if not output.exists():
        staged.rename(output)
    elif exchange(staged, output):
        shutil.rmtree(staged)  # it now holds the old site
    else:  # no atomic swap here: two renames, which restore_interrupted_publish completes if stopped between
        output.rename(retired)
        staged.rename(output)
        shutil.rmtree(retired)


def restore_interrupted_publish(output: Path) -> None:
    """A publish stopped between its two renames left the old site in html.old and none in html."""
    retired = retired_folder(output)
    if not output.exists() and (retired / "index.html").exists():
        retired.rename(output)
    shutil.rmtree(staged_folder(output), ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 with RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(first))
