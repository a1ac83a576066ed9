"""Privacy officers signing in as themselves: their accounts, and the token that names them in the register."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hub.config import OidcSettings
from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind, parse_subject_code
from hub.identity.credentials import ScopeCeiling
from hub.identity.keys import SigningKey
from hub.identity.oauth import ClientRecord
from hub.identity.tokens import IssuedToken, TokenIssuer

ACCOUNT = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d)(\d{4})(\d{4})$")
MAX_ID, MAX_NAME = 56, 60  # the register's operator holds at most 120 characters: 名字（id）
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
        return self.account if self.name == self.account else f"{self.name}（{self.account}）"


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


def _printable(value: Any, limit: int) -> str:
    """Answers a claim's text with control and formatting characters dropped, trimmed and cut to `limit`."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    text = "".join(c for c in str(value) if unicodedata.category(c)[0] not in "CZ" or c == " ").strip()
    return text[:limit]


def shown_id(value: str) -> str:
    """Answers a person's id at the provider as the register may name them: a resident ID or a mobile number
    masked (the provider may use one as its id), anything else as it is."""
    try:
        parsed = parse_subject_code(value)
    except HubError:
        parsed = None
    if parsed is not None and parsed.kind is SubjectKind.NATURAL_PERSON:
        return parsed.value[:6] + "*" * (len(parsed.value) - 10) + parsed.value[-4:]
    mobile = _MOBILE.fullmatch(value)
    return f"{mobile.group(1)}****{mobile.group(3)}" if mobile else value


def _groups(claim: Any) -> list[str]:
    if isinstance(claim, str):
        return claim.split()
    return [group for group in claim if isinstance(group, str)] if isinstance(claim, list) else []


def officer_from_claims(claims: Mapping[str, Any], config: OidcSettings) -> Officer:
    """Answers the officer a verified ID token names (their id, display name and the department their group maps
    to), or raises FORBIDDEN (extra `operator`: how the register names the person refused)."""
    account = shown_id(_printable(claims.get(config.officer_id_claim), MAX_ID))
    name = _printable(claims.get(config.officer_name_claim), MAX_NAME) or account
    person = Officer(account=account, name=name, department="")
    if not account:
        raise HubError(
            ErrorCode.UNAUTHENTICATED,
            f"the identity provider's token has no '{config.officer_id_claim}' to name the officer by",
            fix='set oidc.officer_id_claim to the claim holding the person\'s stable id (e.g. "sub")',
        )
    groups = _groups(claims.get(config.officer_claim))
    departments = sorted({config.officer_groups[group] for group in groups if group in config.officer_groups})
    mapped = ", ".join(sorted(config.officer_groups))
    if not departments:
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"the identity provider lists this person in no officer group (claim '{config.officer_claim}')",
            fix=f"an administrator of the identity provider adds the person to one of: {mapped}",
            extra={"operator": person.operator, "reason": "not_officer"},
        )
    if len(departments) > 1:
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"the person's groups map to several departments ({', '.join(departments)}); an officer acts for one",
            fix="keep the person in the officer group of one department only (oidc.officer_groups)",
            extra={"operator": person.operator, "reason": "several_departments"},
        )
    return Officer(account=account, name=name, department=departments[0])


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
