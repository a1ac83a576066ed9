"""Shared fixtures: the shipped catalogue and policies, and a writer for throw-away policy files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hub.catalog.load import load_catalog
from hub.catalog.model import Catalog
from hub.config import resource_dir
from hub.policy.load import PolicySet, load_policies

POLICIES = resource_dir("policies")
DEPARTMENTS = ("approval-bureau", "market-regulation", "tax", "court", "bank", "public", "privacy-office")

BASE: dict[str, str] = {
    "department": "department: demo",
    "title": "title: Demo department",
    "kind": "kind: government",
    "purposes": "purposes: [SUPERVISION]",
    "scopes": "scopes: [subject:read, check:read]",
    "operator_required": "operator_required: true",
    "max_sharing": "max_sharing: shared",
    "consent": "consent:\n  natural_persons: not_required",
    "limits": "limits: {subjects_per_request: 10, depth: 8, aliases: 10, cost: 1000}",
    "rules": "rules:\n  penalty: {default: allow, fields: {decision_text: deny}}",
}

Writer = Callable[..., Path]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalogue."""
    return load_catalog(resource_dir("schema") / "catalog.yaml")


@pytest.fixture(scope="session")
def policy_set(catalog: Catalog) -> PolicySet:
    """The shipped department policies."""
    return load_policies(POLICIES, catalog)


def policy_text(**sections: str) -> str:
    """The base demo policy with top-level sections replaced (empty string drops a section)."""
    merged = {**BASE, **sections}
    return "\n".join(text for text in merged.values() if text) + "\n"


@pytest.fixture
def write_policy(tmp_path: Path) -> Writer:
    """Writes a policy file `<name>.yaml` into a fresh folder and answers its path."""

    def write(name: str = "demo", **sections: str) -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(policy_text(**sections), encoding="utf-8")
        return path

    return write
