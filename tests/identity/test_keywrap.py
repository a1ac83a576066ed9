"""The wrap that seals signing keys at rest: round trip, the wrong key, a moved key, the key file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from joserfc.jwk import OctKey

from hub.errors import ConfigError
from hub.identity.keywrap import KeyWrap, is_sealed

PRIVATE = json.dumps({"kty": "EC", "crv": "P-256", "d": "secret-part", "x": "x", "y": "y"})


def test_a_sealed_key_opens_to_what_was_sealed_and_hides_it() -> None:
    wrap = KeyWrap.generate()
    sealed = wrap.seal("k1", PRIVATE)
    assert is_sealed(sealed)
    assert "secret-part" not in sealed
    assert wrap.open("k1", sealed) == PRIVATE


def test_another_wrap_cannot_open_it_and_says_which_key_and_file() -> None:
    sealed = KeyWrap.generate().seal("k1", PRIVATE)
    with pytest.raises(ConfigError) as caught:
        KeyWrap(OctKey.generate_key(256), place="/etc/hub/wrap.jwk").open("k1", sealed)
    assert "signing key k1 cannot be opened with this wrap key" in caught.value.message
    assert caught.value.place == "/etc/hub/wrap.jwk"
    assert "the wrap key file that sealed the keys" in (caught.value.fix or "")


def test_a_sealed_key_moved_to_another_kid_is_refused() -> None:
    wrap = KeyWrap.generate()
    with pytest.raises(ConfigError, match="k2"):
        wrap.open("k2", wrap.seal("k1", PRIVATE))


def test_an_altered_sealed_key_is_refused() -> None:
    wrap = KeyWrap.generate()
    header, key, iv, ciphertext, tag = wrap.seal("k1", PRIVATE).split(".")
    flipped = ("A" if ciphertext[5] != "A" else "B").join((ciphertext[:5], ciphertext[6:]))
    with pytest.raises(ConfigError, match="sealed with another, or altered"):
        wrap.open("k1", ".".join((header, key, iv, flipped, tag)))


def test_a_key_stored_in_the_clear_is_refused_naming_it_and_the_migration() -> None:
    assert not is_sealed(PRIVATE)
    with pytest.raises(ConfigError, match="signing key k1 is stored in the clear") as caught:
        KeyWrap.generate().open("k1", PRIVATE)
    assert "credit-hub migrate" in (caught.value.fix or "")


def test_the_key_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "wrap.jwk"
    sealed = KeyWrap.load_or_create(path).seal("k1", PRIVATE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KeyWrap.load_or_create(path).open("k1", sealed) == PRIVATE
    assert [p.name for p in path.parent.iterdir()] == ["wrap.jwk"]  # no temporary file left


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not json", "not a symmetric JWK"),
        (json.dumps({"kty": "EC", "crv": "P-256"}), "not a symmetric JWK"),
        (json.dumps(OctKey.generate_key(128).as_dict(private=True)), "must be 256 bits"),
    ],
)
def test_a_bad_key_file_is_named_with_the_fix(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "wrap.jwk"
    path.write_text(content)
    with pytest.raises(ConfigError, match=words) as caught:
        KeyWrap.load_or_create(path)
    assert caught.value.place == str(path)
    assert caught.value.fix


def test_a_key_file_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot read or create") as caught:
        KeyWrap.load_or_create(blocker / "wrap.jwk")
    assert caught.value.place == str(blocker / "wrap.jwk")
