"""Who is asking: the authenticated caller the rest of the hub decides about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hub.identity.scopes import Scope


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: an OAuth client of a department, or a citizen/enterprise about itself."""

    subject: str
    scopes: frozenset[str]
    client_id: str | None = None
    org: str | None = None
    department: str | None = None
    self_code: str | None = None
    token_id: str | None = None
    expires_at: datetime | None = None
    client_name: str | None = None  # the client's registered name when its token was issued
    operator: str | None = None  # the person the token was issued to (an officer signed in), named in the register
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_self(self) -> bool:
        """Answers whether the caller is a citizen or enterprise acting about its own record."""
        return self.self_code is not None

    def has(self, scope: Scope) -> bool:
        """Answers whether the token carries `scope`."""
        return scope in self.scopes
