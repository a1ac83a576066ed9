"""`conceal_access_days` and `conceal_until_case_closes`: accesses for a purpose stay out of the subject's
access log for a while, or until the case they were made for closes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hub.catalog.model import Catalog
from hub.errors import ConfigError, ErrorCode, HubError
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


def test_court_conceals_enforcement_searches_until_the_case_closes(policy_set: PolicySet) -> None:
    court = policy_set.departments["court"]
    assert court.conceals_until_case_closes(Purpose.LAW_ENFORCEMENT)
    court.require_case(Purpose.LAW_ENFORCEMENT, "（2024）晋01执123号")
    with pytest.raises(HubError) as caught:
        court.require_case(Purpose.LAW_ENFORCEMENT, None)
    assert caught.value.code is ErrorCode.BAD_USER_INPUT
    assert "X-Hub-Case" in (caught.value.fix or "")
    others = [p for p in policy_set.departments.values() if p.department != "court"]
    assert not any(p.conceals_until_case_closes(purpose) for p in others for purpose in p.purposes)
    policy_set.departments["bank"].require_case(Purpose.CREDIT_LENDING, None)  # no case needed


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("conceal_until_case_closes: [SUPERVISION]", None),
        ("conceal_until_case_closes: [SUPERVISION]\nconceal_access_days:\n  SUPERVISION: 90", 90),
    ],
)
def test_a_case_bound_concealment_compiles_with_or_without_a_bound(
    write_policy: Writer, catalog: Catalog, text: str, days: int | None
) -> None:
    policy = load_policy(write_policy(conceal=text), catalog)
    assert policy.conceals_until_case_closes(Purpose.SUPERVISION)
    expected = TODAY + timedelta(days=days) if days else None
    assert policy.concealed_until(Purpose.SUPERVISION, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("conceal_access_days:\n  LAW_ENFORCEMENT: 30  # <-", "not in the department's purposes"),
        ("conceal_access_days:\n  SUPERVISION: 0  # <-", "'conceal_access_days.SUPERVISION'"),
        ("conceal_access_days:\n  SUPERVISION: '30'  # <-", "'conceal_access_days.SUPERVISION'"),
        ("conceal_access_days:\n  SNOOPING: 30  # <-", "'conceal_access_days.SNOOPING'"),
        ("conceal_until_case_closes:\n  - LAW_ENFORCEMENT  # <-", "is not in the department's purposes"),
        ("conceal_until_case_closes:\n  - SUPERVISION\n  - SUPERVISION  # <-", "lists SUPERVISION twice"),
        ("conceal_until_case_closes:\n  - SNOOPING  # <-", "'conceal_until_case_closes.0'"),
        ("conceal_until_case_closes: SUPERVISION  # <-", "'conceal_until_case_closes'"),
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
    assert "fix:" in str(caught.value)
