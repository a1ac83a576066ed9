"""The document a hub sends another hub, and reading its answer back into rows (refusals kept as refusals)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hub.errors import ErrorCode
from hub.federation.adapter import ITEM, SOURCE, SUBJECT
from hub.federation.remote_query import (
    PERIODS_APPLIED,
    WITHHELD,
    AnswerReader,
    Part,
    Refusal,
    alias,
    batch,
    camel,
    document,
    selection,
)

NEEDS = {
    "registration": frozenset({"name", "phone", "legal_representative.id_number"}),
    "penalty": frozenset({"decision_number", "decided_on", "amount"}),
    "listing": frozenset({"list"}),
}
CODES = ["911401061304229066", "911402127484568924"]


def _reader() -> AnswerReader:
    return AnswerReader("taiyuan", "太原市 hub", NEEDS, CODES)


def _subject(code: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": "某公司", "phone": None, "legalRepresentative": {"idNumber": "140105********1234"},
            "penalties": [{"id": "taiyuan:penalty:1", "decisionNumber": "并罚〔2026〕1号", "decidedOn": "2026-05-19",
                           "amount": "49100.00"}], "listings": [], **extra}  # fmt: skip


def test_the_selection_asks_for_exactly_the_planned_fields() -> None:
    text = selection(NEEDS)
    assert text.startswith("code ")
    assert "legalRepresentative { idNumber }" in text
    assert "penalties { id amount decidedOn decisionNumber }" in text
    assert "listings { id list }" in text
    assert "address" not in text
    assert "licences" not in text


def test_one_code_asks_subject_and_several_ask_subjects_in_one_request() -> None:
    assert "subject(code: $code" in document(NEEDS, many=False)
    assert "subjects(codes: $codes" in document(NEEDS, many=True)
    assert camel("legal_representative") == "legalRepresentative"


def test_an_answer_becomes_rows_with_catalogue_names_and_types_and_its_receipt() -> None:
    body = {"data": {"subjects": [_subject(CODES[0]), None]}, "extensions": {"audit": {"eventId": "e-1"}}}
    answer = _reader().read(body)
    assert answer.receipt == "e-1"
    assert answer.refusal is None
    [registration] = answer.rows["registration"]
    assert registration[SUBJECT] == CODES[0]
    assert registration[SOURCE] == "taiyuan"
    assert registration["legal_representative.id_number"] == "140105********1234"
    [penalty] = answer.rows["penalty"]
    assert penalty[ITEM] == "taiyuan/taiyuan:penalty:1"
    assert penalty["decided_on"] == date(2026, 5, 19)
    assert penalty["amount"] == Decimal("49100.00")
    assert penalty[PERIODS_APPLIED] is True
    assert answer.rows["listing"] == []


def test_a_field_the_other_hub_denies_stays_denied_naming_that_hub() -> None:
    errors = [
        {"message": "denied by rule", "path": ["subjects", 0, "phone"], "extensions": {"code": "FIELD_DENIED"}},
        {"message": "masked away", "path": ["subjects", 0, "penalties", 0, "amount"],
         "extensions": {"code": "FIELD_DENIED"}},
    ]  # fmt: skip
    answer = _reader().read({"data": {"subjects": [_subject(CODES[0]), None]}, "errors": errors})
    phone = answer.rows["registration"][0]["phone"]
    assert isinstance(phone, Refusal)
    assert phone.code is ErrorCode.FIELD_DENIED
    assert "太原市 hub" in phone.message
    assert isinstance(answer.rows["penalty"][0]["amount"], Refusal)


def test_a_list_or_subject_the_other_hub_withholds_is_withheld_not_empty() -> None:
    errors = [
        {"message": "consent needed", "path": ["subjects", 0, "listings"], "extensions": {"code": "CONSENT_REQUIRED"}},
        {"message": "out of scope", "path": ["subjects", 1], "extensions": {"code": "FORBIDDEN"}},
    ]
    answer = _reader().read({"data": {"subjects": [_subject(CODES[0], listings=None), None]}, "errors": errors})
    [consent] = [row for row in answer.rows["listing"] if row[SUBJECT] == CODES[0]]
    assert consent[WITHHELD].code is ErrorCode.CONSENT_REQUIRED
    refused = [row for rows in answer.rows.values() for row in rows if row[SUBJECT] == CODES[1]]
    assert {row[WITHHELD].code for row in refused} == {ErrorCode.FORBIDDEN}
    assert len(refused) == len(NEEDS)


def test_a_subject_not_on_record_there_is_no_row_and_an_unknown_code_is_unavailable() -> None:
    errors = [{"message": "none", "path": ["subjects", 1], "extensions": {"code": "NOT_FOUND"}}]
    answer = _reader().read({"data": {"subjects": [_subject(CODES[0]), None]}, "errors": errors})
    assert all(row[SUBJECT] == CODES[0] for rows in answer.rows.values() for row in rows)
    whole = _reader().read({"data": None, "errors": [{"message": "no", "extensions": {"code": "SOMETHING"}}]})
    assert whole.refusal is not None
    assert whole.refusal.code is ErrorCode.SOURCE_UNAVAILABLE


def test_the_reads_of_one_request_share_one_document_each_under_its_alias() -> None:
    person = ("140122196107176295",)
    parts = [Part(tuple(CODES), NEEDS), Part(person, {"representation": frozenset({"enterprise_code"})})]
    text, variables = batch(parts, "ADMINISTRATIVE_APPROVAL")
    assert text.count("query Federated") == 1
    assert "p0: subjects(codes: $c0, purpose: $purpose)" in text
    assert "p1: subject(code: $c1, purpose: $purpose) { code representedEnterprises { id enterpriseCode } }" in text
    assert variables == {"purpose": "ADMINISTRATIVE_APPROVAL", "c0": CODES, "c1": person[0]}
    single, plain = batch(parts[:1], "SUPERVISION")
    assert single == document(NEEDS, many=True)
    assert plain == {"purpose": "SUPERVISION", "codes": CODES}


def test_each_part_reads_its_own_alias_and_errors() -> None:
    person = "140122196107176295"
    body = {
        "data": {"p0": [_subject(CODES[0]), None], "p1": None},
        "errors": [
            {"message": "denied", "path": ["p0", 0, "phone"], "extensions": {"code": "FIELD_DENIED"}},
            {"message": "consent", "path": ["p1"], "extensions": {"code": "CONSENT_REQUIRED"}},
        ],
        "extensions": {"audit": {"eventId": "e-2"}},
    }
    first = _reader().read(body, alias(0))
    assert isinstance(first.rows["registration"][0]["phone"], Refusal)
    assert first.refusal is None
    second = AnswerReader("taiyuan", "太原市 hub", {"representation": frozenset({"enterprise_code"})}, [person])
    [refused] = second.read(body, alias(1)).rows["representation"]
    assert refused[WITHHELD].code is ErrorCode.CONSENT_REQUIRED
