"""Signing keys sealed at rest: the database holds each private JWK only as a JWE that a key file opens.

Whoever reads the hub's database (a replica, a backup, an SQL account) could otherwise sign tokens for
any client and scope. The wrap key is a 256-bit symmetric JWK in a file of its own (mode 0600), created
on first start; each private key is sealed with `dir` + `A256GCM`, its kid in the authenticated
header, so a sealed key cannot be moved to another row either.
"""

from __future__ import annotations

import json
from pathlib import Path

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from hub.errors import ConfigError
from hub.identity.secret_file import create_once

_HEADER = {"alg": "dir", "enc": "A256GCM"}
_ALGORITHMS = ["dir", "A256GCM"]
_BITS = 256


class KeyWrap:
    """Seals and opens private signing JWKs with one symmetric key kept outside the database."""

    def __init__(self, key: OctKey, *, place: str = "signing_key_wrap_path") -> None:
        if len(key.raw_value) * 8 != _BITS:
            raise ConfigError(f"the wrap key must be {_BITS} bits", place=place, fix="let the hub create the file")
        self._key = key
        self.place = place

    @classmethod
    def generate(cls) -> KeyWrap:
        """Answers a wrap with a fresh random key held in memory only."""
        return cls(OctKey.generate_key(_BITS))

    @classmethod
    def load_or_create(cls, path: Path) -> KeyWrap:
        """Answers the wrap whose key is at `path`, creating the file (mode 0600) on first start."""
        try:
            if not path.exists():
                create_once(path, json.dumps(OctKey.generate_key(_BITS).as_dict(private=True)).encode())
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot read or create the signing key wrap file ({exc.strerror})",
                place=str(path),
                fix="point signing_key_wrap_path at a file the hub's user may write, e.g. beside audit_key_path",
            ) from None
        try:
            key = OctKey.import_key(json.loads(text))
        except (ValueError, JoseError):
            raise ConfigError(
                "the signing key wrap file is not a symmetric JWK",
                place=str(path),
                fix="restore the file the hub created; without it the stored signing keys cannot be opened",
            ) from None
        return cls(key, place=str(path))

    def seal(self, kid: str, private_jwk: str) -> str:
        """Answers the private JWK `private_jwk` of key `kid` as a compact JWE."""
        return jwe.encrypt_compact({**_HEADER, "kid": kid}, private_jwk.encode(), self._key, algorithms=_ALGORITHMS)

    def open(self, kid: str, stored: str) -> str:
        """Answers the private JWK of key `kid`; raises ConfigError unless this wrap sealed it."""
        if not is_sealed(stored):
            raise ConfigError(
                f"signing key {kid} is stored in the clear, so anyone who read the database could have copied it",
                place="signing_keys",
                fix="run `credit-hub migrate`, which seals keys stored before sealing; or delete the row "
                "(the hub makes a new key; clients fetch new tokens)",
            )
        return self._open_sealed(kid, stored)

    def _open_sealed(self, kid: str, stored: str) -> str:
        try:
            opened = jwe.decrypt_compact(stored, self._key, algorithms=_ALGORITHMS)
        except (ValueError, JoseError):
            opened = None
        if opened is None or opened.protected.get("kid") != kid:
            raise ConfigError(
                f"signing key {kid} cannot be opened with this wrap key (sealed with another, or altered)",
                place=self.place,
                fix="give every worker the wrap key file that sealed the keys; if it is lost, delete the rows of "
                "signing_keys (the hub makes a new key; clients fetch new tokens)",
            )
        return opened.plaintext.decode() if isinstance(opened.plaintext, bytes) else str(opened.plaintext)


def is_sealed(stored: str) -> bool:
    """Answers whether a stored private key is sealed (a compact JWE) rather than plain JWK JSON."""
    return not stored.lstrip().startswith("{")
