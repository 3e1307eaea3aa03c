"""Chapter kernels use IPC sockets, so that kernels started at once never race for TCP ports."""

import os
import subprocess
import sys

from mrcreview.kernel_transport import NAME, VARIABLE

START_A_KERNEL = """
import glob
from jupyter_client.manager import start_new_kernel
from mrcreview.kernel_transport import use_ipc_kernels
if {ipc}:
    use_ipc_kernels()
manager, client = start_new_kernel(kernel_name="python3")
reply = client.execute_interactive("answer = 6 * 7", timeout=60)
sockets = glob.glob(manager.ip + "-*")
client.stop_channels()
manager.shutdown_kernel(now=True)
print(manager.transport, reply["content"]["status"], len(sockets), len(glob.glob(manager.ip + "-*")))
"""


def kernel_facts(ipc: bool) -> list[str]:
    code = START_A_KERNEL.format(ipc=ipc)
    environment = {name: value for name, value in os.environ.items() if name != VARIABLE}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_a_kernel_started_for_a_chapter_talks_over_unix_sockets_it_removes_when_it_ends():
    # five sockets while it runs (shell, iopub, stdin, control, heartbeat), none once it is shut down
    assert kernel_facts(ipc=True) == ["ipc", "ok", "5", "0"]


def test_without_the_provisioner_jupyter_would_use_tcp():
    assert kernel_facts(ipc=False)[:2] == ["tcp", "ok"]


def test_every_kernel_of_the_test_run_nbval_included_uses_the_provisioner():
    assert os.environ.get(VARIABLE) == NAME  # set by the root conftest.py before any kernel starts


def test_no_kernel_of_the_build_ran_over_tcp(built_project):
    log = (built_project / "_build" / "build.log").read_text(encoding="utf-8")
    assert "Executed notebook" in log and "TCP" not in log
