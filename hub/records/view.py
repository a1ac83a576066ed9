"""What a caller receives: values, masked values, and markers for what was withheld and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub.errors import ErrorCode
from hub.store.flagged import FlaggedEntry


@dataclass(frozen=True, slots=True)
class Withheld:
    """A value the caller does not get; the GraphQL layer turns it into null plus an error at its path."""

    code: ErrorCode
    message: str


@dataclass
class Disclosure:
    """Per subject: which catalogue fields left the hub in clear, masked, or were withheld."""

    code: str
    clear: set[str] = field(default_factory=set)
    masked: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    consent_ids: set[str] = field(default_factory=set)
    flagged: list[FlaggedEntry] = field(default_factory=list)  # list entries that failed the entry checks


View = dict[str, Any]
