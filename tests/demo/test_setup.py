"""The demo's own secrets: generated once per data directory, kept private, strong enough for `serve`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from hub.config import check_secrets
from hub.demo.setup import SECRETS_FILE, demo_secrets, demo_settings


def test_each_data_directory_has_its_own_secrets_kept_private(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    secrets = demo_secrets(first)
    assert demo_secrets(first) == secrets  # kept, not regenerated
    assert demo_secrets(second) != secrets
    assert stat.S_IMODE((first / SECRETS_FILE).stat().st_mode) == 0o600
    assert json.loads((first / SECRETS_FILE).read_text(encoding="utf-8")) == secrets
    settings = demo_settings(first, 8000)
    assert (settings.audit_secret, settings.session_secret) == (secrets["audit_secret"], secrets["session_secret"])
    check_secrets(settings, "demo")  # what `serve` demands
