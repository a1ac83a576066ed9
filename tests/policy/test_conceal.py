"""`conceal_access_days`: accesses for a purpose stay out of the subject's access log for a while."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hub.catalog.model import Catalog
from hub.errors import ConfigError
from hub.policy.load import PolicySet, load_policy
from hub.policy.purposes import Purpose
from tests.policy.conftest import Writer

TODAY = date(2026, 3, 1)


def test_court_conceals_enforcement_searches_for_180_days(policy_set: PolicySet) -> None:
    court = policy_set.departments["court"]
    assert court.concealed_until(Purpose.LAW_ENFORCEMENT, TODAY) == TODAY + timedelta(days=180)
    assert court.concealed_until(Purpose.SUPERVISION, TODAY) is None


def test_other_departments_conceal_nothing(policy_set: PolicySet) -> None:
    for key, policy in policy_set.departments.items():
        if key != "court":
            assert all(policy.concealed_until(purpose, TODAY) is None for purpose in policy.purposes), key


def test_a_written_concealment_compiles(write_policy: Writer, catalog: Catalog) -> None:
    policy = load_policy(write_policy(conceal="conceal_access_days:\n  SUPERVISION: 30"), catalog)
    assert policy.concealed_until(Purpose.SUPERVISION, TODAY) == TODAY + timedelta(days=30)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("conceal_access_days:\n  LAW_ENFORCEMENT: 30  # <-", "not in the department's purposes"),
        ("conceal_access_days:\n  SUPERVISION: 0  # <-", "'conceal_access_days.SUPERVISION'"),
        ("conceal_access_days:\n  SUPERVISION: '30'  # <-", "'conceal_access_days.SUPERVISION'"),
        ("conceal_access_days:\n  SNOOPING: 30  # <-", "'conceal_access_days.SNOOPING'"),
    ],
)
def test_bad_concealment_names_file_line_and_fix(
    write_policy: Writer, catalog: Catalog, text: str, fragment: str
) -> None:
    path = write_policy(conceal=text)
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "# <-" in row)
    with pytest.raises(ConfigError) as caught:
        load_policy(path, catalog)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert fragment in str(caught.value)
