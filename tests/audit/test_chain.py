"""The hash chain: the link formula, gap-free linking and the subject index rows."""

from __future__ import annotations

import hashlib
from datetime import date

from hub.audit.chain import GENESIS_HASH, link, link_hash, prepare
from hub.audit.events import SubjectDisclosure, subject_key
from hub.store.audit_rows import ChainHead
from tests.audit.support import SECRET, event


def test_link_hash_is_sha256_of_prev_body_and_seq() -> None:
    expected = hashlib.sha256(("0" * 64 + '{"a":"é"}' + "7").encode()).hexdigest()
    assert link_hash(GENESIS_HASH, '{"a":"é"}', 7) == expected
    assert GENESIS_HASH == "0" * 64


def test_link_extends_the_head_without_gaps() -> None:
    prepared = [prepare(event(), SECRET) for _ in range(3)]
    rows, _ = link(ChainHead(41, "a" * 64), prepared)
    assert [row.seq for row in rows] == [42, 43, 44]
    assert rows[0].prev_hash == "a" * 64
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    assert all(row.hash == link_hash(row.prev_hash, row.body, row.seq) for row in rows)


def test_subject_rows_are_keyed_and_deduplicated_with_the_longest_concealment() -> None:
    code = "11010119900307123X"
    item = event(subjects=[SubjectDisclosure(code), SubjectDisclosure(code.lower(), concealed_until=date(2027, 1, 1)),
                           SubjectDisclosure("91110000600037341L")])  # fmt: skip
    _, subjects = link(ChainHead(0, GENESIS_HASH), [prepare(item, SECRET)])
    assert {(row.subject_key, row.concealed_until) for row in subjects} == {
        (subject_key(SECRET, code), date(2027, 1, 1)),
        (subject_key(SECRET, "91110000600037341L"), None),
    }
    assert all(code not in row.subject_key for row in subjects)
