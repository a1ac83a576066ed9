"""A department policy file as written in policies/<department>.yaml (see policies/README.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from hub.catalog.model import Sharing
from hub.identity.scopes import CLIENT_SCOPES
from hub.policy.decision import parse_decision
from hub.policy.purposes import DepartmentKind, Purpose


def _known_decision(text: str) -> str:
    parse_decision(text)
    return text


def _known_scope(text: str) -> str:
    if text not in CLIENT_SCOPES:
        raise ValueError(f"unknown scope '{text}'; choose from: {' '.join(sorted(CLIENT_SCOPES))}")
    return text


DecisionText = Annotated[str, AfterValidator(_known_decision)]
ClientScope = Annotated[str, AfterValidator(_known_scope)]
Division = Annotated[str, StringConstraints(pattern=r"^\d{2}(?:\d{2}){0,2}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ConcealDays = Annotated[StrictInt, Field(ge=1, le=3650)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSpec(_Strict):
    """One record type's rule: a decision for all its fields, with per-field overrides."""

    default: DecisionText = "deny"
    fields: dict[str, DecisionText] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        return {"default": value} if isinstance(value, str) else value


Rules = dict[str, RuleSpec]


class ConsentSpec(_Strict):
    """Whether natural persons' records need their consent, and which record types it protects."""

    natural_persons: Literal["required", "not_required"]
    record_types: list[str] | None = None


class RowScopeSpec(_Strict):
    """Which subjects and whose records the department may see."""

    divisions: list[Division] = Field(default_factory=list)
    natural_persons: StrictBool = True
    own_records_only: StrictBool = False
    exceptions: dict[str, Text] = Field(default_factory=dict)


class LimitsSpec(_Strict):
    """Bounds on one request."""

    subjects_per_request: StrictInt = Field(ge=1, le=1000)
    depth: StrictInt = Field(ge=2, le=20)
    aliases: StrictInt = Field(ge=1, le=100)
    cost: StrictInt = Field(ge=1, le=100_000)


class PolicySpec(_Strict):
    """A whole policies/<department>.yaml."""

    department: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
    title: Text
    kind: DepartmentKind
    purposes: list[Purpose] = Field(min_length=1)
    scopes: list[ClientScope] = Field(min_length=1)
    operator_required: StrictBool
    max_sharing: Sharing = Sharing.PUBLIC
    max_sharing_masked: Sharing | None = None
    consent: ConsentSpec
    row_scope: RowScopeSpec = Field(default_factory=RowScopeSpec)
    limits: LimitsSpec
    rules: Rules = Field(default_factory=dict)
    by_purpose: dict[Purpose, Rules] = Field(default_factory=dict)
    conceal_access_days: dict[Purpose, ConcealDays] = Field(default_factory=dict)
    conceal_until_case_closes: list[Purpose] = Field(default_factory=list)
    documents: Literal["required", "optional"] = "optional"

    @property
    def masked_ceiling(self) -> Sharing:
        """Answers the most restricted level the department may see masked."""
        return self.max_sharing_masked or self.max_sharing
