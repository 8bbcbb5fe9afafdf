"""A job's on-disk spool: JSON documents written once and read back by key.

A full sync joins two catalogs that arrive in different orders (Shopify's bulk export, JOOR's pages).
Holding either in memory would make memory grow with the catalog, so one side is written here and
read back by seek: memory holds only the key → offset index.

A worker killed mid-sync (SIGKILL, OOM, a lost machine) never reaches `cleanup`, so every new job spool
first removes the directories such jobs left behind: those of jobs not running, untouched for
`LEFTOVER_AGE`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from joorsync.sync.models import SyncJob

logger = logging.getLogger(__name__)

#: A job's spool directory untouched this long while the job is not running was left by a dead worker.
#: A live one writes to its spool all the time; the age only spares a worker the sweeper just declared
#: stale while it is still, slowly, at work.
LEFTOVER_AGE = timedelta(hours=1)

_JOB_DIR = re.compile(r"job-(\d+)")


def spool_root() -> Path:
    root = Path(getattr(settings, "SYNC_SPOOL_DIR", "") or Path(tempfile.gettempdir()) / "joorsync-spool")
    root.mkdir(parents=True, exist_ok=True)
    return root


def _last_touched(path: Path) -> float:
    """The newest modification time of the directory and the files in it (writes touch only files)."""
    newest = path.stat().st_mtime
    with os.scandir(path) as entries:
        for entry in entries:
            newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
    return newest


def spool_leftovers_remove(*, keep: int | None = None) -> list[int]:
    """Remove the spool directories of jobs that are not running and were untouched for
    `LEFTOVER_AGE` (or whose job row is gone); `keep` is a job id never touched. Returns the ids."""
    root = spool_root()
    found: dict[int, Path] = {}
    for path in root.iterdir():
        match = _JOB_DIR.fullmatch(path.name)
        if match and path.is_dir() and not path.is_symlink() and int(match[1]) != keep:
            found[int(match[1])] = path
    if not found:
        return []
    running = set(
        SyncJob.objects.filter(pk__in=found, status=SyncJob.Status.RUNNING).values_list("pk", flat=True)
    )
    cutoff = time.time() - LEFTOVER_AGE.total_seconds()
    removed = []
    for job_id, path in sorted(found.items()):
        try:
            if job_id in running or _last_touched(path) > cutoff:
                continue
        except OSError:  # removed meanwhile by another worker's sweep
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(job_id)
    if removed:
        logger.info("removed the spool directories left by dead jobs %s", removed)
    return removed


class Spool:
    """Append-only JSON lines with an in-memory offset index. Not shared between processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offsets: dict[str, int] = {}
        self._file: IO[bytes] = open(path, "w+b")  # noqa: SIM115 - closed in close()

    def put(self, key: str, document: Any) -> None:
        self._file.seek(0, 2)
        self._offsets[key] = self._file.tell()
        self._file.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

    def get(self, key: str) -> Any | None:
        offset = self._offsets.get(key)
        if offset is None:
            return None
        self._file.seek(offset)
        return json.loads(self._file.readline())

    def __contains__(self, key: str) -> bool:
        return key in self._offsets

    def __len__(self) -> int:
        return len(self._offsets)

    def keys(self) -> Iterator[str]:
        return iter(list(self._offsets))

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


class JobSpool:
    """The spool directory of one job, removed when the job is done with it."""

    def __init__(self, job_id: int) -> None:
        spool_leftovers_remove(keep=job_id)
        self.dir = spool_root() / f"job-{job_id}"
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self._spools: list[Spool] = []

    def open(self, name: str) -> Spool:
        spool = Spool(self.dir / f"{name}.jsonl")
        self._spools.append(spool)
        return spool

    def cleanup(self) -> None:
        for spool in self._spools:
            spool.close()
        shutil.rmtree(self.dir, ignore_errors=True)
