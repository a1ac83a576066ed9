"""Privacy officers signing in as themselves: their accounts, and the token that names them in the register."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hub.errors import ErrorCode, HubError
from hub.identity.credentials import ScopeCeiling
from hub.identity.keys import SigningKey
from hub.identity.oauth import ClientRecord
from hub.identity.tokens import IssuedToken, TokenIssuer

ACCOUNT = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
SUBJECT_PREFIX = "officer:"  # a token's `sub` for an officer: never a subject code, never a client id


@dataclass(frozen=True, slots=True)
class Officer:
    """An officer's account at the identity provider: account name, full name and department key."""

    account: str
    name: str
    department: str

    @property
    def operator(self) -> str:
        """Answers how the register names this officer: full name and account, e.g. 王敏（wangmin）."""
        return f"{self.name}（{self.account}）"


def find_officer(officers: Iterable[Officer], account: str) -> Officer:
    """Answers the officer with this account, or raises NOT_FOUND naming the accounts the provider lists."""
    listed = list(officers)
    for officer in listed:
        if officer.account == account:
            return officer
    known = ", ".join(o.account for o in listed) or "none"
    raise HubError(
        ErrorCode.NOT_FOUND,
        f"the identity provider has no officer account '{account[:40]}'",
        fix=f"sign in with a listed account ({known}); GET /dev/officers lists them",
    )


def officer_client(officer: Officer, clients: Iterable[ClientRecord]) -> ClientRecord:
    """Answers the active client of the officer's department the officer acts through (its oldest)."""
    for client in clients:
        active = not client.disabled and str(getattr(client, "status", "active")) == "active"
        if client.department == officer.department and active:
            return client
    raise HubError(
        ErrorCode.FORBIDDEN,
        f"department '{officer.department}' has no active client for its officers to act through",
        fix=f"register one: credit-hub client create --department {officer.department} --scopes audit:read",
    )


def officer_token(
    officer: Officer, client: ClientRecord, *, issuer: TokenIssuer, signer: SigningKey, ceiling: ScopeCeiling | None
) -> IssuedToken:
    """Answers an access token for the officer acting through their department's client, naming them (`operator`)."""
    scopes = set(client.scopes)
    if ceiling is not None:
        scopes &= ceiling(client.department)
    return issuer.issue(
        signer, subject=SUBJECT_PREFIX + officer.account, client_id=client.client_id, scopes=scopes, org=client.org,
        dept=client.department, client_name=client.name, operator=officer.operator,
    )  # fmt: skip
