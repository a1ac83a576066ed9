"""The anomaly rules' thresholds are settings: `audit_anomalies.*` in hub.toml or HUB_AUDIT_ANOMALIES__*."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from hub.audit.anomalies import AnomalyThresholds, detect
from hub.config import AnomalySettings, load_settings
from hub.errors import ConfigError
from tests.audit.support import SECRET, event
from tests.audit.test_anomalies import MONDAY_9AM, rules_fired


def test_the_defaults_are_the_rules_defaults() -> None:
    assert AnomalyThresholds.from_settings(AnomalySettings()) == AnomalyThresholds()


def test_environment_variables_set_the_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_AUDIT_ANOMALIES__DENIALS", "3")
    monkeypatch.setenv("HUB_AUDIT_ANOMALIES__DENIAL_WINDOW_MINUTES", "2.5")
    monkeypatch.setenv("HUB_AUDIT_ANOMALIES__OFFICE_CLOSES", "20:30")
    monkeypatch.setenv("HUB_AUDIT_ANOMALIES__SUBJECT_WINDOW_HOURS", "48")
    thresholds = AnomalyThresholds.from_settings(load_settings().audit_anomalies)
    assert (thresholds.denials, thresholds.denial_window) == (3, timedelta(minutes=2.5))
    assert (thresholds.office_closes, thresholds.subject_window) == (time(20, 30), timedelta(hours=48))


def test_a_toml_file_sets_them_too(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text("[audit_anomalies]\nbulk_event_ceiling = 30\nweekends_out_of_hours = false\n", encoding="utf-8")
    settings = load_settings(config)
    burst = [event(at=MONDAY_9AM + timedelta(seconds=n), subjects=[f"S{n}"]) for n in range(40)]
    thresholds = AnomalyThresholds.from_settings(settings.audit_anomalies)
    assert [a.rule for a in detect(burst, secret=SECRET, thresholds=thresholds)] == ["bulk_lookups"]
    assert rules_fired(burst) == {}  # the default ceiling (500) is not reached


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("HUB_AUDIT_ANOMALIES__DENIALS", "1", "audit_anomalies.denials"),
        ("HUB_AUDIT_ANOMALIES__LOCAL_ZONE", "Mars/Olympus", "unknown time zone"),
        ("HUB_AUDIT_ANOMALIES__OFFICE_OPENS", "23:00", "office_opens must come before office_closes"),
    ],
)
def test_a_bad_threshold_names_the_key_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert fragment in str(caught.value)
    assert "HUB_AUDIT_ANOMALIES" in (caught.value.fix or "")
