"""Key files: written once with mode 0600; an existing file is never overwritten."""

from __future__ import annotations

import stat
from pathlib import Path

from hub.identity.secret_file import create_once


def test_the_first_content_stays_and_nothing_else_is_left(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "key.jwk"
    create_once(path, b"first")
    create_once(path, b"second")  # another worker starting at the same time
    assert path.read_bytes() == b"first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["key.jwk"]
