"""A report's detached signature: any changed byte, number or key fails; an unsigned file says so."""

from __future__ import annotations

import pytest
from joserfc.jwk import ECKey, KeySet

from hub.reports.signing import InvalidReport, sign, verify

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
KEY = ECKey.generate_key("P-256", parameters={"kid": "k1"})
PUBLIC = KeySet([ECKey.import_key(KEY.as_dict(private=False))])


def test_an_unaltered_report_verifies() -> None:
    signed, digest, detached = sign(PDF, "CR20261206AAAAAAAAAA", KEY, "k1")
    found = verify(signed, PUBLIC)
    assert (found.number, found.sha256, found.kid) == ("CR20261206AAAAAAAAAA", digest, "k1")
    assert detached.count(".") == 2
    assert detached.split(".")[1] == "", "the payload is detached"


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.replace(b"endobj", b"endobJ"),
        lambda b: b.replace(b"CR20261206AAAAAAAAAA", b"CR20261206AAAAAAAAAB"),
        lambda b: b.replace(b"%%EOF\n", b"%%EOF\n\n", 1),
    ],
)
def test_a_changed_byte_or_number_fails(change: object) -> None:
    signed, _, _ = sign(PDF, "CR20261206AAAAAAAAAA", KEY, "k1")
    with pytest.raises(InvalidReport):
        verify(change(signed), PUBLIC)  # type: ignore[operator]


def test_another_key_or_no_signature_fails() -> None:
    signed, _, _ = sign(PDF, "CR20261206AAAAAAAAAA", ECKey.generate_key("P-256"), "k1")
    with pytest.raises(InvalidReport, match="altered"):
        verify(signed, PUBLIC)
    with pytest.raises(InvalidReport, match="no Credit Hub signature"):
        verify(PDF, PUBLIC)


def test_a_key_the_set_does_not_hold_is_named_with_where_to_find_it() -> None:
    signed, _, _ = sign(PDF, "CR20261206AAAAAAAAAA", KEY, "retired-key")
    with pytest.raises(InvalidReport, match=r"key 'retired-key'.*/reports/keys.json"):
        verify(signed, PUBLIC)
