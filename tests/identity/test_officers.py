"""Officers named by the organisation's identity provider: the group that makes a person an officer of a department,
and how the register names them (a resident ID or mobile number used as an id masked)."""

from __future__ import annotations

import pytest

from hub.config import OidcSettings
from hub.errors import ErrorCode, HubError
from hub.identity.officers import officer_from_claims, shown_id

CONFIG = OidcSettings(
    issuer="https://idp", jwks_url="https://idp/jwks", client_id="credit-hub",
    authorization_endpoint="https://idp/authorize", token_endpoint="https://idp/token",
    officer_groups={"privacy-officers": "privacy-office", "regulators": "market-regulation"},
)  # fmt: skip


def test_a_person_in_an_officer_group_is_an_officer_of_its_department() -> None:
    officer = officer_from_claims({"sub": "e-20931", "name": "孙立", "groups": ["staff", "privacy-officers"]}, CONFIG)
    assert (officer.account, officer.name, officer.department) == ("e-20931", "孙立", "privacy-office")
    assert officer.operator == "孙立（e-20931）"


def test_groups_given_as_one_string_and_another_claim_are_read() -> None:
    config = CONFIG.model_copy(update={"officer_claim": "roles", "officer_name_claim": "preferred_username"})
    officer = officer_from_claims({"sub": "7", "preferred_username": "赵丽", "roles": "a regulators"}, config)
    assert (officer.operator, officer.department) == ("赵丽（7）", "market-regulation")


def test_without_a_name_the_register_names_the_id_alone_and_control_characters_are_dropped() -> None:
    officer = officer_from_claims({"sub": "e-1\u202e\n", "groups": ["privacy-officers"]}, CONFIG)
    assert officer.operator == "e-1"


@pytest.mark.parametrize(
    ("groups", "reason"),
    [([], "not_officer"), (["staff"], "not_officer"), (None, "not_officer"), (7, "not_officer"),
     (["privacy-officers", "regulators"], "several_departments")],
)  # fmt: skip
def test_a_person_who_is_not_the_officer_of_one_department_is_refused_naming_them(groups: object, reason: str) -> None:
    with pytest.raises(HubError) as caught:
        officer_from_claims({"sub": "e-555", "name": "李四", "groups": groups}, CONFIG)
    assert caught.value.code is ErrorCode.FORBIDDEN
    assert caught.value.extra == {"operator": "李四（e-555）", "reason": reason}
    assert caught.value.fix


def test_a_token_without_the_id_claim_is_unauthenticated() -> None:
    with pytest.raises(HubError) as caught:
        officer_from_claims({"name": "李四", "groups": ["privacy-officers"]}, CONFIG)
    assert caught.value.code is ErrorCode.UNAUTHENTICATED
    assert "officer_id_claim" in (caught.value.fix or "")


def test_an_id_that_is_a_resident_id_or_a_mobile_number_is_masked() -> None:
    assert shown_id("11010519491231002X") == "110105********002X"
    assert shown_id("13812345678") == "138****5678"
    assert shown_id("+8613812345678") == "138****5678"
    assert shown_id("e-20931") == "e-20931"
