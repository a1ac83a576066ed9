"""X-Hub-Operator: raw UTF-8 or percent-encoded names, trimmed; invisible, control or over-long ones refused."""

from __future__ import annotations

import pytest

from hub.errors import ErrorCode, HubError
from hub.identity.operator import operator_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("   ", None),
        ("clerk-0042", "clerk-0042"),
        ("%E7%8E%8B%E5%AE%A1%E6%89%B9", "王审批"),
        ("王审批".encode().decode("latin-1"), "王审批"),
        (" loan officer 17 ", "loan officer 17"),
        ("Zoë Müller", "Zoë Müller"),
        ("x" * 120, "x" * 120),
    ],
)
def test_operator_names_are_decoded_and_trimmed(raw: str | None, expected: str | None) -> None:
    assert operator_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("%00", "a control character (U+0000)"),
        ("%E2%80%8B", "an invisible formatting character (U+200B)"),
        ("a%E2%80%AEb", "an invisible formatting character (U+202E)"),
        ("%EE%80%80", "a private-use character (U+E000)"),
        ("%CD%B8x", "an unassigned code point (U+0378)"),
        ("%E2%80%A8x", "a line separator (U+2028)"),
        ("a%C2%A0b", "a space other than U+0020 (U+00A0)"),
        ("%E3%85%A4", "an invisible character (U+3164)"),
        ("%ED%A0%80", "percent-encoding that is not UTF-8"),
        ("x" * 121, "121 characters, more than 120"),
        ("x" * 2000, "more than 1024 bytes"),
        ("...", "no letter or digit"),
    ],
)
def test_unfit_operator_names_are_refused_naming_the_header(raw: str, problem: str) -> None:
    with pytest.raises(HubError) as caught:
        operator_name(raw)
    assert caught.value.code is ErrorCode.BAD_USER_INPUT
    assert caught.value.message == f"the X-Hub-Operator header holds {problem}"
    assert "at most 120 characters" in (caught.value.fix or "")
