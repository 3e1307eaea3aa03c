"""Chapter kernels talk to the build over Unix sockets, not TCP ports.

Over TCP, Jupyter picks a kernel's five ports by binding to port 0 and letting go; the kernel binds
them about a second later, once it has started. Anything that takes one of those ports meanwhile (a
kernel starting beside it, a connection's source port) kills it: "Address already in use", then
"Kernel died before replying to kernel_info". Over IPC each kernel's sockets are files named after the
kernel's unique id, so kernels started at once, by one build or by several, can never collide.

The provisioner is registered under the entry point `jupyter_client.kernel_provisioners` (pyproject.toml)
and chosen through JUPYTER_DEFAULT_PROVISIONER_NAME, the variable jupyter_client reads for kernels whose
kernelspec names no provisioner: every kernel this process and its children start, whoever starts them
(MyST-NB's execution, nbval), uses it.
"""

import os
import tempfile

from jupyter_client.provisioning import LocalProvisioner

NAME = "mrcreview-ipc"
VARIABLE = "JUPYTER_DEFAULT_PROVISIONER_NAME"


class IPCProvisioner(LocalProvisioner):
    """A local kernel whose sockets are files in the temporary folder, named after its kernel id."""

    async def pre_launch(self, **kwargs):
        manager = self.parent
        manager.transport = "ipc"
        # unique per kernel; short enough for a socket's path (107 bytes) with the "-<port>" suffix
        manager.ip = os.path.join(tempfile.gettempdir(), f"kernel-{self.kernel_id}")
        return await super().pre_launch(**kwargs)


def use_ipc_kernels() -> None:
    """Kernels started from now on by this process and its children use IPCProvisioner."""
    os.environ[VARIABLE] = NAME
