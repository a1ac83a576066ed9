"""Every policy key is documented in policies/README.md (the Datasette rule)."""

from __future__ import annotations

from pydantic import BaseModel

from hub.policy.decision import MASKERS
from hub.policy.model import ConsentSpec, LimitsSpec, PolicySpec, RowScopeSpec
from hub.policy.purposes import DepartmentKind
from tests.policy.conftest import POLICIES

README = (POLICIES / "README.md").read_text(encoding="utf-8")


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    return [f"{prefix}{name}" for name in model.model_fields]


def test_every_key_is_documented() -> None:
    keys = [
        *_keys(PolicySpec),
        *_keys(ConsentSpec, "consent."),
        *_keys(RowScopeSpec, "row_scope."),
        *_keys(LimitsSpec, "limits."),
    ]
    missing = [key for key in keys if f"`{key}`" not in README and f"`{key}." not in README]
    assert missing == []


def test_every_masker_and_kind_is_documented() -> None:
    assert [m for m in sorted(MASKERS) if f"`{m}`" not in README] == []
    assert [k for k in DepartmentKind if f"`{k.value}`" not in README] == []
