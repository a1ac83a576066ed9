"""What a department may submit for a record type (the catalogue's `collection` block), and how it is checked.

A record type is submittable when the catalogue gives it a `collection` block: the fields that make one item
the same item on resubmission (`key`), the decision date the 双公示 deadline counts from, and per field its
type, whether it is required, its allowed values, its longest length and the column names (the national
双公示 standard's among them) a file may use for it. Adding a record type to collection needs no code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FieldKind = Literal["text", "date", "number", "code"]
SUBJECT_FIELD = "subject_code"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CollectedFieldSpec(_Strict):
    """One field as a submission carries it, as written in catalog.yaml."""

    type: FieldKind = "text"
    required: bool = False
    max_length: int = Field(default=500, ge=1, le=100_000)
    values: list[str] | None = None
    not_before: str | None = None
    aliases: list[str] = Field(default_factory=list)


class CollectionSpec(_Strict):
    """A record type's `collection` block in catalog.yaml."""

    key: list[str] = Field(min_length=1)
    decided_on: str
    deadline_working_days: int = Field(default=7, ge=1, le=365)
    legal_basis: str
    subject_aliases: list[str] = Field(default_factory=list)
    fields: dict[str, CollectedFieldSpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CollectedField:
    """A field a submission may carry: its kind and the checks its value must pass."""

    name: str
    kind: FieldKind
    required: bool
    max_length: int
    values: frozenset[str] | None
    not_before: str | None
    aliases: tuple[str, ...]
    free_text: bool


@dataclass(frozen=True, slots=True)
class Collection:
    """How items of one record type are submitted, identified, checked and timed."""

    record_type: str
    key: tuple[str, ...]
    decided_on: str
    deadline_working_days: int
    legal_basis: str
    subject_aliases: tuple[str, ...]
    fields: dict[str, CollectedField]

    def column_names(self) -> dict[str, str]:
        """Answers every column name a file may use (field names, aliases, case-insensitive) -> field."""
        names = {SUBJECT_FIELD.casefold(): SUBJECT_FIELD}
        names.update({alias.casefold(): SUBJECT_FIELD for alias in self.subject_aliases})
        for field in self.fields.values():
            names[field.name.casefold()] = field.name
            names.update({alias.casefold(): field.name for alias in field.aliases})
        return names
