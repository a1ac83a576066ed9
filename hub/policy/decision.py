"""What a policy decides for one field: allow, mask (with which masker) or deny, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.catalog.model import PD_CLASSES


class Action(StrEnum):
    """The three outcomes for a field."""

    ALLOW = "allow"
    MASK = "mask"
    DENY = "deny"


# The masker that each personal-data class of the catalogue falls back to; a class masks as itself.
MASKER_FOR_CLASS: dict[str, str | None] = {
    **{pd_class: pd_class for pd_class in PD_CLASSES},
    "none": None,
    "sensitive": "redacted",
}
MASKERS = frozenset(masker for masker in MASKER_FOR_CLASS.values() if masker is not None)

NOT_IN_CATALOGUE = "not in the catalogue"
NOT_FOR_KIND = "the record type is not kept for this kind of subject"
OUTSIDE_PURPOSE = "outside the purpose"
CONFIDENTIAL = "confidential"
NOT_IN_RULES = "not in the department's rules"
DENIED_BY_RULE = "denied by the department's rules"
ABOVE_LEVEL = "above the department's sharing level"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one field: an action, the masker for MASK, and the reason for DENY."""

    action: Action
    masker: str | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        """Answers the decision as written in policy and cases files: allow, mask:<masker> or deny."""
        return f"mask:{self.masker}" if self.action is Action.MASK else self.action.value


def parse_decision(text: str) -> tuple[Action, str | None]:
    """Answers the action and explicit masker a decision text names, or raises ValueError."""
    head, _, operator = text.partition(":")
    if head in (Action.ALLOW, Action.DENY) and not operator and ":" not in text:
        return Action(head), None
    if head == Action.MASK:
        if ":" not in text:
            return Action.MASK, None
        if operator in MASKERS:
            return Action.MASK, operator
        raise ValueError(f"unknown masking operator '{operator}'; use one of {', '.join(sorted(MASKERS))}")
    raise ValueError(f"unknown decision '{text}'; use allow, mask, mask:<operator> or deny")


def deny(reason: str) -> Decision:
    """Answers a DENY decision with its reason."""
    return Decision(Action.DENY, None, reason)
