"""Which process runs a job, and whether that process still exists.

A job records the process that claimed it (`SyncJob.worker`): the machine (host name, kernel boot and
pid namespace) and the process (pid and start time, so a reused pid is not taken for the same
process). A process of the same machine can then tell for certain that a job's worker is gone — a
SIGKILL, an OOM kill, a crash — without waiting for the job's heartbeat to go stale. A job claimed
on another machine (or in another container) cannot be judged from here: its heartbeat decides.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

SEPARATOR = "|"


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def process_start(pid: int) -> str:
    """The process's start time (clock ticks after boot, Linux); "" where /proc does not say."""
    stat = _read(f"/proc/{pid}/stat")
    # The command name (field 2) is in parentheses and may hold spaces: count from its end.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


@cache
def machine_identity() -> str:
    """This machine as far as process ids mean the same thing: host, boot, pid namespace."""
    return SEPARATOR.join((socket.gethostname(), _read("/proc/sys/kernel/random/boot_id"), _pid_namespace()))


def worker_identity(pid: int | None = None) -> str:
    """`machine|pid|start` of this process (or of `pid` on this machine)."""
    pid = os.getpid() if pid is None else pid
    return SEPARATOR.join((machine_identity(), str(pid), process_start(pid)))


def worker_alive(identity: str) -> bool | None:
    """Whether the process named by `identity` still runs: True or False for a process of this
    machine, None when it is not of this machine (or the identity is empty or unreadable)."""
    machine, _, rest = identity.rpartition(SEPARATOR)
    machine, _, pid_text = machine.rpartition(SEPARATOR)
    start = rest
    if not machine or machine != machine_identity() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    # A zombie has exited already; a different start time means the pid was given to a new process.
    if _read(f"/proc/{pid}/stat").rpartition(")")[2].split()[:1] == ["Z"]:
        return False
    return not (start and process_start(pid) and process_start(pid) != start)
