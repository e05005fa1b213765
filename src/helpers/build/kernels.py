"""Kernels forked from one preloaded parent, so each job skips Python's start and the heavy imports.

A build starts one fork server: a process of the kernel's own Python that imports the
third-party modules the stale jobs' notebooks use (see `preload.py`) and those a kernel
imports as it starts (`KERNEL_START`), freezes them out of the garbage collector's reach, then forks
a fresh IPython kernel for each job, in the job's working folder, with the environment the kernel
manager gives it. Each kernel is still its own process with an empty namespace and imports the
project's modules itself. Reports are byte-identical to those of freshly started kernels, and a
killed build leaves no kernel behind (tests/test_forked_kernels.py). Linux only (it needs
os.pidfd_open); elsewhere, or if the server cannot start, the build starts kernels the usual way.

Run as `python -m helpers.build.kernels REPLY_FD` by `ForkServer` only.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .preload import PROJECT

LAUNCHER = ["-m", "ipykernel_launcher"]


def supported() -> bool:
    """Whether kernels can be forked here (Linux: fork, and pidfd to watch a process not our child)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open")


# ---- the build's side ----------------------------------------------------------------------------
class ForkServer:
    """The preloaded parent process, started from the kernelspec's own Python."""

    def __init__(self, kernel_argv: list[str], imports: list[str] | None, cwd: Path):
        if LAUNCHER[0] not in kernel_argv or kernel_argv[kernel_argv.index("-m") + 1] != LAUNCHER[1]:
            raise RuntimeError(f"the kernelspec does not start ipykernel_launcher: {kernel_argv}")
        interpreter = kernel_argv[: kernel_argv.index("-m")]
        read_end, write_end = os.pipe()
        self.process = subprocess.Popen(
            [*interpreter, "-m", __name__, str(write_end), str(os.getpid())],
            stdin=subprocess.PIPE,
            pass_fds=[write_end],
            cwd=cwd,
            text=True,
        )
        os.close(write_end)
        self.replies = os.fdopen(read_end, "r", encoding="utf-8")
        self.lock = threading.Lock()
        self.ready = False
        if imports is not None:
            self.preload(imports)

    def preload(self, imports: list[str]) -> None:
        """Send what to import before the first fork (it imports the kernel's own modules meanwhile)."""
        self._send({"preload": list(dict.fromkeys(imports))})  # it imports while the caller does other work

    def wait_ready(self) -> None:
        """Wait for the preloading to finish; raise if the server did not start."""
        if not self.ready:
            with self.lock:
                reply = self._receive()
            if reply.get("status") != "ready":
                self.close()
                raise RuntimeError(f"the fork server did not start: {reply}")
            self.ready = True

    def _send(self, message: dict) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the fork server has exited ({self.process.returncode})")
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def _receive(self) -> dict:
        line = self.replies.readline()
        if not line:
            raise RuntimeError("the fork server closed its pipe")
        return json.loads(line)

    def request(self, message: dict) -> dict:
        self.wait_ready()
        with self.lock:
            self._send(message)
            return self._receive()

    def fork(self, argv: list[str], cwd: str, env: dict) -> int:
        """Fork a kernel running `argv` (the kernelspec's command line); return its pid."""
        arguments = argv[argv.index("-m") + 2 :]
        reply = self.request({"arguments": arguments, "cwd": str(cwd), "env": dict(env)})
        if "pid" not in reply:
            raise RuntimeError(f"the fork server could not fork a kernel: {reply.get('error')}")
        return reply["pid"]

    def close(self) -> None:
        """Stop the server (its kernels have all been shut down by then)."""
        if self.process.poll() is None:
            self.process.stdin.close()  # it exits at once, skipping the slow interpreter teardown
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.replies.close()


class ForkedProcess:
    """What jupyter_client expects of a Popen, for a kernel that is the fork server's child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # already gone
            self.pidfd, self.returncode = None, 0

    def poll(self) -> int | None:
        if self.returncode is None and self.pidfd is not None and select.select([self.pidfd], [], [], 0)[0]:
            self._exited()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self.pidfd is not None:
            if not select.select([self.pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            self._exited()
        return self.returncode

    def _exited(self) -> None:
        os.close(self.pidfd)
        self.pidfd, self.returncode = None, 0  # the fork server reaps it; its status is not ours

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def kernel_manager_class(server: ForkServer):
    """An AsyncKernelManager whose kernels come from `server` (for nbclient's kernel_manager_class)."""
    import uuid

    from jupyter_client import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import default

    ReadyClient = _ready_client()

    class ForkedProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
            cwd = kwargs.get("cwd") or os.getcwd()
            pid = server.fork(cmd, cwd, kwargs.get("env") or os.environ)
            self.process = ForkedProcess(pid)
            self.pid = self.pgid = pid  # the child starts its own session, as launch_kernel's do
            self.cwd = cwd
            return self.connection_info

    class ForkedKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = ForkedProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

        @default("client_factory")
        def _client_factory_default(self):
            return ReadyClient

        async def _async_wait(self, pollinterval: float = 0.1) -> None:  # noqa: ARG002
            await super()._async_wait(pollinterval=0.01)  # a kernel that has shut down is seen at once, not 0.1 s on

    return ForkedKernelManager


def _ready_client():
    """jupyter_client's AsyncKernelClient, ready as soon as the kernel has answered on both channels.

    Its own wait_for_ready then drains IOPub until 0.2 s pass without a message: 0.2 s of every job
    spent waiting. What comes later is the kernel's status for kernel_info, which nbclient ignores
    (it reads only messages whose parent is the cell it runs).
    """
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:  # jupyter_client 8's loop: kernel_info until a reply, then one IOPub message
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    return ReadyClient


# ---- the fork server's side -----------------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (a killed build leaves no kernels).

    A parent that died before the request was made sends no signal, so a process whose parent is no
    longer `parent` (it was re-parented) exits at once instead of running on as an orphan.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


_LAUNCHER_FILE = ""
# What a kernel imports as it starts, beyond ipykernel.kernelapp (seen in ipykernel 7's sys.modules): its
# debugger (debugpy and pydevd, a third of a forked kernel's start), IPython's completer, inspector and
# history store, psutil (the local addresses) and tornado's queues. Imported here once, not in each kernel.
KERNEL_START = (
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "faulthandler",
    "psutil",
    "resource",
    "sqlite3",
    "tornado.gen",
    "tornado.locks",
    "tornado.platform.asyncio",
    "tornado.queues",
)
# Environment variables the preloaded modules set as they were imported (debugpy sets PYDEVD_USE_FRAME_EVAL):
# a kernel gets the build's environment afresh, so each kernel sets them again, as its own imports would.
_SET_BY_IMPORTS: dict[str, str] = {}


def _preload_kernel() -> None:
    """Import what every kernel imports as it starts: done as the server starts, before it knows the notebooks."""
    import importlib
    import importlib.util

    import ipykernel.kernelapp  # noqa: F401  (the kernel itself)

    global _LAUNCHER_FILE
    _LAUNCHER_FILE = importlib.util.find_spec("ipykernel_launcher").origin  # a kernel's sys.argv[0]
    for module in KERNEL_START:
        with contextlib.suppress(Exception):  # a failed preload only means each kernel imports it itself
            importlib.import_module(module)


def _preload(statements: list[str]) -> None:
    """Import what the notebooks import; a failing import is left for the notebook to report."""
    for statement in statements:
        with contextlib.suppress(Exception):
            exec(statement, {})


def _run_kernel(request: dict, reply_fd: int, server: int) -> None:
    """In the forked child: become a kernel, as `python -m ipykernel_launcher ARGS` in cwd would."""
    code = 1
    try:
        os.setsid()
        _die_with_parent(server)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.close(reply_fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # the request pipe: a kernel reads nothing from stdin
        if devnull != 0:
            os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for name, value in _SET_BY_IMPORTS.items():
            os.environ.setdefault(name, value)
        sys.argv = [_LAUNCHER_FILE, *request["arguments"]]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(request["arguments"])
        if "matplotlib_inline.backend_inline" in sys.modules:  # loaded before IPython was: hook it up now
            from matplotlib_inline.backend_inline import _enable_matplotlib_integration

            _enable_matplotlib_integration()
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(reply_fd: int, build: int) -> None:
    _die_with_parent(build)
    for name in [m for m in sys.modules if m.split(".")[0] == PROJECT]:
        del sys.modules[name]  # loaded only to run this file: kernels import the project themselves
    if sys.path and Path(sys.path[0]).resolve() == Path.cwd().resolve():
        del sys.path[0]  # as ipykernel_launcher does; the kernel puts '' back itself
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    server = os.getpid()
    replies = os.fdopen(reply_fd, "w", encoding="utf-8")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel does
    before = dict(os.environ)
    _preload_kernel()  # while the build works out what the notebooks import
    for line in sys.stdin:
        request = json.loads(line)
        if "preload" in request:
            _preload(request["preload"])
            _SET_BY_IMPORTS.update({k: v for k, v in os.environ.items() if before.get(k) != v})
            reply = {"status": "ready"}
        else:
            # The preloaded objects go to the collector's permanent generation: a kernel's collections then
            # skip them, instead of walking (and so copying, page by page) the whole inherited heap.
            gc.freeze()
            try:
                pid = os.fork()
            except OSError as exc:
                reply = {"error": str(exc)}
            else:
                if pid == 0:
                    _run_kernel(request, reply_fd, server)
                reply = {"pid": pid}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()
    replies.flush()
    os._exit(0)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
