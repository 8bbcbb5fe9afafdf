"""The demo's child processes: start each in its own process group with its output in a log file, wait
until it answers on its port, and stop them all (terminate, wait, kill the group after a timeout).

Each child leads its own process group so that Ctrl-C in the terminal reaches only the demo, which
then stops the children in a known order; killing the group also ends a child's own workers
(`qcluster` forks them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class DemoError(Exception):
    """A demo step that cannot go on; the message says what failed and where to look."""


@dataclass
class Child:
    """One started child process and where its output goes."""

    name: str
    argv: list[str]
    port: int | None
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        """The end of the child's log, for an error message."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def port_open(host: str, port: int, *, timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(
    *,
    host: str,
    port: int,
    timeout: float,
    alive: Callable[[], bool] = lambda: True,
    poll: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Wait until host:port accepts connections; returns the seconds waited.

    Raises DemoError when `alive()` turns false (the process died while starting) or on timeout.
    """
    start = clock()
    while True:
        if port_open(host, port):
            return clock() - start
        if not alive():
            raise DemoError(f"the process for port {port} exited before it answered")
        if clock() - start > timeout:
            raise DemoError(f"nothing answered on {host}:{port} within {timeout:.0f} s")
        sleep(poll)


class Supervisor:
    """Starts children and stops all of them, newest first."""

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        cwd: Path,
        log_dir: Path,
        host: str = "127.0.0.1",
        stop_timeout: float = 10.0,
    ) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self.log_dir = log_dir
        self.host = host
        self.stop_timeout = stop_timeout
        self.children: list[Child] = []

    def start(
        self, *, name: str, argv: Sequence[str], port: int | None, stop_signal: int = signal.SIGTERM
    ) -> Child:
        """Start one child; its stdout and stderr go to `<log_dir>/<name>.log` (truncated).

        `stop_signal` asks it to stop: SIGINT for servers that treat KeyboardInterrupt as a clean
        shutdown, SIGTERM (the default) for django-q's cluster, which stops its workers on it."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter running our own commands
                list(argv),
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
        child = Child(
            name=name, argv=list(argv), port=port, log_path=log_path, process=process, stop_signal=stop_signal
        )
        self.children.append(child)
        return child

    def wait_ready(self, child: Child, *, timeout: float) -> float:
        """Wait until the child answers on its port; a child that dies or hangs fails with its log."""
        if child.port is None:
            return 0.0
        try:
            return wait_for_port(host=self.host, port=child.port, timeout=timeout, alive=child.alive)
        except DemoError as exc:
            raise DemoError(
                f"{child.name} did not start: {exc}\n--- {child.log_path}:\n{child.log_tail()}"
            ) from exc

    def first_exited(self) -> Child | None:
        """A child that is no longer running, if any."""
        return next((child for child in self.children if not child.alive()), None)

    def stop_all(self) -> list[tuple[str, int | None]]:
        """Stop every child, newest first: its stop signal, then SIGTERM for one that ignores it, then
        SIGKILL to its whole group once `stop_timeout` has passed. Returns each child's name and exit
        code."""
        for child in reversed(self.children):
            if child.alive():
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(child.stop_signal)
        polite = time.monotonic() + self.stop_timeout / 2
        deadline = time.monotonic() + self.stop_timeout
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=max(0.0, polite - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.process.wait(timeout=5)
            # Workers the child forked share its group: none may outlive the demo.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
        return [(child.name, child.process.returncode) for child in self.children]
