"""OAuth client credentials: what a registration must contain, and salted scrypt secret hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind, parse_subject_code
from hub.identity.scopes import CLIENT_SCOPES

_N, _R, _P = 2**14, 8, 1
_DEPARTMENT = re.compile(r"^[a-z][a-z0-9-]{1,40}$")

DepartmentCheck = Callable[[str], bool]
ScopeCeiling = Callable[[str], frozenset[str]]  # a department's key → the scopes its policy lets a client hold


def hash_secret(secret: str) -> str:
    """Answers a salted scrypt hash of `secret` in the form `scrypt$n$r$p$salt$digest`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.urlsafe_b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_secret(secret: str, stored: str) -> bool:
    """Answers whether `secret` matches the stored hash (constant-time; False for any malformed hash)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest)
        actual = hashlib.scrypt(
            secret.encode(),
            salt=base64.urlsafe_b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=2**26,
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def default_department_check(key: str) -> bool:
    """Answers whether `key` is shaped like a department key (used until policies are loaded)."""
    return _DEPARTMENT.fullmatch(key) is not None


@dataclass(frozen=True, slots=True)
class NewClient:
    """A validated registration; `secret` is shown once and only `secret_hash` is stored."""

    client_id: str
    secret: str
    secret_hash: str
    name: str
    org: str
    department: str
    scopes: tuple[str, ...]
    created_at: datetime


def _bad(option: str, message: str, fix: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, place=option, fix=fix)


def new_client(
    *,
    name: str,
    org: str,
    department: str,
    scopes: Iterable[str],
    department_ok: DepartmentCheck = default_department_check,
    scope_ceiling: ScopeCeiling | None = None,
) -> NewClient:
    """Answers a registration with fresh credentials, or raises HubError naming the bad option."""
    clean_name = name.strip()
    if not clean_name or len(clean_name) > 200:
        raise _bad("--name", "the client name is empty or longer than 200 characters", "pass --name 'XX审批系统'")
    try:
        code = parse_subject_code(org)
    except HubError as exc:
        raise _bad("--org", exc.message, "pass the organisation's 18-character USCC") from None
    if code.kind is not SubjectKind.LEGAL_ENTITY:
        raise _bad("--org", "a client belongs to an organisation, not a person", "pass the organisation's USCC")
    if not department_ok(department):
        raise _bad("--department", f"unknown department key '{department}'", "use a key defined in policies/")
    wanted = tuple(dict.fromkeys(scope for scope in " ".join(scopes).split()))
    unknown = [scope for scope in wanted if scope not in CLIENT_SCOPES]
    if not wanted or unknown:
        what = f"unknown scope '{unknown[0]}'" if unknown else "no scope given"
        raise _bad("--scopes", what, f"choose from: {' '.join(sorted(CLIENT_SCOPES))}")
    allowed = scope_ceiling(department) if scope_ceiling is not None else CLIENT_SCOPES
    beyond = [scope for scope in wanted if scope not in allowed]
    if beyond:
        raise _bad(
            "--scopes",
            f"the policy of department '{department}' does not let its clients hold '{beyond[0]}'",
            f"choose from: {' '.join(sorted(allowed)) or '(none)'}; or add it to scopes: in policies/{department}.yaml",
        )
    secret = secrets.token_urlsafe(32)
    return NewClient(
        client_id=f"ch_{secrets.token_hex(12)}",
        secret=secret,
        secret_hash=hash_secret(secret),
        name=clean_name,
        org=code.value,
        department=department,
        scopes=wanted,
        created_at=datetime.now(UTC),
    )
