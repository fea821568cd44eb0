"""The local runtime's receipt reader in a process of its own, at a lower CPU priority than the HTTP server.

OCR is seconds of CPU per photo; run on a thread of the server it shares the interpreter (and the cores) with
every request. In its own process it holds no lock the requests need, and its niceness lets the requests'
threads run first when the cores are busy; receipts wait in the durable folder queue meanwhile. The process
dies with the server (a `kill -9` of the server takes it down too) and reads the same queue the server's
recovery pass re-queues into, so at-least-once delivery holds as with the in-process reader.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.process import BaseProcess

    from foodsave.config import Settings

# Niceness of the receipt process: requests first, OCR with what is left (Linux weights 1024 against 110).
RECEIPT_NICE = 10
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when the server that started it dies, however it dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the server died before the request above took effect
        os._exit(0)


def prepare_child(parent_pid: int, nice: int) -> None:
    """First steps of the reader process: die with the server, run at its niceness, leave Ctrl-C to the server
    (which stops this process)."""
    _die_with_parent(parent_pid)
    os.setpriority(os.PRIO_PROCESS, 0, nice)  # again, in case a thread started first: threads inherit it
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ReceiptProcess:
    """Starts and stops the receipt reader process of one local runtime."""

    def __init__(
        self, target: Callable[..., None], settings: Settings, poll_seconds: float, nice: int = RECEIPT_NICE
    ) -> None:
        """`target(settings, poll_seconds, parent_pid, nice)` is the child's main: a module-level function,
        since the child is spawned; it calls `prepare_child` first."""
        self.target = target
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.nice = nice
        self._process: BaseProcess | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        context: Any = multiprocessing.get_context("spawn")
        with self._lock:
            nice = min(os.getpriority(os.PRIO_PROCESS, 0) + self.nice, 19)
            self._process = context.Process(
                target=self.target,
                args=(self.settings, self.poll_seconds, os.getpid(), nice),
                name="foodsave-receipts",
                daemon=True,
            )
            self._process.start()
            if self._process.pid is not None:  # at once, before the child can start threads
                os.setpriority(os.PRIO_PROCESS, self._process.pid, nice)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM: the reader finishes the receipt in hand (or it is re-queued at the next start)."""
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(5)
