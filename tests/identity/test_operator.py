"""X-Hub-Operator: raw UTF-8 or percent-encoded names, trimmed and bounded."""

from __future__ import annotations

import pytest

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
        ("x" * 500, "x" * 120),
    ],
)
def test_operator_names_are_decoded_and_bounded(raw: str | None, expected: str | None) -> None:
    assert operator_name(raw) == expected
