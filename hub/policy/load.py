"""Reads policies/*.yaml, checks each against the catalogue and compiles it; errors name file:line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from hub.catalog.model import Catalog
from hub.catalog.yamlfile import YamlDocument, load_yaml
from hub.errors import ConfigError
from hub.policy.check import check_header
from hub.policy.compile import compile_policy
from hub.policy.model import PolicySpec
from hub.policy.policy import Policy
from hub.policy.rules import check_rules

# Files in policies/ that are not department policies.
RESERVED = frozenset({"measures", "purposes", "evaluation"})
_FIX = "see policies/README.md for the keys and values a policy may use"


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every department's compiled policy, by department key."""

    departments: dict[str, Policy]

    def get(self, department: str | None) -> Policy | None:
        """Answers the policy of a department key, or None when there is none."""
        return self.departments.get(department) if department else None


def policy_files(policies_dir: Path) -> list[Path]:
    """Answers the department policy files of a policies folder, in name order."""
    return sorted(p for p in policies_dir.glob("*.yaml") if p.stem not in RESERVED)


def load_policies(policies_dir: Path, catalog: Catalog) -> PolicySet:
    """Answers the compiled policies of every department, or raises ConfigError at the first bad line."""
    if not policies_dir.is_dir():
        raise ConfigError("policies folder not found", place=str(policies_dir), fix="pass the policies/ folder")
    files = policy_files(policies_dir)
    if not files:
        raise ConfigError(
            "no department policies", place=str(policies_dir), fix="add one <department>.yaml per department"
        )
    return PolicySet({path.stem: load_policy(path, catalog) for path in files})


def load_policy(path: Path, catalog: Catalog) -> Policy:
    """Answers one compiled department policy, or raises ConfigError at the offending line."""
    document = load_yaml(path)
    reject_duplicate_keys(document)
    spec = _validate(document)
    check_header(document, spec, catalog)
    check_rules(document, spec, catalog)
    return compile_policy(spec, catalog)


def _validate(document: YamlDocument) -> PolicySpec:
    try:
        return PolicySpec.model_validate(document.data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also makes the right one missing; the misspelling has the line that helps.
        first = next((e for e in errors if e["type"] != "missing"), errors[0])
        loc = tuple(part for part in first["loc"] if part != "[key]")
        shown = ".".join(str(part) for part in loc) or "(document)"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"'{shown}': {message}", place=document.place(loc), fix=_FIX) from None


def reject_duplicate_keys(document: YamlDocument) -> None:
    """Answers nothing; raises ConfigError at a key written twice in one mapping (YAML keeps the last)."""
    node = yaml.compose(document.path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[object] = set()
            for key_node, value_node in current.value:
                if key_node.value in seen:
                    raise ConfigError(
                        f"key '{key_node.value}' is written twice",
                        place=f"{document.path}:{key_node.start_mark.line + 1}",
                        fix="merge the two entries into one; YAML would silently keep only the last",
                    )
                seen.add(key_node.value)
                pending.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)
