"""A witness of the register outside its database: each signed checkpoint appended to a file of its own."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from hub.audit.checkpoints import export_lines, parse_lines
from hub.errors import ConfigError
from hub.store.audit_rows import CheckpointRow

log = logging.getLogger(__name__)
WITNESS_FILE = "checkpoints.jsonl"


class DirectoryWitness:
    """Checkpoints published as JSON lines to `<folder>/checkpoints.jsonl`, appended to and never rewritten.

    The folder is meant to live where the hub database's administrators cannot rewrite it (another
    host's mount, an object store's append-only bucket synced in, a WORM volume): deleting the
    register's tail together with its checkpoints then still leaves the witness ahead of the database.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / WITNESS_FILE

    def check(self) -> None:
        """Answers nothing; raises ConfigError when the witness file cannot be appended to."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.close(descriptor)
        except OSError as exc:
            raise ConfigError(
                f"cannot append to the audit witness ({exc.strerror})",
                place=f"audit_witness_dir ({self.path.parent})",
                fix="create the folder and let the hub's user append to it, or unset audit_witness_dir",
            ) from None

    def publish(self, checkpoint: CheckpointRow) -> None:
        """Answers nothing; appends and syncs one checkpoint (a failure is logged: the register goes on)."""
        line = ("".join(export_lines([checkpoint])) + "\n").encode()
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, line)  # one write of one line: appends from several workers do not interleave
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError as exc:
            log.error("audit witness not written (%s): checkpoint at seq %s", type(exc).__name__, checkpoint.seq)

    def published(self) -> list[CheckpointRow]:
        """Answers every checkpoint the witness holds (none when it has none yet); ValueError names a bad line."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        lines = text.split("\n")
        return parse_lines(lines[:-1])  # what follows the last newline is a write torn by a crash, or nothing
