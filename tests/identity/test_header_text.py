"""Register headers: what is unfit for the register, and X-Request-Id."""

from __future__ import annotations

import pytest

from hub.errors import ErrorCode, HubError
from hub.identity.header_text import request_id, unfit_character


@pytest.mark.parametrize("text", ["clerk-7", "王审批", "Zoë", "（2024）晋01执123号", "a b"])
def test_visible_text_is_fit(text: str) -> None:
    assert unfit_character(text) is None


@pytest.mark.parametrize(
    "char", ["\x00", "\x1b", "\x7f", "\x85", "\u200b", "\u200d", "\u2066", "\ufeff", "\ud800", "\U000f0000", "\u3000"]
)
def test_control_invisible_and_private_characters_are_unfit(char: str) -> None:
    assert unfit_character(f"a{char}b") is not None


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, None), ("", None), ("req-1:a/b", "req-1:a/b"), ("x" * 128, "x" * 128)]
)
def test_request_ids_of_visible_ascii_pass(raw: str | None, expected: str | None) -> None:
    assert request_id(raw) == expected


@pytest.mark.parametrize("raw", ["x" * 129, "a b", "a\tb", "é"])
def test_other_request_ids_are_refused(raw: str) -> None:
    with pytest.raises(HubError, match="X-Request-Id") as caught:
        request_id(raw)
    assert caught.value.code is ErrorCode.BAD_USER_INPUT
