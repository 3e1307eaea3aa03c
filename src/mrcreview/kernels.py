"""The kernels that run the chapters: one started ahead of time, and each stopped as soon as it is done.

A new kernel is ready for a chapter's cells in about 2 s (the process, pandas, Altair and the engine
that draws a chart's static SVG), about as long as Sphinx takes to start and find what changed. An
edit usually runs one chapter again, so the build's Sphinx process starts one kernel first thing, on
the other core, and the first chapter it runs takes it. Each kernel still serves one chapter only,
with the same timeout; later chapters start their own. The warm-up loads libraries and draws a
made-up chart: nothing from the project's data or chapters, which are checked meanwhile.
"""

import atexit
import contextlib
import os
import sys
import time
from pathlib import Path
from queue import Empty

from mrcreview import cores
from mrcreview.dependencies import RECORD

ENVIRONMENT = "MRCREVIEW_WARM_KERNEL"  # the chapters' folder, when the build is to start a kernel early
KERNEL = "python3"  # the kernelspec every chapter names
# What nbclient adds when it starts a kernel itself, and the warm-up (load_ipython_extension below).
ARGUMENTS = ["--HistoryManager.hist_file=:memory:", f"--ext={__name__}"]

_waiting: list = []  # the kernel not yet taken, if any: its manager, folder and the process that started it


def load_ipython_extension(shell) -> None:
    """In the kernel, before it answers: load what chapters use, and draw one chart, which starts
    the engine for static SVGs and compiles Altair's schema checks."""
    import altair as alt
    import pandas as pd

    import mrcreview.chapter  # noqa: F401 - myst-nb's glue and the table helpers
    from mrcreview.figures import chart_html

    chart_html(alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q"), "warm-up", "warm-up")


def start(folder: Path, on_cores: set[int] | None = None) -> None:
    """Start a kernel for chapters in folder, without waiting for it to be ready; on_cores, if given,
    are the cores it warms up on (cores.py)."""
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync

    manager = AsyncKernelManager(kernel_name=KERNEL, client_factory=prompt_client())
    run_sync(manager.start_kernel)(cwd=str(folder), extra_arguments=ARGUMENTS)
    _waiting[:] = [(manager, os.path.abspath(folder), os.getpid())]
    cores.pin(manager.provisioner.pid, on_cores or set())
    atexit.register(stop)


def pin_waiting(on_cores: set[int]) -> None:
    """Move the kernel not yet taken, if any, onto on_cores."""
    if _waiting:
        cores.pin(_waiting[0][0].provisioner.pid, on_cores)


def prompt_client():
    """The warm kernel's client class: ready once the kernel answers on its shell and IOPub channels.
    jupyter_client's own then waits for 0.2 s of silence on IOPub, to drop messages nobody asked for;
    nbclient reads only what answers its own requests, so for the warm kernel that is 0.2 s lost."""
    from jupyter_client import AsyncKernelClient

    class PromptClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (timeout or 60)
            while time.monotonic() < deadline:
                self.kernel_info()
                with contextlib.suppress(Empty):
                    reply = await self.get_shell_msg(timeout=1)
                    if reply["msg_type"] == "kernel_info_reply":
                        await self.get_iopub_msg(timeout=1)  # IOPub is connected: the kernel's status came
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("the kernel started ahead died before it answered")
            raise RuntimeError(f"the kernel started ahead did not answer in {timeout} s")

    return PromptClient


def take(notebook, cwd: str | None):
    """The waiting kernel if it fits this notebook (same kernel and folder, this process), else None."""
    if not _waiting:
        return None
    manager, folder, pid = _waiting[0]
    fits = (
        pid == os.getpid()  # not in a worker forked by Sphinx's parallel reading
        and cwd is not None
        and os.path.abspath(cwd) == folder
        and notebook.metadata.get("kernelspec", {}).get("name") == KERNEL
    )
    if fits:
        _waiting.clear()
    return manager if fits else None


def stop() -> None:
    """Shut down a kernel no chapter took."""
    if _waiting and _waiting[0][2] == os.getpid():
        from jupyter_core.utils import run_sync

        manager, _, _ = _waiting.pop()
        run_sync(manager.shutdown_kernel)(now=True)


def execute(nb, cwd: str | None = None, km=None, **kwargs):
    """nbclient.execute (what myst-nb calls through jupyter-cache), on the waiting kernel when it fits.

    The kernel is stopped at once when the last cell has run: a graceful shutdown waits about 0.5 s
    for the kernel to tear itself down, and nothing of it is kept (what a chapter records is written
    as it runs). A waiting kernel started before the page was read, so it is first told the page's
    record file, which a new kernel inherits. A cell's error is also written to standard error (the
    build's log): when Sphinx reads pages in parallel, it reports a failing page by name only."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    resources = {"metadata": {"path": cwd}} if cwd else {}
    warm = None if km else take(nb, cwd)
    client = NotebookClient(nb=nb, resources=resources, km=km or warm, shutdown_kernel="immediate", **kwargs)
    if warm is not None:
        client.owns_km = True  # shut down after this notebook, as a kernel nbclient started is

        async def tell_record(notebook):
            code = f"__import__('os').environ.update({{{RECORD!r}: {os.environ.get(RECORD, '')!r}}})"
            reply = await client.async_wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
            if reply is None or reply["content"]["status"] != "ok":
                raise RuntimeError(f"the warm kernel did not take the page's record file: {reply}")

        client.on_notebook_start = tell_record
    try:
        return client.execute()
    except CellExecutionError as error:
        print(error, file=sys.stderr, flush=True)
        raise
