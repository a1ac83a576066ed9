"""Key files kept beside the hub: written once, atomically, readable by the hub's user only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def create_once(path: Path, content: bytes) -> None:
    """Answers nothing; writes `content` to `path` (mode 0600) unless the file exists; a concurrent writer wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        # link() is atomic and refuses to overwrite: another worker's file wins, ours goes.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
