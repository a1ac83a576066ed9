"""A report's signature: a detached JWS over its number and the SHA-256 of the PDF, kept after the PDF's end."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

MARKER = b"\n%CREDIT-HUB-SIGNATURE "
MEDIA_TYPE = "credit-report+jws"
_ALGORITHMS = ["ES256"]


class InvalidReport(Exception):
    """A file that is no unaltered report of this hub; the message says why."""


@dataclass(frozen=True, slots=True)
class Verified:
    """What an unaltered report proves: its number, the hash of its PDF and the key that signed it."""

    number: str
    sha256: str
    kid: str


def payload(number: str, sha256: str) -> bytes:
    """Answers the signed bytes: the report number and the PDF's hash as canonical JSON."""
    return json.dumps({"number": number, "sha256": sha256}, sort_keys=True, separators=(",", ":")).encode()


def sign(pdf: bytes, number: str, key: ECKey, kid: str) -> tuple[bytes, str, str]:
    """Answers the signed file (the PDF and its signature trailer), the PDF's hash and the detached JWS."""
    digest = hashlib.sha256(pdf).hexdigest()
    header = {"alg": "ES256", "kid": kid, "typ": MEDIA_TYPE, "cty": "application/json"}
    detached = str(
        jws.detach_content(jws.serialize_compact(header, payload(number, digest), key, algorithms=_ALGORITHMS))
    )
    trailer = MARKER + number.encode() + b" " + detached.encode() + b"\n"
    return pdf + trailer, digest, detached


def split(signed: bytes) -> tuple[bytes, str, str]:
    """Answers the PDF, the report number and the detached JWS of a signed file; InvalidReport when it has none."""
    at = signed.rfind(MARKER)
    if at < 0 or not signed[:at].rstrip().endswith(b"%%EOF"):
        raise InvalidReport("the file carries no Credit Hub signature (it is not a report, or was re-saved)")
    parts = signed[at + len(MARKER) :].strip().split(b" ")
    if len(parts) != 2:
        raise InvalidReport("the signature trailer is malformed")
    try:
        return signed[:at], parts[0].decode("ascii"), parts[1].decode("ascii")
    except UnicodeDecodeError:
        raise InvalidReport("the signature trailer is malformed") from None


def _kid(detached: str) -> str:
    try:
        kid = jws.extract_compact(detached.encode("ascii")).headers().get("kid")
    except (JoseError, ValueError):
        raise InvalidReport("the signature trailer is malformed") from None
    if not isinstance(kid, str):
        raise InvalidReport("the signature names no key")
    return kid


def verify(signed: bytes, keys: KeySet) -> Verified:
    """Answers what an unaltered report proves; InvalidReport when a byte of it or its signature was changed."""
    pdf, number, detached = split(signed)
    digest = hashlib.sha256(pdf).hexdigest()
    kid = _kid(detached)
    if kid not in {key.kid for key in keys}:
        raise InvalidReport(
            f"it is signed by key {kid[:64]!r}, which these keys do not hold: verify with the hub's /reports/keys.json "
            "(every key that ever signed a report), not only the keys that sign tokens now"
        )
    try:
        found = jws.deserialize_compact(detached, keys, algorithms=_ALGORITHMS, payload=payload(number, digest))
    except JoseError as exc:
        raise InvalidReport(f"the signature does not match the file ({exc.error}): it was altered") from None
    if found.headers().get("typ") != MEDIA_TYPE:
        raise InvalidReport("the signature is not a credit report's")
    return Verified(number, digest, str(found.headers().get("kid")))
