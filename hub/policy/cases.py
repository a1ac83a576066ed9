"""Expected decisions per department (policies/cases/<department>.yaml) and the check that runs them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, TypeAdapter, ValidationError, model_validator

from hub.catalog.yamlfile import YamlDocument, load_yaml
from hub.errors import ConfigError, ErrorCode, HubError
from hub.identity.codes import SubjectKind
from hub.policy.decision import Action, Decision, parse_decision
from hub.policy.load import RESERVED, PolicySet, reject_duplicate_keys
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose

_REFUSED = ErrorCode.PURPOSE_NOT_ALLOWED.value
_CONCEALED, _SHOWN = "concealed", "shown"
_FIX = (
    "write each case as {purpose, kind, field, expect}, {purpose, expect: PURPOSE_NOT_ALLOWED}, "
    "{purpose, expect: shown} or {purpose, expect: concealed, conceal_access_days, conceal_until_case_closes}"
)


class CaseSpec(BaseModel):
    """One expected decision: a field under a purpose for a kind of subject, or a refused purpose."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    purpose: Purpose
    kind: SubjectKind | None = None
    field: str | None = None
    expect: str
    conceal_access_days: StrictInt | None = None
    conceal_until_case_closes: StrictBool = False

    @model_validator(mode="after")
    def _complete(self) -> CaseSpec:
        concealment = self.conceal_access_days is not None or self.conceal_until_case_closes
        if self.expect in (_CONCEALED, _SHOWN):
            if self.kind is not None or self.field is not None:
                raise ValueError("a concealment case names a purpose only, no kind or field")
            if self.expect == _SHOWN and concealment:
                raise ValueError("a 'shown' case takes no conceal_access_days or conceal_until_case_closes")
            if self.expect == _CONCEALED and not concealment:
                raise ValueError("a 'concealed' case needs conceal_access_days, conceal_until_case_closes or both")
            return self
        if concealment:
            raise ValueError("conceal_access_days and conceal_until_case_closes go with expect: concealed")
        if self.expect == _REFUSED:
            return self
        parse_decision(self.expect)
        if self.kind is None or self.field is None:
            raise ValueError("a field case needs kind and field")
        return self


_CASES = TypeAdapter(list[CaseSpec])


@dataclass(frozen=True, slots=True)
class CaseFailure:
    """An expected decision the compiled policy does not make, with where the case is written."""

    place: str
    message: str

    def render(self) -> str:
        """Answers the one-line `file:line: message` shown to a person."""
        return f"{self.place}: {self.message}"


def check_cases(policy_set: PolicySet, cases_dir: Path) -> list[CaseFailure]:
    """Answers every case that fails, every department without cases and every stray cases file."""
    failures: list[CaseFailure] = []
    for department, policy in sorted(policy_set.departments.items()):
        path = cases_dir / f"{department}.yaml"
        if not path.is_file():
            failures.append(CaseFailure(str(path), f"department '{department}' has no cases file"))
            continue
        failures.extend(run_cases(policy, load_cases(path)))
    for path in sorted(cases_dir.glob("*.yaml")):
        if path.stem not in policy_set.departments and path.stem not in RESERVED:
            failures.append(CaseFailure(f"{path}:1", f"no department policy '{path.stem}' for these cases"))
    return failures


def load_cases(path: Path) -> tuple[YamlDocument, list[CaseSpec]]:
    """Answers a cases file and its cases, or raises ConfigError at the offending line."""
    document = load_yaml(path)
    reject_duplicate_keys(document)
    try:
        return document, _CASES.validate_python(document.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        about = f"case {loc[0] + 1}" if loc and isinstance(loc[0], int) else "cases file"
        raise ConfigError(f"{about}: {message}", place=document.place(loc), fix=_FIX) from None


def run_cases(policy: Policy, loaded: tuple[YamlDocument, list[CaseSpec]]) -> list[CaseFailure]:
    """Answers the cases of one department that the compiled policy does not meet."""
    document, cases = loaded
    failures: list[CaseFailure] = []
    for index, case in enumerate(cases):
        if case.expect in (_CONCEALED, _SHOWN):
            failures.extend(_concealment_failure(policy, case, document.place((index,))))
            continue
        got = _outcome(policy, case)
        if not _matches(case.expect, got):
            about = f"{case.purpose}" if case.field is None else f"{case.purpose} {case.kind} {case.field}"
            failures.append(
                CaseFailure(document.place((index,)), f"{policy.department} {about}: expected {case.expect}, got {got}")
            )
    return failures


def _concealment_text(days: int | None, until_case_closes: bool) -> str:
    if until_case_closes:
        return "concealed until the case closes" + (f", at most {days} days" if days else "")
    return f"concealed for {days} days" if days else "shown at once"


def _concealment_failure(policy: Policy, case: CaseSpec, place: str) -> list[CaseFailure]:
    if case.purpose not in policy.purposes:
        got = _REFUSED
    else:
        days = policy.conceal_access_days.get(case.purpose)
        got = _concealment_text(days, policy.conceals_until_case_closes(case.purpose))
    expected = _concealment_text(case.conceal_access_days, case.conceal_until_case_closes)
    if got == expected:
        return []
    return [CaseFailure(place, f"{policy.department} {case.purpose}: expected {expected}, got {got}")]


def _outcome(policy: Policy, case: CaseSpec) -> str:
    kind = case.kind or SubjectKind.LEGAL_ENTITY
    try:
        policy.plan(case.purpose, kind, {})
    except HubError as exc:
        if exc.code is ErrorCode.PURPOSE_NOT_ALLOWED:
            return _REFUSED
        raise
    if case.field is None:
        return "allowed purpose"
    decision: Decision = policy.decide(case.purpose, kind, case.field)
    return decision.label if decision.action is not Action.DENY else f"deny ({decision.reason})"


def _matches(expect: str, got: str) -> bool:
    if expect == Action.MASK:
        return got.startswith("mask:")
    if expect == Action.DENY:
        return got.startswith("deny")
    return expect == got
