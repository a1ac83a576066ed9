"""YAML files that remember where each key stands, so every complaint can name file:line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from hub.errors import ConfigError

Key = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file and the line of every key path in it."""

    path: Path
    data: Any
    lines: dict[Key, int]

    def place(self, key: Key = ()) -> str:
        """Answers `file:line` for the deepest known prefix of a key path."""
        probe = tuple(key)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return f"{self.path}:{self.lines.get(probe, 1)}"

    def validate(self, model: type[M], fix: str) -> M:
        """Answers the document as `model`, or raises ConfigError at the first invalid key's line."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            errors = exc.errors()
            first = max(errors, key=lambda error: (len(error["loc"]), errors.index(error)))
            loc = tuple(part for part in first["loc"] if not _is_type_tag(part))
            shown = ".".join(str(part) for part in loc) or "(document)"
            raise ConfigError(f"'{shown}': {first['msg']}", place=self.place(loc), fix=fix) from None


def _is_type_tag(part: str | int) -> bool:
    return isinstance(part, str) and (
        part[:1].isupper()
        or part in {"str", "int", "float", "bool", "list", "dict"}
        or part.startswith(("function-", "literal["))
    )


def _walk(node: yaml.Node, key: Key, lines: dict[Key, int]) -> None:
    lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*key, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*key, index), lines)


def _bad_date(node: yaml.Node) -> yaml.ScalarNode | None:
    """Answers the first scalar under `node` that YAML takes for a date and that is no date."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag != "tag:yaml.org,2002:timestamp":
            return None
        try:
            yaml.SafeLoader("").construct_yaml_timestamp(node)
        except ValueError:
            return node
        return None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    return next((bad for child in children if (bad := _bad_date(child)) is not None), None)


def load_yaml(path: Path) -> YamlDocument:
    """Answers the parsed file with key lines, or raises ConfigError naming file:line of a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", place=str(path), fix="check the path") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError(
            f"YAML syntax error: {exc.problem or exc.context}", place=f"{path}:{line}", fix="correct the YAML"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML error: {exc}", place=str(path), fix="correct the YAML") from None
    except ValueError:  # a scalar YAML reads as a date that is none, e.g. 2027-13-01
        bad = _bad_date(node) if node is not None else None
        shown, line = (bad.value, bad.start_mark.line + 1) if bad is not None else ("a value", 1)
        raise ConfigError(
            f"'{shown[:40]}' is not a date", place=f"{path}:{line}", fix="write the day as YYYY-MM-DD, e.g. 2027-10-01"
        ) from None
    lines: dict[Key, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return YamlDocument(path=path, data=data, lines=lines)
