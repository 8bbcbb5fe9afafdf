"""A job's on-disk spool: JSON documents written once and read back by key.

A full sync joins two catalogs that arrive in different orders (Shopify's bulk export, JOOR's pages).
Holding either in memory would make memory grow with the catalog, so one side is written here and
read back by seek: memory holds only the key → offset index.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings


def spool_root() -> Path:
    root = Path(getattr(settings, "SYNC_SPOOL_DIR", "") or Path(tempfile.gettempdir()) / "joorsync-spool")
    root.mkdir(parents=True, exist_ok=True)
    return root


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
