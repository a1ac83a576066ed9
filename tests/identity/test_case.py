"""X-Hub-Case: case numbers raw or percent-encoded, normalised; anything else refused without echoing it."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from hub.errors import ErrorCode, HubError
from hub.identity.case import canonical_case_number, case_number

CASE = "（2024）晋01执123号"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("  ", None),
        (quote(CASE), CASE),
        (CASE.encode().decode("latin-1"), CASE),
        ("(2024)晋01执123号", CASE),
        (" （2024） 晋01执 123号 ", CASE),
        ("〔2024〕晋01执123号", CASE),
        ("（２０２４）晋０１执１２３号", CASE),
        ("（2024）最高法执监45号之一", "（2024）最高法执监45号之一"),
        ("2024-ZX-0001", "2024-ZX-0001"),
    ],
)
def test_case_numbers_are_decoded_and_normalised(raw: str | None, expected: str | None) -> None:
    assert case_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["123", "张三李四王五", "(2024)晋01执123号;DROP", "<b>2024</b>", "1" * 65, quote("（2024）\n晋01执\x00号")]
)
def test_anything_else_is_bad_input_naming_the_header_not_the_value(raw: str) -> None:
    with pytest.raises(HubError) as caught:
        case_number(raw)
    error = caught.value
    assert error.code is ErrorCode.BAD_USER_INPUT
    assert error.message.startswith("the X-Hub-Case header is not a case number")
    assert "（2024）晋01执123号" in (error.fix or "")
    assert raw not in error.message


def test_an_argument_is_named_as_such() -> None:
    with pytest.raises(HubError, match=r"^caseNumber is not a case number"):
        canonical_case_number("none", place="caseNumber")
