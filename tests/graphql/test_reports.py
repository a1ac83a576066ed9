"""`creditReport` and `reportVerification` over GraphQL: the signed file, its hash, and who may look a number up."""

from __future__ import annotations

import base64
import hashlib

from hub.reports.signing import split
from tests.support.server import HubFixture

REPORT = """query($c: ID!) { creditReport(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  number edition issuedAt sha256 signature verifyUrl pdfBase64 } }"""
LOOKUP = "query($n: String!) { reportVerification(number: $n) { number edition sha256 department eventId } }"


def test_the_report_query_answers_the_signed_file_and_its_receipt(hub: HubFixture) -> None:
    body = hub.graphql("approval-bureau", REPORT, {"c": hub.samples["blacklisted"]}).json()
    assert "errors" not in body, body
    report = body["data"]["creditReport"]
    pdf, number, detached = split(base64.b64decode(report["pdfBase64"]))
    assert pdf.startswith(b"%PDF-")
    assert (number, detached) == (report["number"], report["signature"])
    assert hashlib.sha256(pdf).hexdigest() == report["sha256"]
    assert report["edition"] == "DEPARTMENT"
    assert report["verifyUrl"].endswith(f"/reports/verify/{number}")

    found = hub.graphql("privacy-office", LOOKUP, {"n": number}).json()
    assert found["data"]["reportVerification"] == {
        "number": number, "edition": "DEPARTMENT", "sha256": report["sha256"], "department": "approval-bureau",
        "eventId": body["extensions"]["audit"]["eventId"],
    }  # fmt: skip
    refused = hub.graphql("approval-bureau", LOOKUP, {"n": number}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unknown = hub.graphql("privacy-office", LOOKUP, {"n": "CR20260101FFFFFFFFFF"}).json()
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
